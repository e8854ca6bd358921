import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Templates and assets are read from src/ at run time, from `tsx src/…` and from `node dist/…`
// alike: both files sit two folders below the project root.
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_VIEWS = path.join(PROJECT_ROOT, 'src/web/views');
export const WEB_ASSETS = path.join(PROJECT_ROOT, 'src/web/assets');

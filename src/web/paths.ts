import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: two folders above this file, from `tsx src/…` and from `node dist/…` alike. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A folder beside the calling module. Templates and assets sit beside the code that serves them:
 * in src/ when run from the sources, and in dist/, where `npm run build` copies them
 * (src/cli/copy-build-assets.ts), when run as built, so a release needs no src/.
 */
export const besideModule = (moduleUrl: string, folder: string): string => fileURLToPath(new URL(folder, moduleUrl));

export const WEB_VIEWS = besideModule(import.meta.url, './views');
export const WEB_ASSETS = besideModule(import.meta.url, './assets');

// The last step of `npm run build`: copies every `views` and `assets` folder of src/ to the same
// place under dist/, where the built code reads them (src/web/paths.ts besideModule). A folder
// is replaced whole, so a template deleted from src/ does not linger in dist/.
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../web/paths.js';

const FOLDERS = new Set(['views', 'assets']);

function foldersToCopy(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => (FOLDERS.has(e.name) ? [path.join(dir, e.name)] : foldersToCopy(path.join(dir, e.name))));
}

const src = path.join(PROJECT_ROOT, 'src');
const dist = path.join(PROJECT_ROOT, 'dist');
for (const from of foldersToCopy(src)) {
  const to = path.join(dist, path.relative(src, from));
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  process.stdout.write(`copied ${path.relative(PROJECT_ROOT, from)} → ${path.relative(PROJECT_ROOT, to)}\n`);
}

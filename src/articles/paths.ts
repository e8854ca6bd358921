import path from 'node:path';
import { PROJECT_ROOT, besideModule } from '../web/paths.js';

/** The public pages' templates, added to the web base's folders (src/staff/pages/index.ts). */
export const ARTICLE_VIEWS = besideModule(import.meta.url, './views');

/** A configured content folder, relative to the project root unless absolute. */
export function contentDirOf(dir: string): string {
  return path.resolve(PROJECT_ROOT, dir);
}

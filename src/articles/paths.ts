import path from 'node:path';
import { PROJECT_ROOT } from '../web/paths.js';

/** The public pages' templates, added to the web base's folders (src/staff/pages/index.ts). */
export const ARTICLE_VIEWS = path.join(PROJECT_ROOT, 'src/articles/views');

/** A configured content folder, relative to the project root unless absolute. */
export function contentDirOf(dir: string): string {
  return path.resolve(PROJECT_ROOT, dir);
}

import path from 'node:path';
import { PROJECT_ROOT } from '../web/paths.js';

/** The public alert pages' templates, added to the web base's folders (src/staff/pages/index.ts). */
export const ALERT_VIEWS = path.join(PROJECT_ROOT, 'src/alerts/views');

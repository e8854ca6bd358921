import { besideModule } from '../web/paths.js';

/** The public alert pages' templates, added to the web base's folders (src/staff/pages/index.ts). */
export const ALERT_VIEWS = besideModule(import.meta.url, './views');

// The alerts as the chat reads them (the bot's AlertBoard port): the current ones, the
// citizen's county first, each with its title, one line and the absolute address of its page.
import type { AlertBoard, BoardAlert } from '../bot/ports.js';
import { alertListPath, alertPath, regionLabel, type AlertNames } from './present.js';
import type { AlertRepository } from './repository.js';
import { SEVERITY_LABELS, type Alert } from './types.js';

/** As many as the chat shows when the caller does not say. */
const DEFAULT_LIMIT = 3;

export function alertBoard(repo: AlertRepository, names: AlertNames, origin: string, now: () => Date): AlertBoard {
  const item = (a: Alert): BoardAlert => ({
    title: a.title, line: a.summary, severityLabel: SEVERITY_LABELS[a.severity], regionLabel: regionLabel(a.counties, names), url: `${origin}${alertPath(a.id)}`,
  });
  const known = (code: string | undefined) => (code && names.county(code) ? code : undefined);
  return {
    async current(countyCode, limit = DEFAULT_LIMIT) {
      return (await repo.current({ now: now(), county: known(countyCode), limit })).map(item);
    },
    listUrl(countyCode) {
      return `${origin}${alertListPath(known(countyCode))}`;
    },
  };
}

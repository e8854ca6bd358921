// 办结 by timeout: an answered tip that did not move on (satisfied ratings close it at once; a
// 复查 request reopens it) within the review window (Art 35: 30 days) is closed by the system, with an event and a notice, exactly
// as a staff close would be. Run periodically by the web server; idempotent and safe to overlap.
//
// The window is the one the citizen was told of and the state machine keeps open: to the end
// (Beijing) of the 30th day after the day the answer reached them (answer_public_at; answered_at
// for rows without it). A tip is closed only once that day is over, never while 复查 is still open.
import { Op } from 'sequelize';
import { shanghaiDay, startOfShanghaiDay } from '../platform/beijing-time.js';
import type { Logger } from '../platform/logger.js';
import type { ServiceDeps } from './service.js';
import { applyTransition } from './apply.js';
import { snapshotOf } from './scope.js';
import type { TipRow } from './models.js';
import { transition } from './rules/state-machine.js';
import { reviewWindowEnd } from './rules/deadlines.js';
import { REVIEW_WINDOW_DAYS } from './rules/limits.js';

export const AUTO_CLOSE_REASON = `答复后${REVIEW_WINDOW_DAYS}日内未申请复查，自动办结`;

export async function closeUnratedAnswers(deps: ServiceDeps & { logger: Logger }, now: Date, batch = 100): Promise<string[]> {
  // Answers that reached the citizen before this instant have had their 30th day end before today
  // (the rows to read; each is checked again under its lock).
  const cutoff = startOfShanghaiDay(shanghaiDay(now) - REVIEW_WINDOW_DAYS);
  const windowOver = (tip: Pick<TipRow, 'answeredAt' | 'answerPublicAt'>) =>
    tip.answeredAt !== null && now.getTime() > reviewWindowEnd({ answeredAt: tip.answeredAt, answerPublicAt: tip.answerPublicAt }).getTime();
  const { Tip } = deps.repo.models;
  const due = await Tip.findAll({
    attributes: ['id'],
    where: {
      state: 'answered',
      answeredAt: { [Op.lt]: cutoff },
      [Op.or]: [{ answerPublicAt: null }, { answerPublicAt: { [Op.lt]: cutoff } }],
    },
    order: [['answeredAt', 'ASC']],
    limit: batch,
  });
  const closed: string[] = [];
  for (const { id } of due) {
    try {
      const pending = await deps.db.transaction(async (t) => {
        // Re-read under lock: the citizen may have rated or asked for review (and been answered
        // again) since the scan.
        const tip = await Tip.findByPk(id, { transaction: t, lock: t.LOCK.UPDATE });
        if (!tip || tip.state !== 'answered' || !windowOver(tip)) return [];
        const result = transition(snapshotOf(tip), 'close', { reason: AUTO_CLOSE_REASON }, now);
        const ids = await applyTransition(deps, tip, result, { type: 'system', name: 'auto-close' }, t);
        closed.push(tip.code);
        return ids;
      });
      deps.notices.dispatch(pending);
    } catch (err) {
      deps.logger.error({ err, tipId: id }, 'auto-close failed for one tip; it stays answered');
    }
  }
  if (closed.length) deps.logger.info({ count: closed.length }, 'auto-closed answered tips after the review window');
  return closed;
}

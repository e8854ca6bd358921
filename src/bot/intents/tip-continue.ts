// The citizen is in the middle of a tip: every message belongs to the flow (a menu click for
// something else leaves it paused, see engine). Both sides of the exchange go to the transcript.
import type { TipFlow } from '../conversation.js';
import { say, type Intent, isWholeCommand } from '../intent.js';
import { recordBot, recordCitizen } from '../tip-flow/draft.js';
import { tipStep } from '../tip-flow/steps.js';

export const tipContinue: Intent = {
  name: 'tip_continue',
  match: (turn) => turn.record.flow?.name === 'tip' && turn.menuIntent === undefined && !isWholeCommand(turn.text),
  async handle(turn, ctx) {
    const flow = turn.record.flow as TipFlow;
    recordCitizen(flow.draft, turn);
    const parts = (await tipStep(flow, turn, ctx)).map(say);
    recordBot(flow.draft, parts, turn.now);
    return parts;
  },
};

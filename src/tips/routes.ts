// The staff JSON API for tips: /api/staff/tips… and /api/staff/stats. Routes only parse input
// (zod, strict), call the service and shape output; the policy and the state machine decide.
import Router from '@koa/router';
import type { Context } from 'koa';
import { jsonBody } from '../http/body.js';
import { requireStaff, currentStaff } from '../staff/auth.js';
import type { SessionStore } from '../staff/sessions.js';
import type { TipRow } from './models.js';
import { claimByCode, claimNext, type QueueDeps } from './queue.js';
import { duplicateHints, listTips, tipDetail, type ReadDeps } from './reads.js';
import type { TipService } from './service.js';
import { tipStats } from './stats.js';
import { exportQuerySchema, sendTipsCsv } from './export.js';
import { assertCan } from './policy.js';
import { listUnits } from './units.js';
import { staffView } from './views.js';
import {
  answerSchema, assignSchema, codeParam, colourSchema, detailQuerySchema, duplicateSchema, emptySchema, extendSchema,
  listQuerySchema, optionalReasonSchema, parseInput, reasonSchema, unitsQuerySchema,
} from './validation.js';

export interface TipRouteDeps {
  sessions: SessionStore;
  service: TipService;
  reads: ReadDeps;
  queue: QueueDeps;
}

const code = (ctx: Context) => parseInput(codeParam, (ctx.params as Record<string, string>).code);
const body = (ctx: Context) => ctx.request.body;

export function tipsRouter(deps: TipRouteDeps): Router {
  const router = new Router({ prefix: '/api/staff' });
  const auth = requireStaff(deps.sessions);
  const json = jsonBody(64 * 1024);
  const reply = (ctx: Context, tip: TipRow) => { ctx.body = { tip: staffView(tip, undefined) }; };
  const post = (path: string, run: (ctx: Context) => Promise<TipRow>) =>
    router.post(path, auth, json, async (ctx: Context) => reply(ctx, await run(ctx)));

  router.get('/tips', auth, async (ctx) => {
    ctx.body = await listTips(deps.reads, currentStaff(ctx), parseInput(listQuerySchema, ctx.query));
  });

  router.post('/tips/claim-next', auth, json, async (ctx) => {
    parseInput(emptySchema, body(ctx));
    const tip = await claimNext(deps.queue, currentStaff(ctx));
    ctx.body = { tip: tip ? staffView(tip, undefined) : null };
  });

  post('/tips/:code/claim', (ctx) => { parseInput(emptySchema, body(ctx)); return claimByCode(deps.queue, currentStaff(ctx), code(ctx)); });

  // Before /tips/:code, which would take 'export.csv' for a tracking code.
  router.get('/tips/export.csv', auth, async (ctx) => {
    const staff = currentStaff(ctx);
    assertCan(staff, 'tip.list');
    const filter = parseInput(exportQuerySchema, ctx.query);
    await sendTipsCsv(ctx, { db: deps.reads.db, repo: deps.reads.repo }, staff, filter, filter.year ? `tips-${filter.year}.csv` : 'tips.csv');
  });

  router.get('/tips/:code', auth, async (ctx) => {
    const q = parseInput(detailQuerySchema, ctx.query);
    ctx.body = await tipDetail(deps.reads, currentStaff(ctx), code(ctx), q.identity === true, q.reason);
  });

  router.get('/tips/:code/duplicates', auth, async (ctx) => {
    ctx.body = { suggestions: await duplicateHints(deps.reads, currentStaff(ctx), code(ctx)) };
  });

  const s = deps.service;
  post('/tips/:code/release', (ctx) => { parseInput(emptySchema, body(ctx)); return s.release(currentStaff(ctx), code(ctx)); });
  post('/tips/:code/assign', (ctx) => s.assign(currentStaff(ctx), code(ctx), parseInput(assignSchema, body(ctx))));
  post('/tips/:code/colour', (ctx) => {
    const i = parseInput(colourSchema, body(ctx));
    return s.setColour(currentStaff(ctx), code(ctx), i.colour, i.reason);
  });
  post('/tips/:code/start', (ctx) => { parseInput(emptySchema, body(ctx)); return s.start(currentStaff(ctx), code(ctx)); });
  post('/tips/:code/answer', (ctx) => s.answer(currentStaff(ctx), code(ctx), parseInput(answerSchema, body(ctx)).answer));
  post('/tips/:code/answer/correct', (ctx) => s.correctAnswer(currentStaff(ctx), code(ctx), parseInput(answerSchema, body(ctx)).answer));
  post('/tips/:code/extend', (ctx) => {
    const i = parseInput(extendSchema, body(ctx));
    return s.extend(currentStaff(ctx), code(ctx), i.days, i.reason);
  });
  post('/tips/:code/reject', (ctx) => s.reject(currentStaff(ctx), code(ctx), parseInput(reasonSchema, body(ctx)).reason));
  post('/tips/:code/duplicate', (ctx) => {
    const i = parseInput(duplicateSchema, body(ctx));
    return s.markDuplicate(currentStaff(ctx), code(ctx), i.of, i.reason);
  });
  post('/tips/:code/close', (ctx) => s.close(currentStaff(ctx), code(ctx), parseInput(optionalReasonSchema, body(ctx)).reason));
  post('/tips/:code/reopen', (ctx) => s.reopen(currentStaff(ctx), code(ctx), parseInput(reasonSchema, body(ctx)).reason));

  // The valid assignment targets, for staff who must find a unit's code (三元区 → 350404).
  router.get('/units', auth, async (ctx) => {
    ctx.body = { units: await listUnits(deps.reads.db, parseInput(unitsQuerySchema, ctx.query)) };
  });

  router.get('/stats', auth, async (ctx) => {
    ctx.body = await tipStats(deps.reads.db, deps.reads.repo, currentStaff(ctx));
  });

  return router;
}

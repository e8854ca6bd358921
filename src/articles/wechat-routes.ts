// The staff JSON API of publishing articles to WeChat: /api/staff/articles/:id/wechat… Request
// (POST), list with each step and today's mass-send quota (GET), retry a failed request (POST
// …/:requestId/retry). The publisher module decides who may and does the steps.
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { jsonBody } from '../http/body.js';
import { currentStaff, requireStaff } from '../staff/auth.js';
import type { SessionStore } from '../staff/sessions.js';
import { parseInput } from '../tips/validation.js';
import type { ArticleActor } from './types.js';
import { emptySchema, idParam } from './validation.js';
import type { WechatPublisher } from './wechat-publish.js';

export const wechatRequestSchema = z.object({
  channel: z.enum(['draft', 'freepublish', 'mass']),
  tagId: z.number().int().min(0).optional(),
  toAll: z.boolean().optional(),
}).strict().superRefine((v, ctx) => {
  if (v.channel !== 'mass' && (v.tagId !== undefined || v.toAll !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['channel'], message: '只有群发才推送给关注者，只存草稿或发布不需要选择标签或全部关注者' });
  }
  if (v.channel === 'mass' && (v.tagId === undefined) === (v.toAll !== true)) {
    ctx.addIssue({ code: 'custom', path: ['tagId'], message: '群发请选择一个标签（tagId），或选择全部关注者（toAll: true），二者选一' });
  }
});

export interface WechatRouteDeps {
  sessions: SessionStore;
  publisher: WechatPublisher;
}

const actorOf = (ctx: Context): ArticleActor => {
  const s = currentStaff(ctx);
  return { id: s.id, role: s.role };
};
const param = (ctx: Context, name: string) => parseInput(idParam, (ctx.params as Record<string, string>)[name]);

export function articlesWechatRouter(deps: WechatRouteDeps): Router {
  const router = new Router({ prefix: '/api/staff/articles/:id/wechat' });
  const auth = requireStaff(deps.sessions);
  const json = jsonBody(16 * 1024);
  const p = deps.publisher;

  router.get('/', auth, async (ctx) => {
    ctx.body = await p.list(actorOf(ctx), param(ctx, 'id'));
  });

  router.post('/', auth, json, async (ctx) => {
    const input = parseInput(wechatRequestSchema, ctx.request.body);
    const request = await p.request(actorOf(ctx), param(ctx, 'id'), input);
    ctx.status = 201;
    ctx.body = { request, quota: await p.quota() };
  });

  router.post('/:requestId/retry', auth, json, async (ctx) => {
    parseInput(emptySchema, ctx.request.body ?? {});
    const request = await p.retry(actorOf(ctx), param(ctx, 'id'), param(ctx, 'requestId'));
    ctx.body = { request, quota: await p.quota() };
  });

  return router;
}

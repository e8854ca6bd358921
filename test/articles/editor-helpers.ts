// Fixtures of the editor tests.
import { crc32, deflateSync } from 'node:zlib';
import request from 'supertest';
import type { TestContext } from '../support/harness.js';
import { addStaff, PASSWORD, type Agent } from '../tips/helpers.js';

/** A valid PNG of `w`×`h` white pixels. */
export function tinyPng(w = 2, h = 2, padding = 0): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0xff)])));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), ...(padding > 0 ? [chunk('tEXt', Buffer.alloc(padding, 0x61))] : []), chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A browser-like cookie jar signed in through the console's form, and a page's CSRF token. */
export async function consoleAgent(ctx: TestContext, username: string, page = '/staff/articles'): Promise<{ agent: Agent; token: string }> {
  const agent = request.agent(ctx.callback);
  const form = await agent.get('/staff/login').expect(200);
  const login = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
  await agent.post('/staff/login').set('Origin', ctx.config.publicOrigin).type('form')
    .send({ username, password: PASSWORD, _csrf: login }).expect(303);
  const res = await agent.get(page).expect(200);
  return { agent, token: /name="_csrf" value="([^"]+)"/.exec(res.text)![1]! };
}

/**
 * The staff of the editor tests: 王编辑 (`writer`) writes, 李审核 (`reviewer`) reviews and
 * publishes, `triage1` may do neither; the two editors signed in to the console.
 */
export async function editorialStaff(ctx: TestContext): Promise<{ writer: { agent: Agent; token: string }; reviewer: { agent: Agent; token: string } }> {
  await addStaff(ctx, { username: 'writer', role: 'editor', displayName: '王编辑' });
  await addStaff(ctx, { username: 'reviewer', role: 'editor', displayName: '李审核' });
  await addStaff(ctx, { username: 'triage1', role: 'triage' });
  return { writer: await consoleAgent(ctx, 'writer'), reviewer: await consoleAgent(ctx, 'reviewer') };
}

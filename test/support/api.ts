// The JSON bodies of the HTTP API, typed for tests. Supertest leaves `res.body` as `any`; these
// name what each route sends, using the types the routes build their bodies from. It is a cast,
// not a check: the assertions still test whatever came over the wire.
import type { Response } from 'supertest';
import type { errorBody } from '../../src/http/middleware.js';
import type { StaffPrincipal } from '../../src/staff/accounts.js';
import type { DuplicateHint, TipDetail, TipPage } from '../../src/tips/reads.js';
import type { TipStats } from '../../src/tips/stats.js';
import type { StaffTipView } from '../../src/tips/views.js';

export type { DuplicateHint, TipDetail, TipPage, TipStats, StaffTipView };

/** Every refusal: `{ error: { code, message, fields? } }` (src/http/middleware.ts). */
export type ErrorBody = ReturnType<typeof errorBody>;
/** A state-changing tip route: the tip as it is now. */
export interface TipBody { tip: StaffTipView }
/** POST /api/staff/tips/claim-next: null when the queue is empty. */
export interface ClaimBody { tip: StaffTipView | null }
/** GET /api/staff/tips/:code/duplicates */
export interface DuplicatesBody { suggestions: DuplicateHint[] }
/** POST /api/staff/login and GET /api/staff/me */
export interface StaffBody { staff: StaffPrincipal & { roleLabel: string } }

/** The response's JSON body, as the type the route sends. */
export function bodyOf<T>(res: Response): T {
  return res.body as T;
}

/** The `error` of a refusal's body. */
export function errorOf(res: Response): ErrorBody['error'] {
  return bodyOf<ErrorBody>(res).error;
}

/** The `reason` a reveal (`?identity=1`) must carry, as a query value. */
export const REVEAL_REASON = encodeURIComponent('核实举报内容，联系举报人');

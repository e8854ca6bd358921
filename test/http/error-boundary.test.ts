import { expect } from 'chai';
import { toAppError } from '../../src/http/middleware.js';
import { AppError } from '../../src/platform/errors.js';

class DomainError extends Error {
  constructor(readonly code: string, readonly status: number) { super('domain says no'); }
}

describe('error boundary: toAppError', () => {
  it('keeps an AppError as it is', () => {
    const e = new AppError('X', 418, 'teapot');
    expect(toAppError(e)).to.equal(e);
  });
  it('keeps the code and status of a domain error', () => {
    const e = toAppError(new DomainError('TIP_ILLEGAL_TRANSITION', 409));
    expect(e).to.include({ code: 'TIP_ILLEGAL_TRANSITION', status: 409, expose: true });
    expect(toAppError(new DomainError('FORBIDDEN', 403))).to.include({ code: 'FORBIDDEN', status: 403 });
  });
  it('never exposes driver or system errors', () => {
    const db = Object.assign(new Error('Duplicate entry for key tips_code'), { code: 'ER_DUP_ENTRY' });
    expect(toAppError(db)).to.include({ code: 'INTERNAL', status: 500, expose: false });
    const sys = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(toAppError(sys)).to.include({ code: 'INTERNAL', status: 500 });
    expect(toAppError(new TypeError('x is undefined'))).to.include({ code: 'INTERNAL', expose: false });
  });
  it("names body errors that carry a status (Koa's own; raw-body's in the bench ceiling)", () => {
    const big = Object.assign(new Error('request entity too large'), { status: 413, type: 'entity.too.large' });
    expect(toAppError(big)).to.include({ code: 'BODY_TOO_LARGE', status: 413 });
  });
});

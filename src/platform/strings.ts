import { BoundedMap } from './bounded-map.js';

/**
 * A copy of `s` that shares no memory with the string it was cut from.
 *
 * V8 makes a substring of 13 characters or more as a view into its parent (a "sliced string"), so
 * a short value kept from a parsed request — an openid or a MsgId in a dedupe key — keeps the
 * whole request body alive with it. Concatenating and slicing again forces a fresh flat copy of
 * just these characters. For keys that outlive the request by much (the dedupe store holds one
 * per message for a minute) this is the difference between ~60 bytes and the body's ~700.
 */
export function ownString(s: string): string {
  return s.length < 13 ? s : (` ${s}`).slice(1);
}

/**
 * One own copy per distinct string, for values that recur and are kept (the openid in every
 * stored reply): a citizen who sends ten messages in a minute leaves one copy, not ten. Bounded;
 * a string past the capacity is still an own copy, only not shared.
 */
export class StringInterner {
  private readonly known: BoundedMap<string, string>;

  constructor(capacity = 10_000) {
    this.known = new BoundedMap(capacity);
  }

  /** Distinct strings held. */
  get size(): number {
    return this.known.size;
  }

  intern(s: string): string {
    let own = this.known.get(s);
    if (own === undefined) {
      own = ownString(s);
      this.known.set(own, own);
    }
    return own;
  }
}

// The one spelling of a username: NFKC (full-width ｌｉ is li), then lower case. Accounts are
// created, looked up and throttled under it, so every way of typing a name is the same account
// and the same throttle counter (MariaDB's collation already matched them; the counters did not).
export function canonicalUsername(raw: string): string {
  return raw.normalize('NFKC').toLowerCase();
}

/** What a canonical username may hold: 2–64 of a–z, 0–9, `_`, `.`, `-`. */
export const USERNAME_PATTERN = /^[a-z0-9_.-]{2,64}$/;

// Broken tip rules carry a stable code: the HTTP edge maps it to a status, the bot to a
// reply, and tests assert it. The message is plain Chinese staff may see.

export type TipRuleErrorCode =
  | 'TIP_ILLEGAL_TRANSITION'
  | 'TIP_REASON_REQUIRED'
  | 'TIP_ANSWER_REQUIRED'
  | 'TIP_UNIT_REQUIRED'
  | 'TIP_ALREADY_EXTENDED'
  | 'TIP_EXTENSION_TOO_LONG'
  | 'TIP_EXTENSION_INVALID'
  | 'TIP_REVIEW_WINDOW_CLOSED'
  | 'TIP_REVIEWS_EXHAUSTED'
  | 'TIP_DUPLICATE_LINK_REQUIRED'
  | 'TIP_DUPLICATE_OF_SELF'
  /** An assigned tip is answered only after 开始办理. */
  | 'TIP_NOT_STARTED'
  /** The answer's correction hold is over (or there is none): it has reached the citizen. */
  | 'TIP_ANSWER_NOT_EDITABLE'
  /** An answer carries a mask (138****5678) from a view without the reveal: the citizen would read it. */
  | 'TIP_ANSWER_MASKED'
  /** The reason of an extension or a refusal carries a mask: the citizen reads it word for word. */
  | 'TIP_REASON_MASKED';

// Missing or bad input is the caller's mistake (400); the rest conflict with the tip's state (409).
const BAD_INPUT: ReadonlySet<TipRuleErrorCode> = new Set<TipRuleErrorCode>([
  'TIP_REASON_REQUIRED', 'TIP_ANSWER_REQUIRED', 'TIP_UNIT_REQUIRED', 'TIP_EXTENSION_TOO_LONG',
  'TIP_EXTENSION_INVALID', 'TIP_DUPLICATE_LINK_REQUIRED', 'TIP_DUPLICATE_OF_SELF', 'TIP_ANSWER_MASKED', 'TIP_REASON_MASKED',
]);

export class TipRuleError extends Error {
  readonly code: TipRuleErrorCode;
  readonly status: 400 | 409;
  readonly expose = true;

  constructor(code: TipRuleErrorCode, message: string) {
    super(message);
    this.name = 'TipRuleError';
    this.code = code;
    this.status = BAD_INPUT.has(code) ? 400 : 409;
  }
}

export function isTipRuleError(err: unknown): err is TipRuleError {
  return err instanceof TipRuleError;
}

// The legal clock of 信访工作条例 (2022) in one place, so a change in the law is one edit.

/** Art 22/23: register and assign (转送/交办) within 15 calendar days of receipt. */
export const ASSIGN_WITHIN_DAYS = 15;
/** Art 23: a wrongly receiving body objects within 5 working days. */
export const OBJECTION_WORKING_DAYS = 5;
/** Art 34: conclude within 60 calendar days of acceptance. */
export const CONCLUDE_WITHIN_DAYS = 60;
/** Art 34: one extension, at most 30 days. */
export const MAX_EXTENSION_DAYS = 30;
/** Art 35: 复查 requested within 30 days of the answer, and answered within 30 days. */
export const REVIEW_WINDOW_DAYS = 30;
export const REVIEW_ANSWER_DAYS = 30;
/** Art 35/36: 复查 then 复核; after 复核 the same matter is not taken again. */
export const MAX_REVIEWS = 2;
/** Internal targets of the colour grading (not law): red the same day, yellow within 3 days. */
export const YELLOW_ACK_DAYS = 3;
/** The longest description a tip carries, in characters: the conversation adds no piece past it. */
export const MAX_DESCRIPTION_CHARS = 10_000;
/**
 * What a citizen may add to a tip being handled (补充): messages in all, and attachments on the
 * tip in all (a draft takes 30). Enough for any real addition; a bound on what a flood can add.
 */
export const MAX_TIP_ADDITIONS = 100;
export const MAX_TIP_ATTACHMENTS = 60;
/** Duplicate detection windows. */
export const SAME_REPORTER_WINDOW_DAYS = 30;
export const SAME_PLACE_WINDOW_DAYS = 7;
export const SAME_REPORTER_MIN_SIMILARITY = 0.5;

// A tip's citizen texts as stored: personal data masked (rules/personal-data.ts), and the
// originals of what masking changed, which go into the seal beside the identity (identity.ts).
// Used when a tip is submitted (desk.ts) and when older rows are resealed (reseal.ts).
import type { IdentityVault, SealedTexts } from './identity.js';
import { hideMaskDigits, maskJoined, maskPersonalData } from './rules/personal-data.js';

export interface TipTexts {
  description: string;
  /** The transcript as JSON: entries with an optional `text`. */
  transcript: string;
  placeText: string | null;
}

/**
 * The texts as stored. The citizen's messages in the transcript are masked as one text
 * (maskJoined: a number split over two messages is found). An anonymous reporter's masks keep no
 * digit (hideMaskDigits): matched against a number staff know, the digits a mask keeps would name
 * them; and their originals are never kept (identityToSeal).
 */
export function maskTexts(texts: TipTexts, opts: { anonymous?: boolean } = {}): TipTexts & { originals: SealedTexts } {
  const anonymous = opts.anonymous === true;
  const hide = anonymous ? hideMaskDigits : (s: string) => s;
  const originals: SealedTexts = {};
  const description = hide(maskPersonalData(texts.description));
  if (description !== texts.description) originals.description = texts.description;
  const entries = JSON.parse(texts.transcript) as TranscriptTexts[];
  const transcript = JSON.stringify(maskTranscript(entries, anonymous));
  // Compared with the same serialisation, so an unchanged transcript is never kept twice.
  if (transcript !== JSON.stringify(entries)) originals.transcript = texts.transcript;
  const placeText = texts.placeText === null ? null : hide(maskPersonalData(texts.placeText)).slice(0, 255);
  if (texts.placeText !== null && placeText !== texts.placeText) originals.placeText = texts.placeText;
  return { description, transcript, placeText, originals };
}

/** A transcript entry as far as masking reads it. */
export interface TranscriptTexts { from?: unknown; text?: unknown }

/**
 * A transcript's texts masked, as stored and as staff see it without a reveal: the citizen's
 * messages read as one text (maskJoined: a number split over two messages is found in both), the
 * bot's each on its own; an anonymous reporter's masks keep no digit (the bot's lines echo them).
 */
export function maskTranscript<T extends TranscriptTexts>(entries: readonly T[], anonymous: boolean): T[] {
  const hide = anonymous ? hideMaskDigits : (s: string) => s;
  const citizen = entries.flatMap((e, i) => (e.from === 'citizen' && typeof e.text === 'string' ? [i] : []));
  const joined = new Map(maskJoined(citizen.map((i) => entries[i]!.text as string)).map((text, k) => [citizen[k]!, text]));
  return entries.map((e, i) => (typeof e.text === 'string' ? { ...e, text: hide(joined.get(i) ?? maskPersonalData(e.text)) } : e));
}

/** A colour reason as stored (its emergency cue quotes the citizen): masked; an anonymous reporter's keeps no digit of a mask. */
export function storedColourReason(reason: string, anonymous: boolean): string {
  // No reason needs a number of 5 digits or more; a cue's quote may cut one short of recognition.
  const masked = maskPersonalData(reason).replace(/[0-9\uFF10-\uFF19]{5,}/g, (m) => '*'.repeat(m.length));
  return anonymous ? hideMaskDigits(masked) : masked;
}

/**
 * A citizen's later text (a review reason) as an event stores it: masked, and the original sealed
 * for the event's `data.sealedReason` when masking changed it. An anonymous citizen's original is
 * not kept (no staff member may ever read it), and their masks keep no digit, as the tip's texts.
 */
export function maskReason(vault: IdentityVault, original: string, anonymous: boolean): { reason: string; sealedReason?: string } {
  const reason = maskPersonalData(original);
  if (anonymous) return { reason: hideMaskDigits(reason) };
  return reason !== original ? { reason, sealedReason: vault.sealText(original) } : { reason };
}

/** The sealed original in an event's data, if any. */
export function sealedReasonOf(data: string | null): string | undefined {
  return dataString(data, 'sealedReason');
}

/** A string field of an event's JSON data; undefined when absent, not a string, or the data unreadable. */
export function dataString(data: string | null, key: string): string | undefined {
  if (!data) return undefined;
  try {
    const value = (JSON.parse(data) as Record<string, unknown>)[key];
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

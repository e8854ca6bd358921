// A tip's citizen texts as stored: personal data masked (rules/personal-data.ts), and the
// originals of what masking changed, which go into the seal beside the identity (identity.ts).
// Used when a tip is submitted (desk.ts) and when older rows are resealed (reseal.ts).
import type { IdentityVault, SealedTexts } from './identity.js';
import { maskPersonalData } from './rules/personal-data.js';

export interface TipTexts {
  description: string;
  /** The transcript as JSON: entries with an optional `text`. */
  transcript: string;
  placeText: string | null;
}

export function maskTexts(texts: TipTexts): TipTexts & { originals: SealedTexts } {
  const originals: SealedTexts = {};
  const description = maskPersonalData(texts.description);
  if (description !== texts.description) originals.description = texts.description;
  const entries = JSON.parse(texts.transcript) as Array<{ text?: unknown }>;
  const transcript = JSON.stringify(entries.map((e) => (typeof e.text === 'string' ? { ...e, text: maskPersonalData(e.text) } : e)));
  // Compared with the same serialisation, so an unchanged transcript is never kept twice.
  if (transcript !== JSON.stringify(entries)) originals.transcript = texts.transcript;
  const placeText = texts.placeText === null ? null : maskPersonalData(texts.placeText).slice(0, 255);
  if (texts.placeText !== null && placeText !== texts.placeText) originals.placeText = texts.placeText;
  return { description, transcript, placeText, originals };
}

/**
 * A citizen's later text (a review reason) as an event stores it: masked, and the original sealed
 * for the event's `data.sealedReason` when masking changed it. An anonymous citizen's original is
 * not kept: no staff member may ever read it.
 */
export function maskReason(vault: IdentityVault, original: string, anonymous: boolean): { reason: string; sealedReason?: string } {
  const reason = maskPersonalData(original);
  return reason !== original && !anonymous ? { reason, sealedReason: vault.sealText(original) } : { reason };
}

/** The sealed original in an event's data, if any. */
export function sealedReasonOf(data: string | null): string | undefined {
  if (!data) return undefined;
  try {
    const parsed = JSON.parse(data) as { sealedReason?: unknown };
    return typeof parsed.sealedReason === 'string' ? parsed.sealedReason : undefined;
  } catch {
    return undefined;
  }
}

// A tip's citizen texts as stored: personal data masked (rules/personal-data.ts), and the
// originals of what masking changed, which go into the seal beside the identity (identity.ts).
// Used when a tip is submitted (desk.ts) and when older rows are resealed (reseal.ts).
import type { SealedTexts } from './identity.js';
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

// The tip draft: created when the flow starts, fed by each message, turned into a TipSubmission
// on 确认. Every citizen message and every bot prompt is kept in the transcript, because
// 信访工作条例 Art 19 asks for oral and chat submissions to be recorded faithfully.
import { randomUUID } from 'node:crypto';
import { emergencyReply } from '../../tips/rules/emergency.js';
import { MAX_DESCRIPTION_CHARS } from '../../tips/rules/limits.js';
import { contactNames, findPersonalData, maskSpans, type PersonalDataSpan } from '../../tips/rules/personal-data.js';
import type { DraftPlace, TipDraft, TipFlow } from '../conversation.js';
import { matchPlace, type Divisions, type PlaceMatch } from '../places.js';
import { parseMobile } from '../text.js';
import type { Turn } from '../intent.js';
import type { TipSubmission, TranscriptEntry } from '../ports.js';
import type { BotInput, BotReplyPart, CitizenRef } from '../types.js';

export function newDraft(now: Date): TipDraft {
  return { id: randomUUID(), startedAt: now.toISOString(), description: [], attachments: [], danger: false, transcript: [] };
}

/** A tip's flow from its first step, in the draft of any photos held for it (`ConversationRecord.held`). */
export function startTipFlow(turn: Turn): TipFlow {
  const flow: TipFlow = { name: 'tip', step: 'category', draft: takeHeld(turn) ?? newDraft(turn.now) };
  turn.record.flow = flow;
  return flow;
}

/** The draft of the photos held for the next tip, taken out of the record: it becomes that tip's. */
export function takeHeld(turn: Turn): TipDraft | undefined {
  const held = turn.record.held;
  delete turn.record.held;
  return held;
}

/**
 * The draft put aside becomes the open tip again, with any photos held since (their messages
 * before its next), and a location held since when it has no place.
 */
export function resumeSuspended(turn: Turn, suspended: { flow: TipFlow }): TipFlow {
  turn.record.flow = suspended.flow;
  delete turn.record.suspended;
  const held = takeHeld(turn);
  for (const a of held?.attachments ?? []) keepAttachment(suspended.flow.draft, a.type, a.mediaId);
  if (held?.place && !suspended.flow.draft.place) suspended.flow.draft.place = held.place;
  for (const entry of held?.transcript ?? []) addTranscript(suspended.flow.draft, entry);
  return suspended.flow;
}

/**
 * Photos, videos and voice one tip keeps: each is copied into the database (src/tips/media-copy.ts),
 * and evidence is not counted against the message rate, so the number is bounded here.
 */
export const MAX_ATTACHMENTS = 30;

/** The description of a tip the citizen told only by photos, video or voice. */
export const ATTACHMENTS_ONLY = '（见附件）';

/** What a piece that would pass the description's limit is answered with (it is not added). */
export const DESCRIPTION_FULL = `这一条没有记下：您说的内容已经很长了（最多${MAX_DESCRIPTION_CHARS}字）。`
  + '说完了请回复「好了」；还有要紧的话，请精简后再发。';

/**
 * Adds a piece of the description, unless it would take the description (its pieces joined by
 * line breaks, as the desk receives it) past the desk's limit: false then, and nothing is added.
 */
export function addDescription(draft: TipDraft, text: string): boolean {
  const joined = draft.description.reduce((n, piece) => n + piece.length + 1, 0) + text.length;
  if (joined > MAX_DESCRIPTION_CHARS) return false;
  draft.description.push(text);
  return true;
}

/** The citizen's message as it arrived: raw text, not the normalised form the bot matched on. */
export function transcriptEntry(input: BotInput, at: Date): TranscriptEntry {
  const base = { at: at.toISOString(), from: 'citizen' as const, kind: input.kind };
  switch (input.kind) {
    case 'text': return { ...base, text: input.text };
    case 'voice': return { ...base, ...(input.text ? { text: input.text } : {}), ...(input.mediaId ? { mediaId: input.mediaId } : {}) };
    case 'image': return { ...base, ...(input.mediaId ? { mediaId: input.mediaId } : {}), ...(input.url ? { text: input.url } : {}) };
    case 'video': return { ...base, ...(input.mediaId ? { mediaId: input.mediaId } : {}) };
    case 'location': return { ...base, text: `${input.label ?? ''}（${input.latitude},${input.longitude}）` };
    case 'link': return { ...base, text: `${input.title} ${input.url}` };
    case 'menu': return { ...base, text: input.key };
    default: return base;
  }
}

/**
 * How much a draft's transcript holds (characters of text, each entry counted
 * `TRANSCRIPT_ENTRY_WEIGHT` more): ten whole descriptions. A flood of messages (danger words are
 * never rate limited, and each may be a description long) would otherwise grow the conversation
 * record, and the tip, without bound until neither can be stored. Past it the transcript says it
 * was cut, once; the description and attachments still take what their own limits allow.
 */
export const MAX_TRANSCRIPT_CHARS = 10 * MAX_DESCRIPTION_CHARS;
const TRANSCRIPT_ENTRY_WEIGHT = 40;
export const TRANSCRIPT_CUT = '（此后的对话过长，没有再逐条记入对话记录；描述、地点和附件照常记下。）';

function transcriptWeight(entries: readonly TranscriptEntry[]): number {
  return entries.reduce((n, e) => n + (e.text?.length ?? 0) + (e.mediaId?.length ?? 0) + TRANSCRIPT_ENTRY_WEIGHT, 0);
}

/** Appends to the transcript while it has room; the first entry past it is the note that it was cut. */
function addTranscript(draft: TipDraft, entry: TranscriptEntry): void {
  const last = draft.transcript.at(-1);
  if (last?.from === 'bot' && last.text === TRANSCRIPT_CUT) return;
  if (transcriptWeight(draft.transcript) + transcriptWeight([entry]) > MAX_TRANSCRIPT_CHARS) {
    draft.transcript.push({ at: entry.at, from: 'bot', kind: 'text', text: TRANSCRIPT_CUT });
    return;
  }
  draft.transcript.push(entry);
}

/** Records the citizen's message, and flags the draft red (with the number given) in an emergency. */
export function recordCitizen(draft: TipDraft, turn: Turn): void {
  addTranscript(draft, transcriptEntry(turn.input, turn.now));
  if (turn.emergency) {
    draft.danger = true;
    addTranscript(draft, { at: turn.now.toISOString(), from: 'bot', kind: 'text', text: emergencyReply(turn.emergency) });
  }
}

export function recordBot(draft: TipDraft, parts: BotReplyPart[], at: Date): void {
  for (const p of parts) {
    if (p.type === 'text') addTranscript(draft, { at: at.toISOString(), from: 'bot', kind: 'text', text: p.text });
  }
}

/**
 * Keeps photos, videos and unrecognised voice as attachments (by WeChat mediaId). Returns what
 * to tell the citizen, or undefined when the message carried no media. Media without a mediaId
 * (the Wechaty channel) cannot be kept, and the citizen is told so: never 「已收到」 for nothing.
 * Unrecognised voice is kept, but the console plays no sound: the citizen is asked to type it.
 */
export function absorbMedia(draft: TipDraft, input: BotInput): string | undefined {
  if (input.kind === 'image' || input.kind === 'video') {
    const what = input.kind === 'image' ? '照片' : '视频';
    if (!input.mediaId) return `这里收不到${what}原件，请用文字说说${what}里的情况。`;
    return keepAttachment(draft, input.kind, input.mediaId) ? `${what}已收到。` : ATTACHMENTS_FULL;
  }
  if (input.kind === 'voice' && !input.text) {
    if (!input.mediaId) return '这条语音没能听清，请打字再说一遍。';
    return keepAttachment(draft, 'voice', input.mediaId) ? '语音已保存，但没能转成文字。为了不漏掉，请打字再说一遍。' : ATTACHMENTS_FULL;
  }
  return undefined;
}

/** Recognised voice: the text joins the description and the original sound is kept too (within the limit). */
export function keepVoice(draft: TipDraft, input: BotInput): void {
  if (input.kind === 'voice' && input.mediaId) keepAttachment(draft, 'voice', input.mediaId);
}

/** The one place an attachment joins a draft: false, and nothing kept, past MAX_ATTACHMENTS. */
function keepAttachment(draft: TipDraft, type: TipDraft['attachments'][number]['type'], mediaId: string): boolean {
  if (draft.attachments.length >= MAX_ATTACHMENTS) return false;
  draft.attachments.push({ type, mediaId });
  return true;
}

const ATTACHMENTS_FULL = `这个没有保存：附件已经够多了（最多${MAX_ATTACHMENTS}个）。说完了请回复「好了」。`;

/**
 * An answer to the contact question that was not taken as a mobile number (a landline, a mistyped
 * mobile, digits split by commas) is still the reporter's number, and an anonymous tip seals
 * nothing: the transcript keeps it masked, as a number written after a contact word (the word
 * was in the bot's question), and any digit left over is starred too. The original is not kept.
 */
export function maskRefusedContact(draft: TipDraft): void {
  // A transcript cut before this answer does not hold it (and an earlier message is not it).
  if (draft.transcript.at(-1)?.text === TRANSCRIPT_CUT) return;
  const entry = draft.transcript.filter((e) => e.from === 'citizen').at(-1);
  if (!entry?.text) return;
  const spans = findPersonalData(`${ASKED_FOR_CONTACT}${entry.text}`)
    .filter((s) => s.start >= ASKED_FOR_CONTACT.length)
    .map((s) => ({ ...s, start: s.start - ASKED_FOR_CONTACT.length, end: s.end - ASKED_FOR_CONTACT.length }));
  entry.text = maskSpans(entry.text, withNames(spans, contactNames(entry.text))).replace(/[0-9]/g, '*');
}

/** Spans with the names added where they overlap none of them, in order. */
function withNames(spans: readonly PersonalDataSpan[], names: readonly PersonalDataSpan[]): PersonalDataSpan[] {
  const free = names.filter((n) => !spans.some((s) => n.start < s.end && s.start < n.end));
  return [...spans, ...free].sort((a, b) => a.start - b.start);
}

/**
 * An answer to the contact question as the reporter's contact: its one mobile number, and the
 * name written beside it (「王建国 13912345678」, 「139… 王先生」), if any.
 */
export function contactIn(text: string): { anonymous: false; phone: string; name?: string } | undefined {
  const phone = parseMobile(text);
  if (!phone) return undefined;
  const name = contactNames(text)[0]?.value;
  return { anonymous: false, phone, ...(name ? { name } : {}) };
}

/** What the contact question says before the citizen's bare answer, for the personal-data rule. */
const ASKED_FOR_CONTACT = '联系电话：';

/**
 * The reporter's own number and name go to the sealed identity only, and the transcript the bot
 * hands over carries them masked, the number in whatever notation it was typed (the rule
 * parseMobile read it with). The desk masks every other piece of personal data when it stores
 * the tip, sealing the originals.
 */
function maskOwnContact(transcript: TranscriptEntry[], contact: TipDraft['contact']): TranscriptEntry[] {
  const { phone, name } = contact ?? {};
  if (!phone) return transcript;
  return transcript.map((e) => {
    if (!e.text || e.from !== 'citizen') return e;
    const own = findPersonalData(e.text).filter((s) => s.kind === 'mobile' && s.value === phone);
    let text = own.length ? maskSpans(e.text, own) : e.text;
    if (name) text = text.split(name).join('*'.repeat(Array.from(name).length));
    return text === e.text ? e : { ...e, text };
  });
}

export function toSubmission(draft: TipDraft, citizen: CitizenRef): TipSubmission {
  const p = draft.place;
  const place: TipSubmission['place'] = {};
  if (p && !p.skipped) {
    if (p.countyCode) place.countyCode = p.countyCode;
    if (p.townshipCode) place.townshipCode = p.townshipCode;
    if (p.text) place.text = p.text;
    if (p.latitude !== undefined) place.latitude = p.latitude;
    if (p.longitude !== undefined) place.longitude = p.longitude;
  }
  const contact = draft.contact?.phone
    ? { anonymous: false, phone: draft.contact.phone, ...(draft.contact.name ? { name: draft.contact.name } : {}) }
    : { anonymous: true };
  return {
    citizen,
    category: draft.category ?? 'other',
    description: draft.description.length > 0 ? draft.description.join('\n') : ATTACHMENTS_ONLY,
    transcript: maskOwnContact(draft.transcript, draft.contact),
    attachments: draft.attachments,
    place,
    contact,
    danger: draft.danger,
    submissionKey: draft.id,
  };
}

/** A place as the citizen wrote it, with the county and township the matcher read in it, if any. */
export function placeOfText(text: string, match: PlaceMatch | undefined): DraftPlace {
  return {
    text,
    ...(match ? { countyCode: match.countyCode, label: match.label } : {}),
    ...(match?.townshipCode ? { townshipCode: match.townshipCode } : {}),
  };
}

/** A WeChat location as a draft's place (coordinates, its label, the county and township it names). */
export function placeOfLocation(input: BotInput, divisions: Divisions): DraftPlace | undefined {
  if (input.kind !== 'location') return undefined;
  const { latitude, longitude, label } = input;
  const match = label ? matchPlace(label, divisions) : undefined;
  return {
    latitude, longitude,
    ...(label ? { text: label } : {}),
    ...(match ? { countyCode: match.countyCode, label: label ?? match.label } : {}),
    ...(match?.townshipCode ? { townshipCode: match.townshipCode } : {}),
  };
}

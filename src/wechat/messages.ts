import { WechatProtocolError } from './errors.js';

/**
 * Inbound messages and events as one discriminated union over `kind`.
 * `raw` always keeps every scanned field, so handlers can read what the union
 * does not model (e.g. `ScanCodeInfo.ScanResult`) without a parser change.
 */
interface Base {
  toUser: string;
  fromUser: string;
  /** Seconds since the epoch, as WeChat sends it; 0 if absent or garbled. */
  createTime: number;
  /** 64-bit id (MsgId, or MsgID on TEMPLATESENDJOBFINISH): a string, as Number loses precision above 2^53. */
  msgId?: string;
  raw: Record<string, string>;
}

export interface TextMessage extends Base { kind: 'text'; content: string }
export interface ImageMessage extends Base { kind: 'image'; picUrl: string; mediaId: string }
export interface VoiceMessage extends Base { kind: 'voice'; mediaId: string; format: string; recognition?: string }
export interface VideoMessage extends Base { kind: 'video' | 'shortvideo'; mediaId: string; thumbMediaId: string }
export interface LocationMessage extends Base {
  kind: 'location';
  latitude: number;
  longitude: number;
  scale: number;
  label: string;
}
export interface LinkMessage extends Base { kind: 'link'; title: string; description: string; url: string }
export interface SubscribeEvent extends Base {
  kind: 'subscribe';
  eventKey?: string;
  /** Scene of a parametric QR code, `qrscene_` prefix removed. */
  scene?: string;
  ticket?: string;
}
export interface UnsubscribeEvent extends Base { kind: 'unsubscribe' }
export interface ScanEvent extends Base { kind: 'scan'; eventKey: string; ticket?: string }
export interface LocationReportEvent extends Base {
  kind: 'location_report';
  latitude: number;
  longitude: number;
  precision: number;
}
export interface MenuEvent extends Base { kind: 'click' | 'view'; eventKey: string }
export interface TemplateSendJobFinishEvent extends Base { kind: 'template_send_job_finish'; status: string }
export interface UnknownMessage extends Base { kind: 'unknown'; msgType: string; event?: string }

export type WechatMessage =
  | TextMessage
  | ImageMessage
  | VoiceMessage
  | VideoMessage
  | LocationMessage
  | LinkMessage
  | SubscribeEvent
  | UnsubscribeEvent
  | ScanEvent
  | LocationReportEvent
  | MenuEvent
  | TemplateSendJobFinishEvent
  | UnknownMessage;

export type WechatMessageKind = WechatMessage['kind'];

function required(fields: Record<string, string>, name: string): string {
  const v = fields[name];
  if (v === undefined || v === '') throw new WechatProtocolError('WECHAT_BAD_XML', `missing <${name}>`);
  return v;
}

/** Optional field: absent and empty mean the same on the wire (WeChat sends empty EventKey). */
function opt(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

function num(v: string | undefined): number {
  // Number('') is 0, which would turn a missing coordinate into a real place.
  return v === undefined || v.trim() === '' ? NaN : Number(v);
}

function intOrZero(v: string | undefined): number {
  return v !== undefined && /^\d{1,12}$/.test(v) ? Number(v) : 0;
}

function finite(a: number, b: number, c: number): boolean {
  return Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c);
}

/* Optional fields are present with value undefined when absent. */

/**
 * Maps scanned fields to a message. Never throws for types it does not know
 * (they become `unknown`); only a missing ToUserName/FromUserName/MsgType is an error.
 * A known type whose numbers do not parse also becomes `unknown`, so `location`
 * and `location_report` always carry finite coordinates.
 */
export function parseMessage(fields: Record<string, string>): WechatMessage {
  const toUser = required(fields, 'ToUserName');
  const fromUser = required(fields, 'FromUserName');
  const msgType = required(fields, 'MsgType');
  const createTime = intOrZero(fields.CreateTime);
  const msgId = opt(fields.MsgId) ?? opt(fields.MsgID);
  const raw = fields;

  switch (msgType.toLowerCase()) {
    case 'text':
      return { kind: 'text', toUser, fromUser, createTime, msgId, raw, content: fields.Content ?? '' };
    case 'image':
      return { kind: 'image', toUser, fromUser, createTime, msgId, raw, picUrl: fields.PicUrl ?? '', mediaId: fields.MediaId ?? '' };
    case 'voice':
      return {
        kind: 'voice', toUser, fromUser, createTime, msgId, raw,
        mediaId: fields.MediaId ?? '', format: fields.Format ?? '', recognition: fields.Recognition,
      };
    case 'video':
    case 'shortvideo':
      return {
        kind: msgType.toLowerCase() === 'video' ? 'video' : 'shortvideo', toUser, fromUser, createTime, msgId, raw,
        mediaId: fields.MediaId ?? '', thumbMediaId: fields.ThumbMediaId ?? '',
      };
    case 'location': {
      const latitude = num(fields.Location_X);
      const longitude = num(fields.Location_Y);
      const scale = num(fields.Scale);
      if (!finite(latitude, longitude, scale)) break;
      return { kind: 'location', toUser, fromUser, createTime, msgId, raw, latitude, longitude, scale, label: fields.Label ?? '' };
    }
    case 'link':
      return {
        kind: 'link', toUser, fromUser, createTime, msgId, raw,
        title: fields.Title ?? '', description: fields.Description ?? '', url: fields.Url ?? '',
      };
    case 'event': {
      const eventKey = fields.EventKey ?? '';
      const ticket = opt(fields.Ticket);
      switch ((fields.Event ?? '').toLowerCase()) {
        case 'subscribe':
          return {
            kind: 'subscribe', toUser, fromUser, createTime, msgId, raw,
            eventKey: opt(eventKey),
            scene: eventKey.startsWith('qrscene_') ? eventKey.slice('qrscene_'.length) : undefined,
            ticket,
          };
        case 'unsubscribe':
          return { kind: 'unsubscribe', toUser, fromUser, createTime, msgId, raw };
        case 'scan':
          return { kind: 'scan', toUser, fromUser, createTime, msgId, raw, eventKey, ticket };
        case 'location': {
          const latitude = num(fields.Latitude);
          const longitude = num(fields.Longitude);
          const precision = num(fields.Precision);
          if (!finite(latitude, longitude, precision)) break;
          return { kind: 'location_report', toUser, fromUser, createTime, msgId, raw, latitude, longitude, precision };
        }
        case 'click':
          return { kind: 'click', toUser, fromUser, createTime, msgId, raw, eventKey };
        case 'view':
          return { kind: 'view', toUser, fromUser, createTime, msgId, raw, eventKey };
        case 'templatesendjobfinish':
          return { kind: 'template_send_job_finish', toUser, fromUser, createTime, msgId, raw, status: fields.Status ?? '' };
      }
      break;
    }
  }
  return { kind: 'unknown', toUser, fromUser, createTime, msgId, raw, msgType, event: fields.Event };
}

export function isEvent(m: WechatMessage): boolean {
  return (m.raw.MsgType ?? '').toLowerCase() === 'event';
}

/**
 * Key for handling each delivery once: WeChat retries with the same MsgId, and
 * events (which mostly lack one) with the same FromUserName + CreateTime. The sender is
 * part of every key, so a forged or colliding MsgId can never hand one citizen's reply to
 * another; message keys have two parts and event keys four, so the two never collide.
 */
export function dedupeKey(m: WechatMessage): string {
  if (!isEvent(m) && m.msgId !== undefined) return `${m.fromUser}:${m.msgId}`;
  const event = (m.raw.Event ?? m.raw.MsgType ?? '').toLowerCase();
  return `${m.fromUser}:${m.createTime}:${event}:${m.raw.EventKey ?? ''}`;
}

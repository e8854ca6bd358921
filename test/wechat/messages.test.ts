import { expect } from 'chai';
import {
  dedupeKey,
  isEvent,
  parseMessage,
  scanXml,
  WechatProtocolError,
  type WechatMessage,
} from '../../src/wechat/index.js';
import { fixture, inboundSamples } from './vectors.js';

const samples = inboundSamples();

function parse(name: string): WechatMessage {
  const xml = samples[name];
  if (xml === undefined) throw new Error(`no sample ${name}`);
  return parseMessage(scanXml(xml));
}

/** Drops `raw` and absent optional fields so expectations list only what was modelled. */
function fields(m: WechatMessage): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m).filter(([k, v]) => k !== 'raw' && v !== undefined));
}

describe('wechat/messages parseMessage', () => {
  const common = { toUser: 'toUser', fromUser: 'fromUser' };

  it('text', () => {
    expect(fields(parse('text'))).to.deep.equal({
      ...common, createTime: 1348831860, msgId: '1234567890123456', kind: 'text', content: 'this is a test',
    });
  });

  it('image', () => {
    expect(fields(parse('image'))).to.deep.equal({
      ...common, createTime: 1348831860, msgId: '1234567890123456', kind: 'image', picUrl: 'this is a url', mediaId: 'media_id',
    });
  });

  it('voice (and Recognition when present)', () => {
    expect(fields(parse('voice'))).to.deep.equal({
      ...common, createTime: 1357290913, msgId: '1234567890123456', kind: 'voice', mediaId: 'media_id', format: 'Format',
    });
    const withText = (samples.voice ?? '').replace('</xml>', '<Recognition><![CDATA[腾讯微信团队]]></Recognition></xml>');
    const m = parseMessage(scanXml(withText));
    expect(m.kind === 'voice' && m.recognition).to.equal('腾讯微信团队');
  });

  it('video and shortvideo', () => {
    expect(fields(parse('video'))).to.deep.equal({
      ...common, createTime: 1357290913, msgId: '1234567890123456', kind: 'video', mediaId: 'media_id', thumbMediaId: 'thumb_media_id',
    });
    const short = parseMessage(scanXml((samples.video ?? '').replace('[video]', '[shortvideo]')));
    expect(short.kind).to.equal('shortvideo');
  });

  it('location: Location_X is latitude, numbers parsed', () => {
    expect(fields(parse('location'))).to.deep.equal({
      ...common, createTime: 1351776360, msgId: '1234567890123456', kind: 'location',
      latitude: 23.134521, longitude: 113.358803, scale: 20, label: '位置信息',
    });
  });

  it('link', () => {
    expect(fields(parse('link'))).to.deep.equal({
      ...common, createTime: 1351776360, msgId: '1234567890123456', kind: 'link',
      title: '公众平台官网链接', description: '公众平台官网链接', url: 'url',
    });
  });

  it('subscribe, plain and via parametric QR code (qrscene_ stripped)', () => {
    expect(fields(parse('event_subscribe'))).to.deep.equal({
      toUser: 'toUser', fromUser: 'FromUser', createTime: 123456789, kind: 'subscribe',
    });
    expect(fields(parse('event_subscribe_via_qrcode'))).to.deep.equal({
      toUser: 'toUser', fromUser: 'FromUser', createTime: 123456789, kind: 'subscribe',
      eventKey: 'qrscene_123123', scene: '123123', ticket: 'TICKET',
    });
  });

  it('unsubscribe', () => {
    expect(parse('event_unsubscribe').kind).to.equal('unsubscribe');
  });

  it('SCAN (upper-case on the wire)', () => {
    expect(fields(parse('event_SCAN'))).to.deep.equal({
      toUser: 'toUser', fromUser: 'FromUser', createTime: 123456789, kind: 'scan', eventKey: '123123', ticket: 'TICKET',
    });
  });

  it('LOCATION report', () => {
    expect(fields(parse('event_LOCATION'))).to.deep.equal({
      ...common, createTime: 123456789, kind: 'location_report', latitude: 23.137466, longitude: 113.352425, precision: 119.38504,
    });
  });

  it('CLICK and VIEW', () => {
    expect(fields(parse('event_CLICK'))).to.deep.equal({
      toUser: 'toUser', fromUser: 'FromUser', createTime: 123456789, kind: 'click', eventKey: 'EVENTKEY',
    });
    expect(fields(parse('event_VIEW'))).to.deep.equal({
      toUser: 'toUser', fromUser: 'FromUser', createTime: 123456789, kind: 'view', eventKey: 'www.qq.com',
    });
  });

  it('TEMPLATESENDJOBFINISH reads MsgID (capital D) as a string', () => {
    expect(fields(parse('event_TEMPLATESENDJOBFINISH'))).to.deep.equal({
      toUser: 'touser', fromUser: 'fromuser', createTime: 1395658920, msgId: '200163836',
      kind: 'template_send_job_finish', status: 'success',
    });
  });

  it('every sample parses to a known kind and keeps raw', () => {
    for (const [name, xml] of Object.entries(samples)) {
      const m = parseMessage(scanXml(xml));
      expect(m.kind, name).to.not.equal('unknown');
      expect(m.raw.ToUserName, name).to.equal(m.toUser);
      if (m.msgId !== undefined) expect(m.msgId, name).to.be.a('string');
    }
  });

  it('keeps a 64-bit MsgId exact', () => {
    const m = parseMessage(scanXml((samples.text ?? '').replace('1234567890123456', '9223372036854775807')));
    expect(m.msgId).to.equal('9223372036854775807');
  });

  it('unknown message types and events become `unknown`, never throw', () => {
    const ev = parseMessage(scanXml(fixture('event-scancode-push.xml')));
    expect(fields(ev)).to.deep.equal({
      toUser: 'gh_e136c6e50636', fromUser: 'oMgHVjngRipVsoxg6TuX3vz6glDg', createTime: 1408090502,
      kind: 'unknown', msgType: 'event', event: 'scancode_push',
    });
    expect(ev.raw['ScanCodeInfo.ScanResult']).to.equal('1');
    const msg = parseMessage({ ToUserName: 'a', FromUserName: 'b', MsgType: 'miniprogrampage', MsgId: '7' });
    expect(msg).to.include({ kind: 'unknown', msgType: 'miniprogrampage', msgId: '7' });
  });

  it('garbled coordinates become `unknown` rather than NaN', () => {
    const xml = (samples.location ?? '').replace('23.134521', 'north');
    expect(parseMessage(scanXml(xml)).kind).to.equal('unknown');
  });

  it('missing ToUserName / FromUserName / MsgType is WECHAT_BAD_XML', () => {
    const full = { ToUserName: 'a', FromUserName: 'b', MsgType: 'text' };
    for (const drop of Object.keys(full)) {
      const f: Record<string, string> = { ...full };
      delete f[drop];
      expect(() => parseMessage(f), drop).to.throw(WechatProtocolError).with.property('code', 'WECHAT_BAD_XML');
    }
  });
});

describe('wechat/messages isEvent and dedupeKey', () => {
  it('isEvent tells events from messages', () => {
    expect(isEvent(parse('text'))).to.equal(false);
    expect(isEvent(parse('event_CLICK'))).to.equal(true);
    expect(isEvent(parse('event_TEMPLATESENDJOBFINISH'))).to.equal(true);
  });

  it('messages dedupe on sender and MsgId', () => {
    expect(dedupeKey(parse('text'))).to.equal('fromUser:1234567890123456');
  });

  it('events dedupe on fromUser + createTime + event + eventKey', () => {
    const a = dedupeKey(parse('event_CLICK'));
    expect(a).to.equal('FromUser:123456789:click:EVENTKEY');
    expect(dedupeKey(parse('event_VIEW'))).to.not.equal(a);
    expect(dedupeKey(parse('event_subscribe'))).to.equal('FromUser:123456789:subscribe:');
  });
});

import { expect } from 'chai';
import { scanXml, scanXmlBytes, WechatProtocolError } from '../../src/wechat/index.js';
import { fixture, inboundSamples } from './vectors.js';

function expectBadXml(xml: string, opts?: { maxBytes?: number }): void {
  try {
    scanXml(xml, opts);
  } catch (err) {
    expect(err).to.be.instanceOf(WechatProtocolError);
    expect((err as WechatProtocolError).code).to.equal('WECHAT_BAD_XML');
    return;
  }
  expect.fail(`expected WECHAT_BAD_XML for ${JSON.stringify(xml.slice(0, 80))}`);
}

const ok = (inner: string) => `<xml><ToUserName><![CDATA[a]]></ToUserName>${inner}</xml>`;

describe('wechat/xml scanXml', () => {
  it('scans every inbound sample into flat fields', () => {
    for (const [name, xml] of Object.entries(inboundSamples())) {
      const f = scanXml(xml);
      expect(f.ToUserName, name).to.be.a('string');
      expect(f.MsgType, name).to.be.oneOf(['text', 'image', 'voice', 'video', 'location', 'link', 'event']);
    }
    expect(scanXml(inboundSamples().text ?? '')).to.deep.equal({
      ToUserName: 'toUser',
      FromUserName: 'fromUser',
      CreateTime: '1348831860',
      MsgType: 'text',
      Content: 'this is a test',
      MsgId: '1234567890123456',
    });
  });

  it('returns an object that inherits nothing', () => {
    const f = scanXml(ok('<constructor>x</constructor><__proto__>y</__proto__>'));
    // Its prototype is an empty object with no prototype of its own (fast properties; see Fields).
    const proto = Object.getPrototypeOf(f) as object;
    expect(Reflect.ownKeys(proto)).to.deep.equal([]);
    expect(Object.getPrototypeOf(proto)).to.equal(null);
    expect(f.constructor).to.equal('x');
    expect(Object.keys(f)).to.deep.equal(['ToUserName', 'constructor', '__proto__']);
    expect(f.__proto__).to.equal('y');
    expect(Object.getPrototypeOf(f)).to.equal(proto);
    const empty = scanXml(ok(''));
    // eslint-disable-next-line @typescript-eslint/unbound-method -- read, never called: the object has no prototype, so no toString
    expect(empty.toString).to.equal(undefined);
    expect('hasOwnProperty' in empty).to.equal(false);
  });

  describe('scanXmlBytes', () => {
    const bytes = (s: string) => Buffer.from(s, 'utf8');

    it('gives the same fields as scanXml for every sample and fixture', () => {
      for (const [name, xml] of Object.entries(inboundSamples())) {
        expect(scanXmlBytes(bytes(xml)), name).to.deep.equal(scanXml(xml));
      }
      for (const file of ['event-scancode-push.xml', 'event-pic-sysphoto.xml', 'event-location-select.xml']) {
        expect(scanXmlBytes(bytes(fixture(file))), file).to.deep.equal(scanXml(fixture(file)));
      }
    });

    it('decodes non-ASCII values as UTF-8, in CDATA, text and names around them', () => {
      const f = scanXmlBytes(bytes(ok('<C><![CDATA[中文 😀 é]]></C><T>平安 &amp; 三明</T><M><![CDATA[a]]>中<![CDATA[b]]></M>')));
      expect(f.C).to.equal('中文 😀 é');
      expect(f.T).to.equal('平安 & 三明');
      expect(f.M).to.equal('a中b');
    });

    it('reads a Uint8Array that is not a Buffer, and a view into a larger buffer', () => {
      const xml = ok('<A>1</A>');
      expect(scanXmlBytes(new Uint8Array(bytes(xml)))).to.deep.equal({ ToUserName: 'a', A: '1' });
      const padded = bytes(`junk${xml}junk`);
      expect(scanXmlBytes(padded.subarray(4, padded.length - 4))).to.deep.equal({ ToUserName: 'a', A: '1' });
    });

    it('skips a UTF-8 byte order mark', () => {
      expect(scanXmlBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('<xml><A>1</A></xml>')]))).to.deep.equal({ A: '1' });
    });

    it('refuses bytes that are not UTF-8, anywhere', () => {
      for (const bad of [[0xff], [0xc3], [0xe4, 0xb8], [0xed, 0xa0, 0x80], [0xc0, 0x80]]) {
        const at = ok('<A>x</A>').indexOf('x');
        const xml = ok('<A>x</A>');
        const input = Buffer.concat([bytes(xml.slice(0, at)), Buffer.from(bad), bytes(xml.slice(at + 1))]);
        expect(() => scanXmlBytes(input), JSON.stringify(bad)).to.throw(WechatProtocolError).with.property('code', 'WECHAT_BAD_XML');
      }
    });

    it('counts the limit in bytes', () => {
      const chinese = bytes(ok(`<A>${'中'.repeat(30)}</A>`));
      expect(scanXmlBytes(chinese, { maxBytes: chinese.length }).A).to.have.length(30);
      expect(() => scanXmlBytes(chinese, { maxBytes: chinese.length - 1 })).to.throw(WechatProtocolError);
    });

    it('refuses input cut anywhere', () => {
      const xml = bytes(inboundSamples().text ?? '');
      for (let end = 0; end < xml.length - 6; end += 1) {
        expect(() => scanXmlBytes(xml.subarray(0, end)), String(end)).to.throw(WechatProtocolError);
      }
    });
  });

  it('accepts a leading xml declaration, a BOM and whitespace', () => {
    const xml = `\ufeff<?xml version="1.0" encoding="UTF-8"?>\n  <xml >\n\t<A>1</A >\r\n</xml>\n`;
    expect(scanXml(xml)).to.deep.equal({ A: '1' });
    expect(scanXml(`<?xml version='1.0' standalone='yes'?><xml><A/></xml>`)).to.deep.equal({ A: '' });
  });

  it('decodes predefined and numeric entities in text, never in CDATA', () => {
    const f = scanXml(ok('<T>a &lt;b&gt; &amp; &quot;&apos; &#20013;&#x6587;&#x1F600;</T><C><![CDATA[&lt;&amp;]]></C>'));
    expect(f.T).to.equal('a <b> & "\' 中文😀');
    expect(f.C).to.equal('&lt;&amp;');
  });

  it('joins split CDATA sections (how `]]>` is carried)', () => {
    expect(scanXml(ok('<C><![CDATA[a]]]]><![CDATA[>b]]></C>')).C).to.equal('a]]>b');
    expect(scanXml(ok('<C><![CDATA[<xml><b>]]></C>')).C).to.equal('<xml><b>');
  });

  it('flattens nested events to dotted keys and indexes <item>', () => {
    expect(scanXml(fixture('event-scancode-push.xml'))).to.include({
      'ScanCodeInfo.ScanType': 'qrcode',
      'ScanCodeInfo.ScanResult': '1',
    });
    const pics = scanXml(fixture('event-pic-sysphoto.xml'));
    expect(pics).to.include({
      'SendPicsInfo.Count': '2',
      'SendPicsInfo.PicList.item[0].PicMd5Sum': '1b5f7c23b5bf75682a53e7b6d163e185',
      'SendPicsInfo.PicList.item[1].PicMd5Sum': '5a75aaca956d97be686719218f275c6b',
    });
    expect(scanXml(fixture('event-location-select.xml'))).to.include({
      'SendLocationInfo.Location_X': '23',
      'SendLocationInfo.Label': ' 广州市海珠区客村艺苑路 106号',
      'SendLocationInfo.Poiname': '',
    });
  });

  describe('refuses hostile or malformed input with WECHAT_BAD_XML', () => {
    const cases: Record<string, string> = {
      'XXE DOCTYPE': `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><A>&xxe;</A></xml>`,
      'billion laughs': `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><A>&lol2;</A></xml>`,
      'DOCTYPE inside root': '<xml><!DOCTYPE x><A>1</A></xml>',
      'ENTITY inside root': '<xml><!ENTITY x "y"><A>1</A></xml>',
      'unknown entity ref': ok('<A>&xxe;</A>'),
      'entity without semicolon': ok('<A>a & b</A>'),
      'numeric ref to NUL': ok('<A>&#0;</A>'),
      'numeric ref to a surrogate': ok('<A>&#xD800;</A>'),
      'numeric ref out of range': ok('<A>&#x110000;</A>'),
      'uppercase hex marker': ok('<A>&#X41;</A>'),
      'processing instruction in body': ok('<?php echo 1; ?><A>1</A>'),
      'PI in a value': ok('<A><?x y?></A>'),
      'second declaration': '<?xml version="1.0"?><?xml version="1.0"?><xml></xml>',
      'declaration with junk': '<?xml version="1.0" foo="bar"?><xml></xml>',
      'stylesheet PI': '<?xml-stylesheet href="x"?><xml></xml>',
      comment: ok('<!-- hi --><A>1</A>'),
      'mismatched tags': ok('<A>1</B>'),
      'prefix-mismatched tags': ok('<AB>1</A>'),
      'unclosed root': '<xml><A>1</A>',
      'unclosed value': '<xml><A>1',
      'unterminated CDATA': ok('<A><![CDATA[abc</A>'),
      'duplicate keys': ok('<A>1</A><A>2</A>'),
      'duplicate nested keys': ok('<P><A>1</A></P><P><A>2</A></P>'),
      'duplicate container': ok('<P><A>1</A></P><P><B>2</B></P>'),
      'attribute on child': ok('<A x="1">1</A>'),
      'attribute on root': '<xml a="1"><A>1</A></xml>',
      'namespace prefix': ok('<x:A>1</x:A>'),
      'dotted name': ok('<A.B>1</A.B>'),
      'wrong root': '<root><A>1</A></root>',
      'root prefix only': '<xmlx><A>1</A></xmlx>',
      'text in root': '<xml>hello<A>1</A></xml>',
      'mixed content': ok('<P>text<A>1</A></P>'),
      'text after children': ok('<P><A>1</A>junk</P>'),
      'content after root': '<xml><A>1</A></xml><xml></xml>',
      'text after root': '<xml><A>1</A></xml>x',
      'too deep': ok('<A><B><C><D><E>1</E></D></C></B></A>'),
      ']]> in text': ok('<A>a]]>b</A>'),
      'CDATA in root': '<xml><![CDATA[x]]></xml>',
      empty: '',
      'not xml': 'success',
      json: '{"a":1}',
      'lone <': ok('<A>1<</A>'),
      'empty tag name': ok('<>1</>'),
    };
    for (const [name, xml] of Object.entries(cases)) {
      it(name, () => expectBadXml(xml));
    }

    it('oversized input (by UTF-8 bytes, not characters)', () => {
      expectBadXml(ok(`<A>${'a'.repeat(70_000)}</A>`));
      const chinese = ok(`<A>${'中'.repeat(30)}</A>`);
      expect(scanXml(chinese, { maxBytes: 200 }).A).to.have.length(30);
      expectBadXml(chinese, { maxBytes: 100 });
    });

    it('too many fields', () => {
      let inner = '';
      for (let i = 0; i < 600; i++) inner += `<F${i}>1</F${i}>`;
      expectBadXml(ok(inner));
    });

    it('non-string input', () => {
      expectBadXml(undefined as unknown as string);
    });
  });

  it('allows leaves 4 levels deep (SendPicsInfo > PicList > item > PicMd5Sum)', () => {
    expect(scanXml(ok('<A><B><item><D>1</D></item></B></A>'))).to.include({ 'A.B.item[0].D': '1' });
  });
});

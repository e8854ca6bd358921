import { expect } from 'chai';
import { renderReply, scanXml, splitText, type NewsArticle, type Reply } from '../../src/wechat/index.js';
import { vectors } from './vectors.js';

const ctx = { toUser: 'toUser', fromUser: 'fromUser', createTime: 12345678 };
const templates = vectors.passive_reply_templates;

describe('wechat/replies renderReply', () => {
  const exact: Array<[string, Reply]> = [
    ['text', { type: 'text', content: '你好' }],
    ['image', { type: 'image', mediaId: 'media_id' }],
    ['voice', { type: 'voice', mediaId: 'media_id' }],
    ['video', { type: 'video', mediaId: 'media_id', title: 'title', description: 'description' }],
    [
      'music',
      {
        type: 'music', title: 'TITLE', description: 'DESCRIPTION', musicUrl: 'MUSIC_Url', hqMusicUrl: 'HQ_MUSIC_Url', thumbMediaId: 'media_id',
      },
    ],
    ['news', { type: 'news', articles: [{ title: 'title1', description: 'description1', picUrl: 'picurl', url: 'url' }] }],
    ['transfer_customer_service', { type: 'transfer_customer_service' }],
  ];
  for (const [name, reply] of exact) {
    it(`${name} matches the official template byte for byte and scans back`, () => {
      const xml = renderReply(reply, ctx);
      expect(xml).to.equal(templates[name]);
      const f = scanXml(xml);
      expect(f).to.include({ ToUserName: 'toUser', FromUserName: 'fromUser', CreateTime: '12345678', MsgType: name });
    });
  }

  it('scans back the nested fields of each type', () => {
    expect(scanXml(renderReply({ type: 'image', mediaId: 'm' }, ctx))['Image.MediaId']).to.equal('m');
    expect(scanXml(renderReply({ type: 'voice', mediaId: 'v' }, ctx))['Voice.MediaId']).to.equal('v');
    const video = scanXml(renderReply({ type: 'video', mediaId: 'v' }, ctx));
    expect(video['Video.MediaId']).to.equal('v');
    expect(video).to.not.have.property('Video.Title');
    expect(scanXml(renderReply({ type: 'music', thumbMediaId: 't' }, ctx))['Music.ThumbMediaId']).to.equal('t');
    const kf = scanXml(renderReply({ type: 'transfer_customer_service', kfAccount: 'kf2001@gh' }, ctx));
    expect(kf['TransInfo.KfAccount']).to.equal('kf2001@gh');
  });

  it("'none' renders as success", () => {
    expect(renderReply({ type: 'none' }, ctx)).to.equal('success');
  });

  it('news is truncated to 8 articles by default and to maxArticles when given', () => {
    const articles: NewsArticle[] = Array.from({ length: 10 }, (_, i) => ({ title: `t${i}`, url: `https://x/${i}` }));
    const eight = scanXml(renderReply({ type: 'news', articles }, ctx));
    expect(eight.ArticleCount).to.equal('8');
    expect(eight['Articles.item[7].Title']).to.equal('t7');
    expect(eight).to.not.have.property('Articles.item[8].Title');
    const one = scanXml(renderReply({ type: 'news', articles }, { ...ctx, maxArticles: 1 }));
    expect(one.ArticleCount).to.equal('1');
    expect(one['Articles.item[0].Url']).to.equal('https://x/0');
    expect(one).to.not.have.property('Articles.item[1].Title');
    expect(renderReply({ type: 'news', articles: [] }, ctx)).to.equal('success');
  });

  it('content containing ]]> round-trips through CDATA splitting', () => {
    const content = 'a]]>b]]]]>c<xml></xml>]]>';
    const xml = renderReply({ type: 'text', content }, ctx);
    expect(xml).to.contain(']]]]><![CDATA[>');
    expect(scanXml(xml).Content).to.equal(content);
    const hostile = renderReply({ type: 'text', content: ']]></Content><MsgType>x</MsgType><Content><![CDATA[' }, ctx);
    expect(scanXml(hostile).MsgType).to.equal('text');
  });

  it('writes CreateTime in whole seconds', () => {
    expect(scanXml(renderReply({ type: 'text', content: 'x' }, { ...ctx, createTime: 1700000000.9 })).CreateTime).to.equal('1700000000');
  });
});

describe('wechat/replies splitText', () => {
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

  it('leaves short text alone and yields nothing for empty text', () => {
    expect(splitText('你好')).to.deep.equal(['你好']);
    expect(splitText('')).to.deep.equal([]);
  });

  it('around the length where counting starts, one part exactly when the text fits', () => {
    const pieces = ['a', '中', '😀', '\n', 'é'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let n = 0; n < 500; n += 1) {
      let text = '';
      const units = 640 + (next() % 80);
      while (text.length < units) text += pieces[next() % pieces.length];
      const chunks = splitText(text);
      expect(chunks.join('')).to.equal(text);
      for (const c of chunks) expect(bytes(c)).to.be.at.most(2048);
      expect(chunks.length === 1, `${bytes(text)} bytes`).to.equal(bytes(text) <= 2048);
    }
  });

  it('cuts Chinese text at 2048 bytes on character boundaries', () => {
    const text = '平安三明反诈骗提醒'.repeat(300); // 3 bytes each
    const chunks = splitText(text);
    expect(chunks.join('')).to.equal(text);
    for (const c of chunks) expect(bytes(c)).to.be.at.most(2048);
    expect(bytes(chunks[0] ?? '')).to.equal(2046); // 682 whole characters
  });

  it('never splits an emoji surrogate pair or a UTF-8 sequence', () => {
    const text = `a${'😀中'.repeat(600)}`;
    const chunks = splitText(text);
    expect(chunks.join('')).to.equal(text);
    for (const c of chunks) {
      expect(bytes(c)).to.be.at.most(2048);
      expect(wellFormed(c)).to.equal(true);
    }
    expect(chunks.length).to.be.greaterThan(1);
  });

  it('prefers a newline near the cut', () => {
    const line = `${'很'.repeat(99)}\n`; // 298 bytes
    const text = line.repeat(20);
    const chunks = splitText(text);
    expect(chunks.join('')).to.equal(text);
    for (const c of chunks.slice(0, -1)) expect(c.endsWith('\n')).to.equal(true);
    expect(bytes(chunks[0] ?? '')).to.equal(298 * 6);
  });

  it('ignores a newline early in the chunk (would waste most of a message)', () => {
    const text = `hi\n${'好'.repeat(1000)}`;
    const [first] = splitText(text);
    expect(bytes(first ?? '')).to.be.greaterThan(2000);
  });

  it('honours a custom limit and rejects one below a code point', () => {
    expect(splitText('😀😀😀', 4)).to.deep.equal(['😀', '😀', '😀']);
    expect(() => splitText('x', 3)).to.throw(RangeError);
  });
});

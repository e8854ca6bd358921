import { expect } from 'chai';
import { createHmac, randomBytes } from 'node:crypto';
import { createIdentityVault } from '../../src/tips/identity.js';

describe('tips/identity: citizenHash', () => {
  const hashKey = 'test-hash-key';
  const vault = createIdentityVault(`k1:${randomBytes(32).toString('base64')}`, hashKey);
  const hmac = (channel: string, id: string) => createHmac('sha256', hashKey).update(`${channel}:${id}`).digest('hex');

  it('is the keyed HMAC of channel:id, the same however often it is asked, and differs by channel', () => {
    for (const id of ['o_abc', 'o_abcdefghijklmnopqrstuvwxyz012', 'wxid_x']) {
      for (const channel of ['official_account', 'wechaty']) {
        expect(vault.citizenHash(channel, id)).to.equal(hmac(channel, id));
        expect(vault.citizenHash(channel, id)).to.equal(hmac(channel, id));
      }
      expect(vault.citizenHash('official_account', id)).to.not.equal(vault.citizenHash('wechaty', id));
    }
  });

  it('oneOffHash is the same HMAC, for ids that do not recur', () => {
    for (const id of ['wx:o_abc:1234567890', 'wx:o_abc:1234567891']) {
      expect(vault.oneOffHash('reply', id)).to.equal(hmac('reply', id));
      expect(vault.oneOffHash('reply', id)).to.equal(vault.citizenHash('reply', id));
    }
    expect(vault.oneOffHash('reply', 'x')).to.not.equal(vault.oneOffHash('conversation', 'x'));
  });

  it('stays right past its memo size (older entries evicted, recomputed when asked again)', () => {
    for (let i = 0; i < 10_050; i += 1) vault.citizenHash('official_account', `o_many_${i}`);
    expect(vault.citizenHash('official_account', 'o_many_0')).to.equal(hmac('official_account', 'o_many_0'));
    expect(vault.citizenHash('official_account', 'o_many_10049')).to.equal(hmac('official_account', 'o_many_10049'));
  });
});

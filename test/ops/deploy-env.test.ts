// deploy/env.example and README's configuration table name every environment variable the service
// reads (config/custom-environment-variables.json), and the example ships no value that would
// pass for a secret or stop a fresh install's start for a reason its comments do not give.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Every `__name` or plain string value of the mapping: the variables' names. */
function variables(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    if (typeof o.__name === 'string') out.push(o.__name);
    else for (const v of Object.values(o)) variables(v, out);
  }
  return out;
}

const VARIABLES = variables(JSON.parse(read('config/custom-environment-variables.json')));
const SECRETS = ['WECHAT_TOKEN', 'WECHAT_APPID', 'WECHAT_APPSECRET', 'WECHAT_AES_KEY', 'TIP_IDENTITY_KEYS', 'TIP_IDENTITY_HASH_KEY',
  'ADMIN_PASSWORD', 'METRICS_TOKEN', 'WECHATY_PUPPET_TOKEN', 'DATABASE_URL', 'REDIS_URL'];

describe('deploy: the environment example and the configuration table', () => {
  const env = read('deploy/env.example');
  /** KEY → value of the lines that are set (not commented out). */
  const set = new Map([...env.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));

  it('reads some variables', () => {
    expect(VARIABLES).to.include.members(['PORT', 'WECHAT_TEMPLATE_ALERT', 'ARTICLES_SELF_PUBLISH']);
  });

  it('env.example has every variable, set or commented out', () => {
    const missing = VARIABLES.filter((v) => !new RegExp(`^#?${v}=`, 'm').test(env));
    expect(missing).to.deep.equal([]);
  });

  it("README's table has every variable", () => {
    const table = read('README.md').split('\n').filter((l) => l.startsWith('| `'));
    const missing = VARIABLES.filter((v) => !table.some((row) => row.split('|')[1]!.includes(`\`${v}\``)));
    expect(missing).to.deep.equal([]);
  });

  it('env.example leaves every secret empty', () => {
    expect(SECRETS.filter((k) => (set.get(k) ?? '') !== '')).to.deep.equal([]);
  });

  it('env.example does not require encryption while the AES key is empty', () => {
    expect(set.has('WECHAT_REQUIRE_ENCRYPTION')).to.equal(false);
    expect(env).to.match(/^#WECHAT_REQUIRE_ENCRYPTION=true$/m);
  });
});

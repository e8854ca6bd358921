// The web server must not pay for Wechaty: no module reachable from src/server.ts may import
// wechaty at run time (type-only imports are erased and do not count).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve('src');
// Static imports/re-exports that are not `import type`/`export type`, and dynamic import('x').
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

function runtimeImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? '').filter(Boolean);
}

function reachable(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('.')) { packages.add(spec); continue; }
      const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
      if (existsSync(target)) visit(target);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('wechaty isolation', () => {
  it('nothing the web server loads imports wechaty', () => {
    const { files, packages } = reachable(path.join(SRC, 'server.ts'));
    assert.ok(packages.has('koa') && files.size > 5, 'the walk does follow the import graph');
    const wechatyPackages = [...packages].filter((p) => p === 'wechaty' || p.startsWith('wechaty'));
    assert.deepEqual(wechatyPackages, []);
    const adapters = [...files].filter((f) => path.basename(f).startsWith('wechaty'));
    assert.deepEqual(adapters, []);
  });

  it('the bot process does load it', () => {
    const { packages } = reachable(path.join(SRC, 'bot/adapters/wechaty-main.ts'));
    assert.ok(packages.has('wechaty'));
  });
});

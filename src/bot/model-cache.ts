// The text models' trained weights kept in a file, so that a start with the same code and the
// same training texts reads them instead of training again (a restart, a second instance on the
// machine, the tests' server processes). The file is named by a hash of everything the training
// reads and runs: the code directory this module was loaded from (src/ or dist/), the content it
// trains on and Node's version (the file is V8's serialization). Any change is a new name, so a
// file never answers for other code or texts. A file that cannot be read or is not weights is
// trained over; a directory that cannot be written only costs the next start its training.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';

const CODE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PREFIX = 'text-models-';
const SUFFIX = '.v8';

/** Every file under `dir`, sorted, as paths relative to it. */
function filesUnder(dir: string, under = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, under), { withFileTypes: true })) {
    const rel = path.join(under, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/** The hash that names the weights of this code trained on these directories' files. */
export function trainingKey(contentDirs: readonly string[], codeDir = CODE_DIR): string {
  const hash = createHash('sha256').update(process.version).update('\0');
  for (const [index, dir] of [codeDir, ...contentDirs].entries()) {
    for (const rel of filesUnder(dir)) {
      const bytes = readFileSync(path.join(dir, rel));
      hash.update(`${index}\0${rel}\0${bytes.length}\0`).update(bytes);
    }
  }
  return hash.digest('hex').slice(0, 32);
}

const fileFor = (dir: string, key: string) => path.join(dir, `${PREFIX}${key}${SUFFIX}`);

/** The weights kept under this key, if a readable file holds some that pass `valid`. */
export function readKeptWeights<T>(dir: string, key: string, valid: (x: unknown) => x is T): T | undefined {
  try {
    const kept: unknown = deserialize(readFileSync(fileFor(dir, key)));
    return valid(kept) ? kept : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps the weights under this key (written whole, then renamed into place, so a reader never
 * sees half a file) and removes the files of other keys. Throws when the directory cannot be
 * written.
 */
export function keepWeights(dir: string, key: string, weights: unknown): void {
  mkdirSync(dir, { recursive: true });
  const target = fileFor(dir, key);
  const partial = `${target}.${randomBytes(4).toString('hex')}.partial`;
  writeFileSync(partial, serialize(weights));
  renameSync(partial, target);
  for (const name of readdirSync(dir)) {
    if (name.startsWith(PREFIX) && name !== path.basename(target)) rmSync(path.join(dir, name), { force: true });
  }
}

// Data that grows by files (training messages, evaluation tables): `stem.json`, `stem-2.json` …
// in one folder, each a JSON array checked by the same schema, read in name order as one list.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** Every `<stem>.json` and `<stem>-<n>.json` in dir, parsed by `row` and concatenated. */
export function readNumberedJson<T extends z.ZodTypeAny>(dir: string, stem: string, row: T): Array<z.output<T>> {
  const pattern = new RegExp(`^${stem}(-\\d+)?\\.json$`);
  return readdirSync(dir).filter((f) => pattern.test(f)).sort()
    .flatMap((f) => z.array(row).parse(JSON.parse(readFileSync(path.join(dir, f), 'utf8'))) as Array<z.output<T>>);
}

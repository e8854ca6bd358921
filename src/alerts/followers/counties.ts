// Sanming's eleven counties (县、市、区) as content/sanming-divisions.json lists them: the regions
// alerts are pushed to, and the names of their WeChat tags.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CONTENT_DIR } from '../../bot/content.js';

export interface SanmingCounty {
  /** The division code, e.g. 350405. */
  code: string;
  /** 沙县区 */
  name: string;
}

const schema = z.object({ counties: z.array(z.object({ code: z.string().regex(/^\d{6}$/), name: z.string().min(2) }).passthrough()).min(1) }).passthrough();

export function loadCounties(dir: string = CONTENT_DIR): SanmingCounty[] {
  const data = schema.parse(JSON.parse(readFileSync(path.join(dir, 'sanming-divisions.json'), 'utf8')));
  return data.counties.map((c) => ({ code: c.code, name: c.name }));
}

/** The WeChat tag of a county: 「三明-沙县区」 (WeChat allows 30 characters). */
export function countyTagName(county: SanmingCounty): string {
  return `三明-${county.name}`;
}

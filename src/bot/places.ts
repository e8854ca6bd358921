// Pure matcher from a place typed as text to Sanming's county and township codes. Elderly
// citizens write 「永安」, 「沙县凤岗」 or a whole address; short names are tried only where they
// cannot be mistaken for ordinary words (after a county, or as the whole answer), because many
// township names are common words (建设, 光明, 联合). Traditional characters are read as the
// simplified names (「沙縣」, 「三元區城關街道」); the citizen's words are kept as typed by the caller.
import { foldToSimplified } from '../tips/rules/plain-text.js';

export interface Township { code: string; name: string }
export interface County { code: string; name: string; townships: Township[] }
export interface Divisions { counties: County[] }

export interface PlaceMatch {
  countyCode: string;
  countyName: string;
  townshipCode?: string;
  townshipName?: string;
  /** 「沙县区凤岗街道」: what the bot reads back to the citizen. */
  label: string;
}

const COUNTY_SUFFIX = /(区|县|市)$/;
// 畲族乡 before 乡: 「治平畲族乡」 is called 治平.
const TOWNSHIP_SUFFIX = /(街道|畲族乡|镇|乡)$/;

const shortCounty = (name: string) => name.replace(COUNTY_SUFFIX, '');
const shortTownship = (name: string) => name.replace(TOWNSHIP_SUFFIX, '');

// 梅列区 was merged into 三元区 in 2021; people still call it by its old name.
const FORMER_COUNTIES: ReadonlyArray<readonly [RegExp, string]> = [[/梅列区?/g, '三元区']];

function normalise(text: string): string {
  let t = foldToSimplified(text).replace(/[\s，,。.、；;：:（）()“”"'‘’]/g, '').replace(/^(福建省|福建)/, '').replace(/^三明市/, '');
  for (const [former, now] of FORMER_COUNTIES) t = t.replace(former, now);
  return t;
}

function blank(text: string, part: string): string {
  return text.replace(part, '□'.repeat(part.length));
}

function findCounty(text: string, counties: County[]): County | undefined {
  const full = counties.find((c) => text.includes(c.name));
  if (full) return full;
  let best: { county: County; at: number } | undefined;
  for (const c of counties) {
    const at = text.indexOf(shortCounty(c.name));
    if (at >= 0 && (!best || at < best.at)) best = { county: c, at };
  }
  return best?.county;
}

function result(county: County, township?: Township): PlaceMatch {
  return {
    countyCode: county.code,
    countyName: county.name,
    ...(township ? { townshipCode: township.code, townshipName: township.name } : {}),
    label: county.name + (township?.name ?? ''),
  };
}

// Words around a place that say nothing else: 「就在…附近」, 「地址是…」.
const PLACE_FILLER = /^(?:事情|地点|地址|位置)?(?:就|是|在|就在|发生在|是在)*|(?:这里|那里|这边|那边|附近|一带|那块|这块)?(?:的事|发生的)?$/gu;

/**
 * Whether the text is the place and little else: what is left once the county and township
 * (full or short names, and 三明市/福建省) and the words around a place are taken out is at most
 * a village's name (「大田县均溪镇许思坑村」).
 */
export function isPlaceOnly(input: string, match: PlaceMatch): boolean {
  let rest = normalise(input).replace(/(?:福建省?|三明市?)/g, '');
  for (const name of [match.townshipName, match.townshipName && shortTownship(match.townshipName), match.countyName, shortCounty(match.countyName)]) {
    if (name) rest = rest.replace(name, '');
  }
  return rest.replace(PLACE_FILLER, '').length <= 4;
}

export function matchPlace(input: string, divisions: Divisions): PlaceMatch | undefined {
  let text = normalise(input);
  if (!text) return undefined;
  const all = divisions.counties.flatMap((c) => c.townships.map((t) => ({ county: c, township: t })));

  // Full township names first, longest first, so 尤溪口镇 is not read as 尤溪 + 口镇.
  // A hit blanks its span, so a shorter name inside it (溪口镇 in 尤溪口镇) no longer counts.
  const fullHits: typeof all = [];
  const candidates = all
    .filter((x) => text.includes(x.township.name))
    .sort((a, b) => b.township.name.length - a.township.name.length);
  for (const hit of candidates) {
    if (!text.includes(hit.township.name)) continue;
    fullHits.push(hit);
    text = blank(text, hit.township.name);
  }
  const county = findCounty(text, divisions.counties);

  if (county) {
    const own = fullHits.find((x) => x.county.code === county.code);
    if (own) return result(county, own.township);
    const rest = blank(text, text.includes(county.name) ? county.name : shortCounty(county.name));
    const short = county.townships
      .filter((t) => shortTownship(t.name).length >= 2 && rest.includes(shortTownship(t.name)))
      .sort((a, b) => b.name.length - a.name.length)[0];
    return result(county, short);
  }

  const counties = new Set(fullHits.map((x) => x.county.code));
  const first = fullHits[0];
  if (first && counties.size === 1) return result(first.county, first.township);
  if (fullHits.length > 0) return undefined;

  // The whole answer is a township's short name: 「凤岗」.
  const exact = all.filter((x) => shortTownship(x.township.name) === text);
  const only = exact[0];
  return exact.length === 1 && only ? result(only.county, only.township) : undefined;
}

// What changed between two revisions, as the revision page shows it: the short fields side by
// side, and the body as a line diff (the `diff` package) with long unchanged runs folded. Lines
// are plain strings: the template escapes them like any other value.
import { diffLines } from 'diff';
import type { ArticleRevision } from '../repository.js';

export type DiffLineKind = 'add' | 'del' | 'same' | 'fold';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line numbers in the older and newer text (null where the line is not in that text). */
  oldNo: number | null;
  newNo: number | null;
}

export interface FieldChange { label: string; before: string; after: string }

export interface RevisionDiff {
  fields: FieldChange[];
  lines: DiffLine[];
  added: number;
  removed: number;
}

/** Unchanged lines kept around each change; longer unchanged runs fold into one line. */
const CONTEXT = 3;

function splitLines(value: string): string[] {
  const lines = value.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The body's line diff, `before` null for the first revision (everything added). */
export function bodyDiff(before: string | null, after: string): { lines: DiffLine[]; added: number; removed: number } {
  const all: DiffLine[] = [];
  let oldNo = 1;
  let newNo = 1;
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before ?? '', after)) {
    for (const text of splitLines(part.value)) {
      if (part.added) {
        all.push({ kind: 'add', text, oldNo: null, newNo: newNo++ });
        added += 1;
      } else if (part.removed) {
        all.push({ kind: 'del', text, oldNo: oldNo++, newNo: null });
        removed += 1;
      } else {
        all.push({ kind: 'same', text, oldNo: oldNo++, newNo: newNo++ });
      }
    }
  }
  return { lines: fold(all), added, removed };
}

/** Keeps CONTEXT unchanged lines next to each change; a longer run becomes one 'fold' line. */
function fold(lines: DiffLine[]): DiffLine[] {
  const near = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.kind === 'same') return;
    for (let j = Math.max(0, i - CONTEXT); j <= Math.min(lines.length - 1, i + CONTEXT); j += 1) near[j] = true;
  });
  const out: DiffLine[] = [];
  let hidden: DiffLine[] = [];
  const flush = () => {
    // Folding one or two lines would hide as much as it saves: they are shown.
    if (hidden.length > 2) out.push({ kind: 'fold', text: `…… ${hidden.length} 行未改动 ……`, oldNo: null, newNo: null });
    else out.push(...hidden);
    hidden = [];
  };
  lines.forEach((l, i) => {
    if (l.kind === 'same' && !near[i]) {
      hidden.push(l);
      return;
    }
    flush();
    out.push(l);
  });
  flush();
  return out;
}

const tagsText = (tags: readonly string[]) => tags.join('，');

/** The differences of `after` from `before` (null: the first revision). */
export function revisionDiff(before: ArticleRevision | null, after: ArticleRevision): RevisionDiff {
  const fields: FieldChange[] = [];
  const field = (label: string, a: string, b: string) => {
    if (a !== b) fields.push({ label, before: a, after: b });
  };
  field('标题', before?.title ?? '', after.title);
  field('摘要', before?.summary ?? '', after.summary);
  field('署名', before?.author ?? '', after.author);
  field('标签', before ? tagsText(before.tags) : '', tagsText(after.tags));
  field('封面图片', before?.coverUrl ?? '', after.coverUrl ?? '');
  return { fields, ...bodyDiff(before ? before.body : null, after.body) };
}

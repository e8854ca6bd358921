/**
 * Tiny helpers for writing WeChat XML by string concatenation: templates are the
 * fastest way to build these fixed shapes, these helpers keep them safe.
 */

/**
 * Wraps a value in CDATA. A literal `]]>` would end the section early (and let a
 * citizen's text inject elements), so it is split across two sections.
 */
export function cdata(value: string): string {
  const safe = value.includes(']]>') ? value.split(']]>').join(']]]]><![CDATA[>') : value;
  return `<![CDATA[${safe}]]>`;
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes a value written as element text (not CDATA), e.g. numbers from a query string. */
export function escapeText(value: string): string {
  return /[&<>]/.test(value) ? value.replace(/[&<>]/g, (c) => TEXT_ESCAPES[c] ?? c) : value;
}

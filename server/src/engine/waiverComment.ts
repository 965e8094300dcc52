// The waiver comment's syntax, in one place (dsl.md): `# review-ignore RULE[, RULE…]: reason`,
// on the line it waives or alone on the line above. waivers.ts parses it, completion.ts
// completes its rule ids, the language server's "Waive RULE here" writes it.

/** The word that opens a waiver comment, after `#`. */
export const WAIVER_KEYWORD = 'review-ignore';

/** A waiver comment's start: `#`, optional blanks, the keyword as a whole word. */
const START = /^#\s*review-ignore\b/;

/** A rule id in a waiver comment's list, as written (any case). */
const RULE_ID = /[A-Za-z]+\d+/g;

export interface ParsedWaiverComment {
  /** Rule ids, upper-cased, each with its offset in the comment text. */
  rules: Array<{ id: string; start: number; end: number }>;
  /** After the first colon, trimmed; '' when there is none (DSN007 reports it). */
  reason: string;
}

/** Parses one comment's text (from its `#`); undefined when it is no waiver comment. */
export function parseWaiverComment(raw: string): ParsedWaiverComment | undefined {
  const m = START.exec(raw);
  if (!m) {
    return undefined;
  }
  const rest = raw.slice(m[0].length);
  const colon = rest.indexOf(':');
  const idsPart = colon >= 0 ? rest.slice(0, colon) : rest;
  const reason = colon >= 0 ? rest.slice(colon + 1).trim() : '';
  const rules: ParsedWaiverComment['rules'] = [];
  const idRe = new RegExp(RULE_ID.source, 'g');
  let im: RegExpExecArray | null;
  while ((im = idRe.exec(idsPart))) {
    const start = m[0].length + im.index;
    rules.push({ id: im[0].toUpperCase(), start, end: start + im[0].length });
  }
  return { rules, reason };
}

/** Whether a comment's trimmed text (without `#`) may be a waiver comment: a cheap test before parsing. */
export function mayBeWaiverComment(commentText: string): boolean {
  return commentText.startsWith(WAIVER_KEYWORD);
}

/** A waiver comment's text: `# review-ignore RULE: reason` (with an empty reason, the cursor goes after `: `). */
export function formatWaiverComment(ruleIds: readonly string[], reason = ''): string {
  return `# ${WAIVER_KEYWORD} ${ruleIds.join(', ')}: ${reason}`;
}

/**
 * Whether the text before the cursor on its line ends inside a waiver comment's rule list
 * (`# review-ignore RTY005, RT|`): where rule ids are completed.
 */
export function inWaiverRuleList(before: string): boolean {
  return /#\s*review-ignore\s+(?:[A-Za-z]+\d+\s*,\s*)*[A-Za-z]*\d*$/.test(before);
}

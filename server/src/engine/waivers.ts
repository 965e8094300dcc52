// Waivers: `review.waivers` entries and `# review-ignore RULE: reason` comments (dsl.md).
// A waiver without a reason waives nothing (the rule waiver-without-reason reports it);
// neither does a waiver of a rule that is not `waivable`.
import { Design, Element, str } from './model';
import type { Rule } from './rule';
import { mayBeWaiverComment, parseWaiverComment } from './waiverComment';
import type { Finding, Range } from './types';
import { lineOf, ParsedYaml } from './yaml/parse';

export interface IgnoreComment {
  /** Rule ids, with their ranges inside the comment. */
  rules: Array<{ id: string; range: Range }>;
  reason: string;
  range: Range;
  /** The zero-based line whose findings it waives. */
  targetLine: number;
}

/** Parses the `review-ignore` comments of a document (their syntax: waiverComment.ts). */
export function ignoreComments(parsed: ParsedYaml): IgnoreComment[] {
  const out: IgnoreComment[] = [];
  const text = parsed.text;
  const nextContent = nextContentLines(parsed);
  for (const c of parsed.comments) {
    // `c.text` is the comment without `#`, trimmed: a cheap test before slicing the text.
    if (!mayBeWaiverComment(c.text)) {
      continue;
    }
    const parsedComment = parseWaiverComment(text.slice(c.start, c.end));
    if (!parsedComment) {
      continue;
    }
    const { reason } = parsedComment;
    const rules: IgnoreComment['rules'] = parsedComment.rules.map((r) => ({ id: r.id, range: [c.start + r.start, c.start + r.end] }));
    out.push({ rules, reason, range: [c.start, c.end], targetLine: c.ownLine ? nextContent(c.line) : c.line });
  }
  return out;
}

/**
 * The line a comment alone on its line applies to: the next one that is neither blank nor
 * a comment. Asked for lines in increasing order, it remembers its last answer, so that a
 * run of thousands of comment lines is scanned once, not once per comment.
 */
function nextContentLines(parsed: ParsedYaml): (line: number) => number {
  const { text, lineStarts } = parsed;
  // The last line asked for, and the next content line below it (-1: none).
  let from = -1;
  let answer = -1;
  return (line) => {
    if (from >= 0 && line >= from && (answer < 0 || line < answer)) {
      return answer < 0 ? line + 1 : answer;
    }
    from = line;
    answer = -1;
    for (let l = line + 1; l < lineStarts.length; l++) {
      const end = l + 1 < lineStarts.length ? lineStarts[l + 1] : text.length;
      const s = text.slice(lineStarts[l], end).trim();
      if (s && !s.startsWith('#')) {
        answer = l;
        return l;
      }
    }
    return line + 1;
  };
}

export interface Waivers {
  match(f: Finding, parsed: ParsedYaml): { reason: string; range: Range } | undefined;
}

/** The range a waiver's `at` path covers, or undefined when it names nothing. */
export function resolveWaiverPath(design: Design, at: string): Range | undefined {
  const norm = at.trim().replace(/^\$\.?/, '');
  const byPath = pathIndex(design);
  const el = byPath.get(norm);
  if (el) {
    return coverage(el);
  }
  // A scalar key at the end: `…calls[0].timeout`.
  const dot = norm.lastIndexOf('.');
  if (dot > 0) {
    const head = norm.slice(0, dot);
    const key = norm.slice(dot + 1);
    const owner = head === '' ? design.root : byPath.get(head);
    return keyRange(owner, key);
  }
  return keyRange(design.root, norm);
}

const pathIndexes = new WeakMap<Design, Map<string, Element>>();

/**
 * Each element by its waiver path, path and index path (the first element in document
 * order for each), built once per design: a scan per waiver took quadratic time.
 */
function pathIndex(design: Design): Map<string, Element> {
  let index = pathIndexes.get(design);
  if (!index) {
    index = new Map();
    for (const el of design.all) {
      for (const p of [el.waiverPath, el.path, altPath(el)]) {
        if (!index.has(p)) {
          index.set(p, el);
        }
      }
    }
    pathIndexes.set(design, index);
  }
  return index;
}

/** A key of a mapping, known to the DSL or not (an unknown key can be waived too). */
function keyRange(owner: Element | undefined, key: string): Range | undefined {
  const f = owner?.fields.get(key) ?? owner?.problems.find((p) => p.type === 'unknown-key' && p.key === key && !p.item)?.field;
  return f?.pairRange;
}

/** `services[0].operations[1]`: every list item by index. */
function altPath(el: Element): string {
  const parts: string[] = [];
  let cur: Element | undefined = el;
  while (cur && cur.parentField) {
    parts.unshift(cur.index !== undefined ? `${cur.parentField.key}[${cur.index}]` : cur.parentField.key);
    cur = cur.parent;
  }
  return parts.join('.');
}

function coverage(el: Element): Range {
  if (el.index === undefined && el.parentField) {
    return el.parentField.pairRange;
  }
  return el.range;
}

/** `waivable(ruleId)`: whether a waiver of the rule waives anything (`Rule.waivable`). */
export function collectWaivers(design: Design, waivable: (ruleId: string) => boolean): Waivers {
  const entries: Array<{ rule: string; range?: Range; reason: string; at: Range }> = [];
  for (const w of design.waivers) {
    const rule = str(w, 'rule');
    const reason = str(w, 'reason')?.trim();
    if (!rule || !reason) {
      continue;
    }
    const at = str(w, 'at');
    const range = at === undefined ? undefined : resolveWaiverPath(design, at);
    if (at !== undefined && !range) {
      continue;
    }
    entries.push({ rule: rule.toUpperCase(), range, reason, at: w.range });
  }
  const comments = ignoreComments(design.parsed).filter((c) => c.reason);
  // By rule and by line, so that matching a finding does not scan every waiver.
  const entriesByRule = new Map<string, typeof entries>();
  for (const e of entries) {
    const list = entriesByRule.get(e.rule) ?? [];
    list.push(e);
    entriesByRule.set(e.rule, list);
  }
  const commentsByLine = new Map<number, IgnoreComment[]>();
  for (const c of comments) {
    const list = commentsByLine.get(c.targetLine) ?? [];
    list.push(c);
    commentsByLine.set(c.targetLine, list);
  }
  return {
    match(f, parsed) {
      // Findings of a rule that is not waivable (a syntax error, a waiver without a
      // reason) stay whatever a waiver says.
      if (!waivable(f.ruleId)) {
        return undefined;
      }
      for (const e of entriesByRule.get(f.ruleId) ?? []) {
        if (!e.range || (f.range[0] >= e.range[0] && f.range[1] <= e.range[1])) {
          return { reason: e.reason, range: e.at };
        }
      }
      if (comments.length) {
        const line = lineOf(parsed.lineStarts, f.range[0]);
        for (const c of commentsByLine.get(line) ?? []) {
          if (c.rules.some((r) => r.id === f.ruleId)) {
            return { reason: c.reason, range: c.range };
          }
        }
      }
      return undefined;
    },
  };
}

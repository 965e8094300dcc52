// Completion: the keys valid at the cursor's place, enum values with the seed's words,
// references by name (operations as `service.operation`), rule ids in waivers and
// `review-ignore` comments. The place is read from the text's indentation, not from the
// parsed document, so that it works on the half-typed line an author is editing.
import type { Analysis } from './analyze';
import { enumValueMarkdown, keyMarkdown, operationSummary } from './hover';
import { str } from './model';
import { RULES } from './registry';
import { CHECKLIST_STATE_VALUES, describeType, KeySpec, keySpec, ObjectKind, RETRY_SYMBOLS, SCHEMA, ValueType } from './schema';
import { AREA_TITLES, AREAS, Range } from './types';
import { inWaiverRuleList } from './waiverComment';

export type CompletionKind =
  | 'key'
  | 'enum'
  | 'bool'
  | 'operation'
  | 'service'
  | 'channel'
  | 'data'
  | 'requirement'
  | 'workflow'
  | 'rule'
  | 'area'
  | 'state'
  | 'code';

export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  insertText: string;
  /** The text the completion replaces (the partial word at the cursor). */
  range: Range;
  /** The insert text spans lines; its later lines are relative to the cursor line's indentation. */
  multiline?: boolean;
  sortText?: string;
}

interface Shape {
  indent: number;
  /** Columns of `- ` list markers at the start of the line. */
  dashes: number[];
  /** Column where the content after indentation and dashes starts. */
  contentCol: number;
  key?: string;
  blank: boolean;
}

const KEY_RE = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},:-][^:#]*?|-[^\s:#][^:#]*?)[ \t]*:(?=[ \t]|$)/;

function shape(line: string): Shape {
  let p = 0;
  while (p < line.length && line[p] === ' ') {
    p++;
  }
  const indent = p;
  const dashes: number[] = [];
  while (line[p] === '-' && (p + 1 === line.length || line[p + 1] === ' ' || line[p + 1] === '\t')) {
    dashes.push(p);
    p++;
    while (line[p] === ' ' || line[p] === '\t') {
      p++;
    }
  }
  const content = line.slice(p);
  const blank = content.trim() === '' && dashes.length === 0;
  const comment = content.startsWith('#') && dashes.length === 0;
  const m = KEY_RE.exec(content);
  let key: string | undefined;
  if (m) {
    key = m[1];
    if ((key.startsWith('"') && key.endsWith('"')) || (key.startsWith("'") && key.endsWith("'"))) {
      key = key.slice(1, -1);
    }
  }
  return { indent, dashes, contentCol: p, key, blank: blank || comment };
}

interface ChainEntry {
  key: string;
  /** Entered through a list item (`- `) rather than a nested mapping. */
  viaItem: boolean;
}

// The lines around the cursor are read from the text where the walks below need them, by
// their start offsets: a request costs the lines it looks at, not a split of the whole
// document (14 ms at 50k lines). Lines end at `\n`, with a `\r` before it dropped, as they
// always have here (the analysis's line starts also end a line at a lone `\r`, and finding
// the cursor's line needs no table anyway). Lines the walks pass over are first judged by
// their indentation alone, counted in place, so a walk across a long list slices and
// matches only the lines at or left of the column it looks for.

/** Start of the line above the one starting at `start`; -1 above the first line. */
function lineAbove(text: string, start: number): number {
  if (start <= 0) {
    return -1;
  }
  return start === 1 ? 0 : text.lastIndexOf('\n', start - 2) + 1;
}

/** Start of the line below the one starting at `start`; -1 below the last line. */
function lineBelow(text: string, start: number): number {
  const nl = text.indexOf('\n', start);
  return nl < 0 ? -1 : nl + 1;
}

/** The line starting at `start`, without its line break. */
function lineAt(text: string, start: number): string {
  let end = text.indexOf('\n', start);
  if (end < 0) {
    return text.slice(start);
  }
  if (end > start && text.charCodeAt(end - 1) === 13) {
    end--;
  }
  return text.slice(start, end);
}

/** Whether the line starting at `start` is indented by more than `col` spaces (shape()'s indent > col). */
function indentedPast(text: string, start: number, col: number): boolean {
  for (let i = start; i <= start + col; i++) {
    if (text.charCodeAt(i) !== 32) {
      return false;
    }
  }
  return true;
}

/**
 * The keys that lead from the top of the document to the collection at `col`, found by
 * walking up the lines from the one starting at `from`: a mapping at `col` is owned by the
 * nearest key to its left, a list whose `- ` markers stand at `col` by the nearest key at
 * or left of them.
 */
function chainAbove(text: string, from: number, startMode: 'map' | 'seq', startCol: number): ChainEntry[] | undefined {
  let mode = startMode;
  let col = startCol;
  const chain: ChainEntry[] = [];
  for (let at = from; at >= 0; at = lineAbove(text, at)) {
    if (mode === 'map' && col === 0) {
      break; // the top-level mapping: every line above is at or right of column 0
    }
    // Deeper than the column looked for: such a line changes nothing below (a blank or
    // comment line, or one inside a nested collection).
    if (indentedPast(text, at, mode === 'map' ? col - 1 : col)) {
      continue;
    }
    const line = lineAt(text, at);
    const s = shape(line);
    if (s.blank || /^\s*(---|\.\.\.)\s*$/.test(line)) {
      continue;
    }
    if (mode === 'map') {
      if (s.key !== undefined && s.contentCol === col) {
        if (s.dashes.length) {
          mode = 'seq';
          col = s.dashes[s.dashes.length - 1];
        }
        continue;
      }
      if (s.indent >= col) {
        continue;
      }
      if (s.key !== undefined && s.contentCol < col) {
        chain.push({ key: s.key, viaItem: false });
        col = s.contentCol;
        if (s.dashes.length) {
          mode = 'seq';
          col = s.dashes[s.dashes.length - 1];
        }
        continue;
      }
      if (s.key === undefined && s.dashes.length && s.dashes[s.dashes.length - 1] < col && s.contentCol >= line.length) {
        // `-` alone on its line, the item's mapping below it.
        mode = 'seq';
        col = s.dashes[s.dashes.length - 1];
        continue;
      }
      return undefined;
    }
    // mode === 'seq': the list's markers stand at `col`.
    if (s.dashes.length && s.dashes[0] === col) {
      continue;
    }
    if (s.indent > col) {
      continue;
    }
    if (s.key !== undefined && s.contentCol <= col) {
      chain.push({ key: s.key, viaItem: true });
      col = s.contentCol;
      mode = 'map';
      if (s.dashes.length) {
        mode = 'seq';
        col = s.dashes[s.dashes.length - 1];
      }
      continue;
    }
    return undefined;
  }
  return mode === 'map' ? chain.reverse() : undefined;
}

type Place =
  | { type: 'object'; kind: ObjectKind }
  | { type: 'checklist' }
  | { type: 'items'; key: string; of: ValueType; owner: ObjectKind };

/** The schema's view of a chain of keys. */
function resolve(chain: ChainEntry[]): Place | undefined {
  let kind: ObjectKind = 'design';
  for (let i = 0; i < chain.length; i++) {
    const e = chain[i];
    const spec = keySpec(kind, e.key);
    if (!spec) {
      return undefined;
    }
    const t = spec.type;
    const last = i === chain.length - 1;
    if (t.t === 'list' && t.of.t === 'object' && e.viaItem) {
      kind = t.of.kind;
    } else if (t.t === 'object' && !e.viaItem) {
      kind = t.kind;
    } else if (last && t.t === 'list' && e.viaItem) {
      return { type: 'items', key: e.key, of: t.of, owner: kind };
    } else if (last && t.t === 'checklist' && !e.viaItem) {
      return { type: 'checklist' };
    } else {
      return undefined;
    }
  }
  return { type: 'object', kind };
}

/**
 * Keys already present in the mapping at `col` around the cursor line, which starts at
 * `at` and ends at `end` (before its line break).
 */
function siblingKeys(text: string, at: number, end: number, col: number, newItem: boolean): Set<string> {
  const out = new Set<string>();
  if (!newItem) {
    for (let i = lineAbove(text, at); i >= 0; i = lineAbove(text, i)) {
      if (indentedPast(text, i, col)) {
        continue;
      }
      const s = shape(lineAt(text, i));
      if (s.blank) {
        continue;
      }
      if (s.key !== undefined && s.contentCol === col) {
        out.add(s.key);
        if (s.dashes.length) {
          break; // the first line of our own list item
        }
        continue;
      }
      if (s.indent >= col) {
        continue;
      }
      break;
    }
  }
  // The line after the cursor line: `end` may stand before a `\r\n`.
  for (let i = lineBelow(text, end); i >= 0; i = lineBelow(text, i)) {
    if (indentedPast(text, i, col)) {
      continue;
    }
    const s = shape(lineAt(text, i));
    if (s.blank) {
      continue;
    }
    if (s.dashes.length && s.dashes[0] < col) {
      break; // the next item of the list, or an outer one
    }
    if (s.key !== undefined && s.contentCol === col && !s.dashes.length) {
      out.add(s.key);
      continue;
    }
    if (s.indent > col || (s.indent === col && !s.dashes.length && s.key === undefined)) {
      continue;
    }
    if (s.indent === col && s.dashes.length) {
      continue; // a block list at our own column: the value of the key above
    }
    break;
  }
  return out;
}

const WORD = /[A-Za-z0-9_.%-]/;

function wordRange(text: string, offset: number, lineStart: number, lineEnd: number, chars = WORD): Range {
  let s = offset;
  while (s > lineStart && chars.test(text[s - 1])) {
    s--;
  }
  let e = offset;
  while (e < lineEnd && chars.test(text[e])) {
    e++;
  }
  return [s, e];
}

/** Completions at an offset. */
export function completeAt(a: Analysis, offset: number): Completion[] {
  const text = a.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd < 0) {
    lineEnd = text.length;
  }
  if (text[lineEnd - 1] === '\r') {
    lineEnd--;
  }
  const before = text.slice(lineStart, offset);
  // The line above the cursor line, where the walks up start.
  const above = lineAbove(text, lineStart);

  // A `review-ignore` comment: rule ids.
  if (inWaiverRuleList(before)) {
    const range = wordRange(text, offset, lineStart, lineEnd, /[A-Za-z0-9]/);
    return ruleCompletions(range);
  }
  if (/(^|\s)#/.test(stripQuoted(before))) {
    return [];
  }
  const s = shape(before);
  const content = before.slice(s.contentCol);
  const keyMatch = KEY_RE.exec(content);
  if (!keyMatch) {
    // Key position: a partial key, or nothing yet.
    if (!/^[A-Za-z0-9_-]*$/.test(content)) {
      return [];
    }
    const range = wordRange(text, offset, lineStart, lineEnd, /[A-Za-z0-9_-]/);
    const colonAfter = /^[ \t]*:/.test(text.slice(range[1], lineEnd));
    let chain: ChainEntry[] | undefined;
    let col: number;
    let itemDash: number | undefined;
    if (s.dashes.length) {
      itemDash = s.dashes[s.dashes.length - 1];
      chain = chainAbove(text, above, 'seq', itemDash);
      col = s.contentCol;
    } else {
      col = s.contentCol;
      chain = chainAbove(text, above, 'map', col);
    }
    if (!chain) {
      return [];
    }
    if (s.dashes.length) {
      // The new item's own mapping: the list owner's item kind.
      const place = resolve(chain);
      if (place?.type === 'items') {
        return valueCompletions(a, place.key, place.of, wordRange(text, offset, lineStart, lineEnd), new Set());
      }
      if (!place || place.type !== 'object') {
        return [];
      }
      return keyCompletions(place.kind, siblingKeys(text, lineStart, lineEnd, col, true), range, colonAfter);
    }
    const place = resolve(chain);
    if (!place) {
      return [];
    }
    if (place.type === 'checklist') {
      const present = siblingKeys(text, lineStart, lineEnd, col, false);
      return AREAS.filter((x) => !present.has(x)).map((x, i) => ({
        label: x,
        kind: 'area' as const,
        detail: AREA_TITLES[x],
        insertText: colonAfter ? x : `${x}: `,
        range,
        sortText: String(i).padStart(2, '0'),
      }));
    }
    if (place.type === 'items') {
      return [];
    }
    return keyCompletions(place.kind, siblingKeys(text, lineStart, lineEnd, col, false), range, colonAfter);
  }

  // Value position: `key: partial`.
  const key = keyMatch[1].replace(/^["']|["']$/g, '');
  const chain = s.dashes.length ? chainAbove(text, above, 'seq', s.dashes[s.dashes.length - 1]) : chainAbove(text, above, 'map', s.contentCol);
  if (!chain) {
    return [];
  }
  const place = resolve(chain);
  const valueText = content.slice(keyMatch[0].length);
  const valueStart = offset - valueText.length;
  if (place?.type === 'checklist') {
    return stateCompletions(wordRange(text, offset, valueStart, lineEnd));
  }
  if (!place || place.type !== 'object') {
    return [];
  }
  const spec = keySpec(place.kind, key);
  if (!spec) {
    return [];
  }
  const trimmed = valueText.replace(/^[ \t]+/, '');
  const lead = valueText.length === 0 ? ' ' : '';
  if (trimmed.startsWith('[') && spec.type.t === 'list') {
    // A flow list: the item at the cursor, without the ones already there.
    const inner = trimmed.slice(1);
    const present = new Set(inner.split(',').map((x) => x.trim()).filter(Boolean));
    return valueCompletions(a, key, spec.type.of, wordRange(text, offset, valueStart, lineEnd), present);
  }
  if (trimmed.startsWith('{') && spec.type.t === 'object') {
    const inner = trimmed.slice(1);
    const seg = inner.slice(inner.lastIndexOf(',') + 1);
    const kv = /^\s*([A-Za-z0-9_-]+)\s*:\s*([^,]*)$/.exec(seg);
    const range = wordRange(text, offset, valueStart, lineEnd, /[A-Za-z0-9_.%-]/);
    if (kv) {
      const inner2 = keySpec(spec.type.kind, kv[1]);
      return inner2 ? valueCompletions(a, kv[1], inner2.type, range, new Set()) : [];
    }
    const present = new Set(
      inner
        .split(',')
        .map((x) => /^\s*([A-Za-z0-9_-]+)\s*:/.exec(x)?.[1])
        .filter((x): x is string => !!x),
    );
    return keyCompletions(spec.type.kind, present, range, false, true);
  }
  const quoted = /^["']/.test(trimmed);
  const range = wordRange(text, offset, valueStart + (quoted ? valueText.indexOf(trimmed[0]) + 1 : 0), lineEnd);
  return valueCompletions(a, key, spec.type, range, new Set()).map((c) => (lead ? { ...c, insertText: lead + c.insertText } : c));
}

function stripQuoted(line: string): string {
  return line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, (m) => ' '.repeat(m.length));
}

function keyInsertText(spec: KeySpec): { text: string; multiline: boolean } {
  const t = spec.type;
  if (t.t === 'object' || t.t === 'checklist') {
    return { text: `${spec.key}:\n  `, multiline: true };
  }
  if (t.t === 'list' && t.of.t === 'object') {
    return { text: `${spec.key}:\n  - `, multiline: true };
  }
  return { text: `${spec.key}: `, multiline: false };
}

function keyCompletions(kind: ObjectKind, present: Set<string>, range: Range, colonAfter: boolean, flow = false): Completion[] {
  const spec = SCHEMA[kind];
  return spec.keys
    .filter((k) => !present.has(k.key))
    .map((k, i) => {
      const ins = keyInsertText(k);
      const text = colonAfter ? k.key : flow ? `${k.key}: ` : ins.text;
      return {
        label: k.key,
        kind: 'key' as const,
        detail: (k.required ? 'required · ' : '') + describeType(k.type),
        documentation: keyMarkdown(k, spec.title),
        insertText: text,
        range,
        multiline: !colonAfter && !flow && ins.multiline ? true : undefined,
        sortText: (k.required ? '0' : '1') + String(i).padStart(2, '0'),
      };
    });
}

function stateCompletions(range: Range): Completion[] {
  return CHECKLIST_STATE_VALUES.map((v, i) => ({
    label: v.value,
    kind: 'state' as const,
    documentation: v.doc,
    insertText: v.value,
    range,
    sortText: String(i),
  }));
}

function ruleCompletions(range: Range): Completion[] {
  return RULES.map((r, i) => ({
    label: r.id,
    kind: 'rule' as const,
    detail: `${r.name} · ${r.severity}`,
    documentation: r.docs.summary,
    insertText: r.id,
    range,
    sortText: String(i).padStart(3, '0'),
  }));
}

const RETRYABLE_STATUSES: Array<[number, string]> = [
  [429, 'Rate limit exceeded (429, with backoff)'],
  [502, 'Upstream service failures (502, 504)'],
  [503, 'Temporary resource unavailability (503, timeouts)'],
  [504, 'Upstream service failures (502, 504)'],
  [408, 'request timeout: the outcome is unknown'],
];

function valueCompletions(a: Analysis, key: string, type: ValueType, range: Range, present: Set<string>): Completion[] {
  const ix = a.index;
  const sorted = (xs: Completion[]) => xs.filter((c) => !present.has(c.label)).map((c, i) => ({ ...c, sortText: c.sortText ?? String(i).padStart(4, '0') }));
  switch (type.t) {
    case 'enum':
      return sorted(
        type.values.map((v) => ({
          label: v.value,
          kind: 'enum' as const,
          detail: v.seed,
          documentation: enumValueMarkdown(key, v),
          insertText: v.value,
          range,
        })),
      );
    case 'bool':
      return sorted(['true', 'false'].map((v) => ({ label: v, kind: 'bool' as const, insertText: v, range })));
    case 'ref':
      switch (type.ref) {
        case 'operation':
          return sorted(
            [...ix.operations.entries()].map(([name, op]) => ({
              label: name,
              kind: 'operation' as const,
              detail: [str(op, 'type'), str(op, 'interaction'), str(op, 'timeout')].filter(Boolean).join(' · ') || undefined,
              documentation: operationSummary(a, op),
              insertText: name,
              range,
            })),
          );
        case 'channel':
          return sorted(
            [...ix.channels.entries()].map(([name, c]) => ({
              label: name,
              kind: 'channel' as const,
              detail: [str(c, 'kind'), str(c, 'delivery'), str(c, 'ordering')].filter(Boolean).join(' · ') || undefined,
              insertText: name,
              range,
            })),
          );
        case 'data':
          return sorted(
            [...ix.data.entries()].map(([name, d]) => ({
              label: name,
              kind: 'data' as const,
              detail: [str(d, 'category'), str(d, 'consistency')].filter(Boolean).join(' · ') || undefined,
              insertText: name,
              range,
            })),
          );
        case 'requirement':
          return sorted(
            [...ix.requirements.entries()].map(([name, r]) => ({
              label: name,
              kind: 'requirement' as const,
              detail: str(r, 'text'),
              insertText: name,
              range,
            })),
          );
        case 'service':
          return sorted([...ix.services.keys()].map((name) => ({ label: name, kind: 'service' as const, insertText: name, range })));
        case 'workflow':
          return sorted([...ix.workflows.keys()].map((name) => ({ label: name, kind: 'workflow' as const, insertText: name, range })));
        case 'rule':
          return sorted(ruleCompletions(range));
      }
      return [];
    case 'retryCode':
      return sorted([
        ...Object.entries(RETRY_SYMBOLS)
          .filter(([, doc]) => !/never retried/.test(doc))
          .map(([sym, doc]) => ({ label: sym, kind: 'code' as const, detail: doc, insertText: sym, range })),
        ...RETRYABLE_STATUSES.map(([n, doc]) => ({ label: String(n), kind: 'code' as const, detail: doc, insertText: String(n), range })),
      ]);
    case 'string':
      if (key === 'service' || key === 'owner') {
        return sorted([...ix.services.keys()].map((name) => ({ label: name, kind: 'service' as const, insertText: name, range })));
      }
      return [];
    default:
      return [];
  }
}

// The review checklist: each concern area's state from `review.checklist`, its live
// findings, and the minimal edit that changes a state in the file, keeping comments and
// layout.
//
// The reason of an accepted risk is kept as a YAML comment beside the entry, in the same
// form as a `review-ignore` comment: `# accepted-risk <area>: <reason>`. It stands at the
// end of the entry's line, or, when that line already ends in a comment of the author's
// (or the checklist is a flow mapping), alone on the line above. Leaving the
// accepted-risk state removes that comment (it would no longer be true); no other
// comment is ever touched.
import type { Analysis } from './analyze';
import { Element, Field, str } from './model';
import { checklistEntries, ChecklistEntry } from './navigation';
import { RULES_BY_ID } from './registry';
import { AREA_TITLES, AREAS, Area, Finding, Range, Severity, TextEdit } from './types';
import { Editor } from './yaml/edit';
import { lineOf, isMap } from './yaml/parse';

// The states' one home is schema.ts (the DSL); state names below are typed by it.
import { CHECKLIST_STATES, ChecklistState, DEFAULT_CHECKLIST_STATE } from './schema';
export { CHECKLIST_STATES, DEFAULT_CHECKLIST_STATE };
export type { ChecklistState };

export interface ChecklistArea {
  area: Area;
  title: string;
  state: ChecklistState;
  /** The reason of an accepted risk, from its comment. */
  reason?: string;
  counts: Record<Severity, number>;
  findings: Finding[];
}

export interface ChecklistSummary {
  /** The design's name (`design:`). */
  name?: string;
  /** `review.status`. */
  status?: string;
  areas: ChecklistArea[];
}

export function areaOf(f: Finding): Area {
  return RULES_BY_ID.get(f.ruleId)?.area ?? 'structure';
}

function checklistField(a: Analysis): { review?: Element; field?: Field } {
  const review = a.design.review;
  return { review, field: review?.fields.get('checklist') };
}

const REASON = /^accepted-risk\s+([a-z-]+)\s*:\s*(.*)$/;

interface ReasonComment {
  area: string;
  reason: string;
  /** The comment's own range. */
  range: Range;
  ownLine: boolean;
  line: number;
}

function reasonComments(a: Analysis): ReasonComment[] {
  const out: ReasonComment[] = [];
  for (const c of a.parsed.comments) {
    const m = REASON.exec(c.text);
    if (m) {
      out.push({ area: m[1], reason: m[2].trim(), range: [c.start, c.end], ownLine: c.ownLine, line: c.line });
    }
  }
  return out;
}

/** The accepted-risk comments of an area: at the end of the entry's line, or alone on the lines just above it. */
function commentsOfEntry(a: Analysis, area: string, entryLine: number): ReasonComment[] {
  const all = reasonComments(a).filter((c) => c.area === area);
  const out = all.filter((c) => c.line === entryLine && !c.ownLine);
  for (let l = entryLine - 1; l >= 0; l--) {
    const c = all.find((x) => x.line === l && x.ownLine);
    if (!c) {
      break;
    }
    out.push(c);
  }
  return out;
}

/** Each area's state, reason and live findings, in checklist order. */
export function checklistOf(a: Analysis): ChecklistSummary {
  const { review, field } = checklistField(a);
  const entries = field?.valid ? checklistEntries(field) : [];
  const byArea = new Map<Area, Finding[]>();
  for (const f of a.findings) {
    const area = areaOf(f);
    byArea.set(area, [...(byArea.get(area) ?? []), f]);
  }
  const areas = AREAS.map((area): ChecklistArea => {
    const e = entries.find((x) => x.area === area);
    const state: ChecklistState = e && (CHECKLIST_STATES as readonly unknown[]).includes(e.state) ? (e.state as ChecklistState) : DEFAULT_CHECKLIST_STATE;
    const findings = byArea.get(area) ?? [];
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of findings) {
      counts[f.severity]++;
    }
    const reason = e && state === 'accepted-risk' ? commentsOfEntry(a, area, lineOf(a.parsed.lineStarts, e.keyRange[0]))[0]?.reason : undefined;
    return { area, title: AREA_TITLES[area], state, ...(reason ? { reason } : {}), counts, findings };
  });
  return { name: str(a.design.root, 'design'), status: str(review, 'status'), areas };
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndOf(text: string, offset: number): number {
  const n = text.indexOf('\n', offset);
  const end = n < 0 ? text.length : n;
  return text[end - 1] === '\r' ? end - 1 : end;
}

/** The edit that removes a comment: the whole line when it stands alone, else the comment and the blanks before it. */
function removeComment(text: string, c: ReasonComment): TextEdit {
  if (c.ownLine) {
    const start = lineStartOf(text, c.range[0]);
    const nl = text.indexOf('\n', c.range[1]);
    return { range: [start, nl < 0 ? text.length : nl + 1], newText: '' };
  }
  let start = c.range[0];
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) {
    start--;
  }
  return { range: [start, c.range[1]], newText: '' };
}

function reasonText(area: string, reason: string): string {
  return `# accepted-risk ${area}: ${reason.replace(/\s+/g, ' ').trim()}`;
}

/**
 * The edits that set an area's state in `review.checklist`, creating `review:` and
 * `checklist:` when they are absent. With `accepted-risk` and a reason, the reason is kept
 * as a comment beside the entry (see the top of this file).
 */
export function checklistEdits(a: Analysis, area: string, state: string, reason?: string): TextEdit[] | { error: string } {
  if (!(AREAS as readonly string[]).includes(area)) {
    return { error: `\`${area}\` is not a concern area (${AREAS.join(', ')})` };
  }
  if (!(CHECKLIST_STATES as readonly string[]).includes(state)) {
    return { error: `\`${state}\` is not a checklist state (${CHECKLIST_STATES.join(', ')})` };
  }
  if (!a.design.root) {
    return { error: 'the design could not be read, so its checklist cannot be changed' };
  }
  const text = a.text;
  const editor = new Editor(text);
  const eol = editor.eol;
  const why = state === 'accepted-risk' && reason?.trim() ? reasonText(area, reason) : undefined;
  const { review, field } = checklistField(a);
  const tainted = (r: Range) => a.parsed.problems.some((p) => p.range[0] <= r[1] && r[0] <= p.range[1]);
  if (review && tainted(review.range)) {
    return { error: 'the `review` section has YAML errors: fix them first' };
  }
  // An insertion that creates the entry: the reason goes at the end of its last line.
  const withReason = (e: TextEdit): TextEdit[] => (why ? [{ range: e.range, newText: e.newText.replace(/(\r?\n)?$/, (nl) => `  ${why}${nl}`) }] : [e]);
  if (!review) {
    if (state === 'open' && !why) {
      return [];
    }
    return withReason(editor.insertKey(a.design.root, 'review', { checklist: { [area]: state } }));
  }
  if (!field) {
    if (state === 'open' && !why) {
      return [];
    }
    const e = editor.insertKey(review, 'checklist', { [area]: state });
    if (why && isMap(review.node) && (review.node as { flow?: boolean }).flow) {
      return [e, aboveLine(text, review.range[0], why, eol)];
    }
    return withReason(e);
  }
  if (!field.valid) {
    return { error: '`review.checklist` is not a mapping: fix it first' };
  }
  const flow = isMap(field.node) && !!(field.node as { flow?: boolean }).flow;
  const entries = checklistEntries(field);
  const entry = entries.find((e) => e.area === area);
  if (!entry) {
    if (state === 'open' && !why) {
      return [];
    }
    if (flow || !entries.length || field.range[0] === field.range[1]) {
      const pseudo = { ...review, kind: 'review', node: field.node, parentField: field, fields: new Map() } as unknown as Element;
      const e = editor.insertKey(pseudo, area, state);
      if (why && flow) {
        return [e, aboveLine(text, field.range[0], why, eol)];
      }
      return withReason(e);
    }
    return [insertEntry(text, entries, area, state, why, eol)];
  }
  const entryLine = lineOf(a.parsed.lineStarts, entry.keyRange[0]);
  const existing = commentsOfEntry(a, area, entryLine);
  const edits: TextEdit[] = [];
  const valueEdit: TextEdit = entry.valueRange && entry.valueRange[1] > entry.valueRange[0]
    ? { range: entry.valueRange, newText: state }
    : { range: [entry.keyRange[1] + 1, entry.keyRange[1] + 1], newText: ' ' + state };
  if (!flow && !(entry.valueRange && entry.valueRange[1] > entry.valueRange[0]) && text[entry.keyRange[1]] !== ':') {
    return { error: `the \`${area}\` entry cannot be edited in place` };
  }
  if (state !== 'accepted-risk') {
    edits.push(...existing.map((c) => removeComment(text, c)));
    edits.push(valueEdit);
  } else if (!why) {
    edits.push(valueEdit);
  } else if (existing.length) {
    // Replace the first reason comment; drop any others.
    edits.push({ range: existing[0].range, newText: why });
    edits.push(...existing.slice(1).map((c) => removeComment(text, c)));
    edits.push(valueEdit);
  } else {
    const lineHasComment = a.parsed.comments.some((c) => c.line === entryLine && !c.ownLine);
    const lineHasMore = text.slice(valueEdit.range[1], lineEndOf(text, valueEdit.range[1])).trim() !== '';
    if (flow || lineHasComment || lineHasMore) {
      edits.push(aboveLine(text, entry.keyRange[0], why, eol));
      edits.push(valueEdit);
    } else {
      edits.push({ range: valueEdit.range, newText: valueEdit.newText + '  ' + why });
    }
  }
  return edits.sort((x, y) => x.range[0] - y.range[0]);
}

/** A comment alone on a new line above the line holding `offset`, with that line's indentation. */
function aboveLine(text: string, offset: number, comment: string, eol: string): TextEdit {
  const start = lineStartOf(text, offset);
  const indent = /^[ \t]*/.exec(text.slice(start))![0];
  const firstContent = start + indent.length;
  // A list item's marker counts as indentation for the comment's column.
  const dash = /^-[ \t]+/.exec(text.slice(firstContent))?.[0] ?? '';
  return { range: [start, start], newText: indent + ' '.repeat(dash.length) + comment + eol };
}

/** A new `area: state` line in a block checklist, in checklist order among the known areas. */
function insertEntry(text: string, entries: ChecklistEntry[], area: string, state: string, why: string | undefined, eol: string): TextEdit {
  const order = (x: string) => {
    const i = (AREAS as readonly string[]).indexOf(x);
    return i < 0 ? AREAS.length : i;
  };
  const next = entries.find((e) => order(e.area) > order(area) && order(e.area) < AREAS.length);
  const indentOf = (off: number) => ' '.repeat(off - lineStartOf(text, off));
  const line = (indent: string) => `${indent}${area}: ${state}${why ? '  ' + why : ''}`;
  if (next) {
    const start = lineStartOf(text, next.keyRange[0]);
    // Comments directly above the next entry belong to it: insert above them.
    let at = start;
    for (;;) {
      const prevStart = lineStartOf(text, at - 1);
      if (at === 0 || !/^[ \t]*#/.test(text.slice(prevStart, at))) {
        break;
      }
      at = prevStart;
    }
    return { range: [at, at], newText: line(indentOf(next.keyRange[0])) + eol };
  }
  const last = entries[entries.length - 1];
  const end = lineEndOf(text, last.valueRange ? last.valueRange[1] : last.keyRange[1]);
  return { range: [end, end], newText: eol + line(indentOf(last.keyRange[0])) };
}

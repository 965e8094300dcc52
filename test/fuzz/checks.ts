// What must hold for every input, as plain assertions: the property tests, the corpus
// replay and `npm run fuzz` all call these. Each throws an AssertionError that says what
// broke; fast-check adds the seed and the shrunk input.
import { strict as assert } from 'node:assert';
import { analyze, Analysis, fixAll, fixesFor, IncrementalAnalyzer } from '../../server/src/engine/analyze';
import { checklistOf } from '../../server/src/engine/checklist';
import { completeAt } from '../../server/src/engine/completion';
import { hoverAt } from '../../server/src/engine/hover';
import { locate, occurrences, outline, prepareRename, renameEdits } from '../../server/src/engine/navigation';
import { LineMap } from '../../server/src/engine/positions';
import { RULES_BY_ID } from '../../server/src/engine/registry';
import type { Settings } from '../../server/src/engine/rule';
import { applyEdits, Finding, Range } from '../../server/src/engine/types';
import { Element } from '../../server/src/engine/model';

/**
 * The time an analysis may take: a constant for start-up and garbage collection plus a
 * per-character cost, i.e. linear in the input. Measured on the 2-core CI machine, a
 * design analyses at ~4 µs per character; the bound allows 10× that, times
 * DDR_FUZZ_TIME_FACTOR (for slow or busy machines). Work that grows faster than the text
 * (quadratic scans) crosses it on the large inputs of the `scaled` property.
 */
export function timeBoundMs(length: number): number {
  const factor = Number(process.env.DDR_FUZZ_TIME_FACTOR ?? '1') || 1;
  return (750 + length * 0.04) * factor;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

function inside(r: Range, text: string): boolean {
  return Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]) && 0 <= r[0] && r[0] <= r[1] && r[1] <= text.length;
}

const SEVERITIES = new Set(['error', 'warning', 'info']);

/** Every finding (reported or waived) well formed: a known rule, a message, ranges inside the text. */
export function checkFindings(a: Analysis, text: string, extraRuleIds: string[] = []): void {
  for (const f of [...a.findings, ...a.waived]) {
    const what = `${f.ruleId} ${JSON.stringify(f.range)} ${f.message}`;
    assert.ok(RULES_BY_ID.has(f.ruleId) || extraRuleIds.includes(f.ruleId), `unknown rule id: ${what}`);
    assert.ok(inside(f.range, text), `range outside the document (length ${text.length}): ${what}`);
    assert.ok(SEVERITIES.has(f.severity), `severity: ${what}`);
    assert.equal(typeof f.message, 'string');
    // A message that printed a missing value; words the user wrote (quoted) do not count.
    const own = f.message.replace(/`[^`]*`|"[^"]*"|'[^']*'/g, '');
    assert.ok(f.message.length > 0 && !/\bundefined\b|\[object Object\]|\bNaN\b/.test(own), `message: ${what}`);
    for (const r of f.related ?? []) {
      assert.ok(inside(r.range, text), `related range outside the document: ${what} → ${JSON.stringify(r)}`);
      const ownRelated = r.message.replace(/`[^`]*`|"[^"]*"|'[^']*'/g, '');
      assert.ok(r.message.length > 0 && !/\bundefined\b|\[object Object\]|\bNaN\b/.test(ownRelated), `related message: ${what} → ${r.message}`);
    }
  }
  const seen = new Set<string>();
  for (const f of a.findings) {
    const key = `${f.ruleId}@${f.range[0]}:${f.range[1]}`;
    assert.ok(!seen.has(key), `one finding per rule per range (rules.md), twice: ${key} ${f.message}`);
    seen.add(key);
  }
  // The surfaces convert ranges once: each must map to a position pair in order.
  const map = new LineMap(text);
  for (const f of a.findings) {
    const s = map.position(f.range[0]);
    const e = map.position(f.range[1]);
    assert.ok(s.line < e.line || (s.line === e.line && s.character <= e.character), `positions out of order: ${f.ruleId} ${JSON.stringify(f.range)}`);
  }
}

/**
 * The analysis of any text: returns within the time bound, throws nothing, every rule
 * ran (none threw), every finding is well formed, and the editor features built on the
 * analysis (hover, completion, outline, navigation, rename, checklist) do not throw at
 * a few offsets either.
 */
export function checkAnalysis(text: string, settings?: Partial<Settings> | null, offsets: number[] = []): Analysis {
  const { value: a, ms } = timed(() => analyze(text, settings));
  const bound = timeBoundMs(text.length);
  assert.ok(ms <= bound, `the analysis of ${text.length} characters took ${ms.toFixed(0)} ms, over the bound of ${bound.toFixed(0)} ms`);
  assert.deepEqual(
    a.ruleErrors.map((e) => `${e.ruleId}: ${e.message}\n${e.stack ?? ''}`),
    [],
    'no rule throws',
  );
  checkFindings(a, text);
  checkEditorFeatures(a, offsets);
  return a;
}

/** Hover, completion, navigation, rename, outline and the checklist at some offsets: no throw, ranges inside. */
export function checkEditorFeatures(a: Analysis, offsets: number[]): void {
  const text = a.text;
  checklistOf(a);
  outline(a);
  occurrences(a);
  for (const raw of offsets) {
    const o = Math.max(0, Math.min(text.length, raw));
    const h = hoverAt(a, o);
    if (h) {
      assert.ok(inside(h.range, text), `hover range at ${o}: ${JSON.stringify(h.range)}`);
    }
    for (const c of completeAt(a, o)) {
      const r = (c as { range?: Range }).range;
      if (r) {
        assert.ok(inside(r, text), `completion range at ${o}: ${JSON.stringify(r)}`);
      }
    }
    locate(a, o);
    const p = prepareRename(a, o);
    if (!('error' in p)) {
      assert.ok(inside(p.range, text), `rename range at ${o}`);
      const edits = renameEdits(a, o, 'renamed-x');
      if (!('error' in edits)) {
        for (const e of edits) {
          assert.ok(inside(e.range, text), `rename edit at ${o}: ${JSON.stringify(e.range)}`);
        }
        applyEdits(text, edits);
      }
    }
  }
}

/** What a user sees of a finding: the projection the incremental analysis must match. */
export function project(f: Finding) {
  return { ruleId: f.ruleId, range: [...f.range], message: f.message, severity: f.severity, path: f.path, related: (f.related ?? []).map((r) => ({ range: [...r.range], message: r.message })) };
}

/** The incremental analysis equals a fresh `analyze` of the same text. */
export function checkIncrementalStep(inc: IncrementalAnalyzer, text: string, step: string): void {
  const fresh = analyze(text);
  const again = inc.analyze(text);
  assert.deepEqual(again.findings.map(project), fresh.findings.map(project), `incremental findings differ from analyze() after ${step}`);
  assert.deepEqual(again.waived.map(project), fresh.waived.map(project), `incremental waived findings differ from analyze() after ${step}`);
  assert.deepEqual(again.ruleErrors, [], 'no rule throws');
}

// --- fixes -----------------------------------------------------------------------------

function commentLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .filter((l) => /^\s*#/.test(l))
    .map((l) => l.trim())
    .sort();
}

function includesMultiset(big: string[], small: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const x of big) {
    counts.set(x, (counts.get(x) ?? 0) + 1);
  }
  for (const x of small) {
    const n = counts.get(x) ?? 0;
    if (!n) {
      return x;
    }
    counts.set(x, n - 1);
  }
  return undefined;
}

/** The element a finding is about, by path. */
function elementAt(a: Analysis, path: string): Element | undefined {
  return a.design.all.find((e) => e.path === path);
}

/** An element's range widened to whole lines (its first line's start to its last line's end, break included). */
function lineSpan(text: string, r: Range): Range {
  const start = text.lastIndexOf('\n', r[0] - 1) + 1;
  let end = r[1];
  while (end < text.length && text[end] !== '\n') {
    end++;
  }
  return [start, Math.min(text.length, end + 1)];
}

/**
 * Where a fix for a finding may write: the lines of the list item (call, operation,
 * channel, …) whose element the finding is about — a nested mapping such as `retry:` or
 * `idempotency:` belongs to its item, so RTY004 may add `circuit_breaker` beside `retry` —,
 * of the item holding the finding's range, and of the items its related places point at
 * (a relation's fix may change the other side, as RTY003 adds `idempotency` to the target
 * operation). The whole document only when the finding is about the design itself.
 */
function allowedSpans(a: Analysis, f: Finding): Range[] {
  const text = a.text;
  const spans: Range[] = [];
  const add = (start: Element | undefined) => {
    if (start && start.kind !== 'design') {
      // The element's own node: a policy shared through an alias is written at its anchor.
      spans.push(lineSpan(text, start.range));
    }
    let el = start;
    while (el && el.index === undefined && el.parent && el.parent.kind !== 'design') {
      el = el.parent;
    }
    if (el) {
      spans.push(lineSpan(text, el.range));
      if (el.parentField) {
        spans.push(lineSpan(text, el.parentField.pairRange));
      }
    }
  };
  const innermost = (r: Range) => {
    let best: Element | undefined;
    for (const el of a.design.all) {
      if (el.kind !== 'design' && el.range[0] <= r[0] && r[1] <= el.range[1] && (!best || el.range[1] - el.range[0] < best.range[1] - best.range[0])) {
        best = el;
      }
    }
    return best;
  };
  const own = elementAt(a, f.path);
  if (own?.kind === 'design' || f.path === '') {
    spans.push([0, text.length]);
  }
  add(own);
  add(innermost(f.range));
  for (const r of f.related ?? []) {
    add(innermost(r.range));
  }
  return spans;
}

export interface FixReport {
  offered: number;
  applied: string[];
}

/**
 * Every fix offered for every finding of a text: applied, it leaves valid YAML (no parse
 * problem the text did not have), keeps every comment line, writes only inside the
 * element it is about, removes its finding, adds no structure (DSN) finding, and is not
 * offered again (so applying it twice is applying it once). Then `fixAll` is idempotent
 * and keeps every comment line.
 */
export function checkFixes(text: string, settings?: Partial<Settings> | null, maxFindings = 40): FixReport {
  const a = analyze(text, settings);
  const report: FixReport = { offered: 0, applied: [] };
  const beforeComments = commentLines(text);
  const beforeTrailing = a.parsed.comments.map((c) => c.text).sort();
  const beforeDsn = new Set(a.findings.filter((f) => f.ruleId.startsWith('DSN')).map((f) => `${f.ruleId}:${f.message}`));
  for (const f of a.findings.filter((x) => x.fixable).slice(0, maxFindings)) {
    const fixes = fixesFor(a, f);
    for (const fix of fixes) {
      report.offered++;
      const what = `${f.ruleId} "${f.message}" → fix "${fix.title}"`;
      for (const e of fix.edits) {
        assert.ok(inside(e.range, text), `${what}: edit range outside the document`);
      }
      const after = applyEdits(text, fix.edits);
      const b = analyze(after, settings);
      if (a.parsed.problems.length === 0) {
        assert.deepEqual(b.parsed.problems.map((p) => p.message), [], `${what}: the fixed text is not valid YAML`);
      } else {
        assert.ok(b.parsed.problems.length <= a.parsed.problems.length, `${what}: more YAML problems after the fix`);
      }
      const lost = includesMultiset(commentLines(after), beforeComments);
      assert.equal(lost, undefined, `${what}: lost the comment line ${JSON.stringify(lost)}`);
      assert.deepEqual(b.parsed.comments.map((c) => c.text).sort(), beforeTrailing, `${what}: a comment changed`);
      const spans = allowedSpans(a, f);
      for (const e of fix.edits) {
        const ok = spans.some((s) => s[0] <= e.range[0] && e.range[1] <= s[1]);
        assert.ok(ok, `${what}: edits ${JSON.stringify(e)} outside the element it is about (${f.path}; allowed ${JSON.stringify(spans)})`);
      }
      const still = b.findings.filter((x) => x.ruleId === f.ruleId && x.path === f.path && x.message === f.message);
      assert.deepEqual(still.map(project), [], `${what}: the finding is still there`);
      const newDsn = b.findings.filter((x) => x.ruleId.startsWith('DSN') && !beforeDsn.has(`${x.ruleId}:${x.message}`));
      assert.deepEqual(newDsn.map(project), [], `${what}: a new structure finding`);
      const againOffered = b.findings.filter((x) => x.ruleId === f.ruleId && x.path === f.path).flatMap((x) => fixesFor(b, x).filter((y) => y.title === fix.title && x.message === f.message));
      assert.deepEqual(againOffered.map((x) => x.title), [], `${what}: offered again after it was applied`);
      report.applied.push(`${f.ruleId}: ${fix.title}`);
    }
  }
  checkFixAll(text, settings);
  return report;
}

/** `fixAll` keeps comment lines, adds no YAML problem, and a second run changes nothing. */
export function checkFixAll(text: string, settings?: Partial<Settings> | null): string {
  const once = fixAll(text, settings);
  const lost = includesMultiset(commentLines(once.text), commentLines(text));
  assert.equal(lost, undefined, `fixAll lost the comment line ${JSON.stringify(lost)}`);
  const a = analyze(text, settings);
  assert.ok(once.analysis.parsed.problems.length <= a.parsed.problems.length, 'fixAll added YAML problems');
  const twice = fixAll(once.text, settings);
  assert.equal(twice.text, once.text, `fixAll is not idempotent: the second run applied ${JSON.stringify(twice.applied)}`);
  return once.text;
}

// --- limits ----------------------------------------------------------------------------

/**
 * With small limits, each limit that is hit says so in a finding that names its setting;
 * none is exceeded silently.
 */
export function checkLimits(text: string, limits: Settings['limits']): void {
  const a = checkAnalysis(text, { limits });
  const dsn001 = a.findings.filter((f) => f.ruleId === 'DSN001').map((f) => f.message);
  if (text.length > limits.maxFileSize) {
    assert.equal(a.findings.length, 1, 'a file over maxFileSize gets one finding');
    assert.match(a.findings[0].message, /^not analysed: .*limits\.maxFileSize/);
    return;
  }
  assert.ok(a.findings.length <= limits.maxFindings + 1, `${a.findings.length} findings, over maxFindings ${limits.maxFindings} + its summary`);
  const summary = a.findings.find((f) => /limits\.maxFindings/.test(f.message));
  if (a.findings.length === limits.maxFindings + 1) {
    assert.ok(summary, 'the findings past maxFindings are summarised in one finding that names the setting');
  }
  const unlimited = analyze(text, { limits: { ...limits, maxFindings: 1_000_000 } });
  if (unlimited.findings.length > limits.maxFindings) {
    assert.ok(summary, `${unlimited.findings.length} findings over maxFindings ${limits.maxFindings}: the summary finding is missing`);
  }
  for (const m of dsn001) {
    if (/not analysed|alias bomb|nesting deeper/.test(m)) {
      assert.match(m, /\(setting limits\.(maxFileSize|maxAliasExpansion|maxNestingDepth)\b/, `a limit's finding names its setting: ${m}`);
    }
  }
  const deep = dsn001.some((m) => /limits\.maxNestingDepth/.test(m));
  const bomb = dsn001.some((m) => /limits\.maxAliasExpansion/.test(m));
  if (deep || bomb) {
    // The design was not analysed: only structure findings about the text itself remain.
    assert.ok(a.findings.every((f) => f.ruleId.startsWith('DSN')), `a design over a limit is not analysed, yet: ${a.findings.map((f) => f.ruleId).join(', ')}`);
  }
}

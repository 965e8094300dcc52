// Rule fixtures that write themselves, as `cargo bless` and insta do: `npm run bless` (or
// `DDR_BLESS=1 node scripts/test.js rules`) rewrites each case's caret annotations (see
// annotations.ts) and its `.fixed.yaml` from what the engine reports now, for review in the
// diff. Only annotation lines change: every other line, its line end, a BOM and the file's
// final line end are kept byte for byte. An annotation that still matches a finding is kept
// as it is written; one whose range or severity moved is rewritten, with a message if it
// had one; a new finding is written with its message, so the reviewer reads it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import { RULES_BY_NAME } from '../../server/src/engine/registry';
import { type Actual, type Expectation, actuals, checkScope, describe, isAnnotation, parseAnnotations } from './annotations';
import { applyRuleFixes } from './fixes';

/** A case the writer cannot bless; the file is left as it is and the reason printed. */
export class BlessError extends Error {}

interface Segment {
  text: string;
  /** The line end after `text`: `\n`, `\r\n`, or '' on the last line. */
  eol: string;
}

/** Lines as parseAnnotations counts them (split at `\r?\n`), each with its own line end. */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  const re = /\r?\n/g;
  let pos = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: text.slice(pos, m.index), eol: m[0] });
    pos = m.index + m[0].length;
  }
  out.push({ text: text.slice(pos), eol: '' });
  return out;
}

/**
 * The annotation line for one finding. The `#` that starts the line takes column 1, so a
 * range starting at column 1 is written `#^^…` (the `#` counts as its first caret) and must
 * be at least two columns wide or empty; a range starting at column 2 cannot be written.
 */
export function annotationLine(a: Actual, withMessage: boolean): string {
  if (a.endCol === -1) {
    throw new BlessError(`${describe(a)}: the finding spans lines, which an annotation cannot mark`);
  }
  const width = a.endCol - a.startCol;
  let carets: string;
  if (a.startCol === 0) {
    if (width === 1) {
      throw new BlessError(`${describe(a)}: one column wide at column 1, which an annotation cannot mark (its '#' takes that column)`);
    }
    carets = width === 0 ? '#^' : '#' + '^'.repeat(width - 1);
  } else if (a.startCol === 1) {
    throw new BlessError(`${describe(a)}: starts at column 2, which an annotation cannot mark ('#^' means column 1)`);
  } else {
    carets = '#' + ' '.repeat(a.startCol - 1) + '^'.repeat(Math.max(width, 1));
  }
  if (withMessage && /[\r\n]/.test(a.message)) {
    throw new BlessError(`${a.ruleId} at line ${a.line + 1}: its message has a line break, which an annotation cannot hold`);
  }
  return `${carets} ${a.ruleId} ${a.severity}${width === 0 ? ' (empty)' : ''}${withMessage ? ': ' + a.message : ''}`;
}

interface Entry {
  text: string;
  actual: Actual;
  withMessage: boolean;
}

const sameRange = (e: Expectation, a: Actual) => e.ruleId === a.ruleId && e.severity === a.severity && e.startCol === a.startCol && e.endCol === a.endCol;
const order = (a: Actual, b: Actual) => a.startCol - b.startCol || a.endCol - b.endCol || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);

/** The annotation lines under one line: the existing ones that still match, in their order, and the new ones by column. */
function annotationsOf(existing: Expectation[], found: Actual[], lines: Segment[]): Entry[] {
  const match = new Map<Expectation, { a: Actual; exact: boolean }>();
  const free = [...found].sort(order);
  const take = (pred: (a: Actual) => boolean) => {
    const i = free.findIndex(pred);
    return i < 0 ? undefined : free.splice(i, 1)[0];
  };
  // The same finding: same rule, severity and range (the same message first, if written).
  for (const e of existing) {
    const a = take((x) => sameRange(e, x) && e.message === x.message) ?? take((x) => sameRange(e, x));
    if (a) {
      match.set(e, { a, exact: true });
    }
  }
  // The same rule on the same line: a finding whose range or severity moved.
  for (const e of existing) {
    const a = match.has(e) ? undefined : take((x) => x.ruleId === e.ruleId);
    if (a) {
      match.set(e, { a, exact: false });
    }
  }
  const entries: Entry[] = [];
  for (const e of existing) {
    const m = match.get(e);
    if (!m) {
      continue; // the finding went away
    }
    const withMessage = e.message !== undefined;
    const keep = m.exact && (!withMessage || e.message === m.a.message);
    entries.push({ text: keep ? lines[e.at].text : annotationLine(m.a, withMessage), actual: m.a, withMessage });
  }
  for (const a of free) {
    const at = entries.findIndex((x) => order(x.actual, a) > 0);
    entries.splice(at < 0 ? entries.length : at, 0, { text: annotationLine(a, true), actual: a, withMessage: true });
  }
  // rules.test.ts compares the message of every finding of a rule at a column once one
  // annotation there has a message: write it on each of them.
  for (const x of entries) {
    if (!x.withMessage && entries.some((y) => y.withMessage && y.actual.ruleId === x.actual.ruleId && y.actual.startCol === x.actual.startCol)) {
      x.text = annotationLine(x.actual, true);
      x.withMessage = true;
    }
  }
  return entries;
}

/**
 * `text` with its annotation lines rewritten to mark exactly `found` (findings as
 * annotations compare them, see actuals()). Throws BlessError when a finding cannot be
 * written as an annotation.
 */
export function writeAnnotations(text: string, found: Actual[]): string {
  if (/\r(?!\n)/.test(text)) {
    throw new BlessError('a carriage return without a line feed ends a line for the analysis but not for the annotations');
  }
  const lines = segments(text);
  const annotation = lines.map((l) => isAnnotation(l.text));
  const existing = parseAnnotations(text);
  for (const f of found) {
    if (f.line < 0 || f.line >= lines.length || annotation[f.line]) {
      throw new BlessError(`${describe(f)}: the finding is on an annotation line`);
    }
  }
  const firstEol = lines.find((l) => l.eol)?.eol ?? '\n';
  let out = '';
  const written: string[] = [];
  let outLine = 0; // the line of lines[i] in `out`
  for (let i = 0; i < lines.length; i++) {
    if (annotation[i]) {
      continue; // annotations above the first line refer to nothing: dropped
    }
    let end = i + 1;
    while (end < lines.length && annotation[end]) {
      end++;
    }
    const entries = annotationsOf(
      existing.filter((e) => e.line === i),
      found.filter((f) => f.line === i),
      lines,
    );
    written.push(...entries.map((e) => describe({ ...e.actual, line: outLine, message: e.withMessage ? e.actual.message : undefined })));
    outLine += 1 + entries.length;
    const old = lines.slice(i + 1, end).map((l) => l.text);
    if (old.length === entries.length && old.every((t, k) => t === entries[k].text)) {
      out += lines
        .slice(i, end)
        .map((l) => l.text + l.eol)
        .join('');
    } else {
      // The line keeps its own line end; the new lines take it too (the file's first one
      // after the last line), and the group ends as it did (so a final line end, or its
      // absence, stays).
      const eol = lines[i].eol || firstEol;
      const texts = [lines[i].text, ...entries.map((e) => e.text)];
      out += texts.map((t, k) => t + (k === texts.length - 1 ? lines[end - 1].eol : eol)).join('');
    }
    i = end - 1;
  }
  // The annotations must read back as written.
  const read = parseAnnotations(out).map((e) => describe(e));
  if (JSON.stringify(read.sort()) !== JSON.stringify(written.sort())) {
    throw new BlessError(`the annotations written read back differently:\n  written: ${written.join('\n           ')}\n  read:    ${read.join('\n           ')}`);
  }
  return out;
}

/** A case with its annotations rewritten from its findings (scoped by its `# check:` line). */
export function blessCase(text: string): string {
  let current = text;
  // Annotations are comments, so writing them changes no finding; the second analysis
  // checks that (a rule that reads comments could disagree).
  for (let round = 0; round < 3; round++) {
    const a = analyze(current);
    if (a.ruleErrors.length) {
      throw new BlessError(`a rule threw: ${a.ruleErrors.map((e) => `${e.ruleId}: ${e.message}`).join('; ')}`);
    }
    const ids = checkScope(current);
    const next = writeAnnotations(current, actuals(current, a.findings.filter((f) => !ids || ids.has(f.ruleId))));
    if (next === current) {
      return current;
    }
    current = next;
  }
  throw new BlessError('the annotations do not settle: writing them changes the findings');
}

export interface BlessReport {
  written: string[];
  created: string[];
  left: { file: string; why: string }[];
  unchanged: number;
}

const isCase = (f: string) => /\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f);

/**
 * Blesses every case under `root` (test/rules/<rule-name>/<case>.yaml) and its
 * `<case>.fixed.yaml`: the case's text after applying its rule's fixes. A `.fixed.yaml` is
 * written where one exists, and created where the rule fixes something in the case; none is
 * deleted: one whose case the rule no longer fixes is left, and reported.
 */
export function blessFixtures(root: string, include: (ruleId: string | undefined, dir: string) => boolean = () => true): BlessReport {
  const report: BlessReport = { written: [], created: [], left: [], unchanged: 0 };
  const write = (file: string, text: string, list: string[]) => {
    fs.writeFileSync(file, text); // an existing file keeps its mode
    list.push(file);
  };
  for (const dir of fs.readdirSync(root).sort()) {
    const rule = RULES_BY_NAME.get(dir);
    const folder = path.join(root, dir);
    if (!fs.statSync(folder).isDirectory() || !include(rule?.id, dir)) {
      continue;
    }
    if (!rule) {
      report.left.push({ file: folder, why: 'names no rule of the registry' });
      continue;
    }
    const files = fs.readdirSync(folder).sort();
    for (const f of files.filter((x) => /\.fixed\.ya?ml$/.test(x) && !files.includes(x.replace(/\.fixed(\.ya?ml)$/, '$1')))) {
      report.left.push({ file: path.join(folder, f), why: 'no case of that name beside it' });
    }
    for (const file of files.filter(isCase)) {
      const full = path.join(folder, file);
      const fixedPath = full.replace(/\.(ya?ml)$/, '.fixed.$1');
      const text = fs.readFileSync(full, 'utf8');
      let blessed: string;
      let fixed: string;
      try {
        blessed = blessCase(text);
        fixed = applyRuleFixes(blessed, rule.id);
      } catch (e) {
        report.left.push({ file: full, why: e instanceof Error ? e.message : String(e) });
        continue;
      }
      if (blessed !== text) {
        write(full, blessed, report.written);
      } else {
        report.unchanged++;
      }
      if (fs.existsSync(fixedPath)) {
        if (fixed === blessed) {
          report.left.push({ file: fixedPath, why: `${rule.id} no longer fixes anything in ${file}: delete it if that is right` });
        } else if (fs.readFileSync(fixedPath, 'utf8') !== fixed) {
          write(fixedPath, fixed, report.written);
        } else {
          report.unchanged++;
        }
      } else if (fixed !== blessed) {
        write(fixedPath, fixed, report.created);
      }
    }
  }
  return report;
}

/** The report as lines for the terminal: each file written, created or left, then the counts. */
export function formatReport(report: BlessReport, relativeTo = process.cwd()): string {
  const rel = (f: string) => path.relative(relativeTo, f);
  return [
    ...report.written.map((f) => `written  ${rel(f)}`),
    ...report.created.map((f) => `created  ${rel(f)}`),
    ...report.left.map((l) => `left     ${rel(l.file)}: ${l.why}`),
    `bless: ${report.written.length} written, ${report.created.length} created, ${report.left.length} left, ${report.unchanged} unchanged`,
  ].join('\n');
}

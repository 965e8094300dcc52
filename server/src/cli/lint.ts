// `ddr lint`: resolve paths, analyse each file, optionally fix it, print in one format,
// and exit 0 (clean), 1 (error findings or too many warnings) or 2 (usage error, or a
// file that could not be read or written). One unreadable file never stops the others.
import { isUtf8 } from 'node:buffer';
// `import = require` binds the module itself: `import * as` would copy its exports at every start.
import fs = require('node:fs');
import type { BigIntStats } from 'node:fs';
import path = require('node:path');
import type { Analysis } from '../engine/analyze';
import { defaultSettings, Settings } from '../engine/rule';
import type { Severity } from '../engine/types';
import { closest, plural } from '../engine/text';
import type { Outcome } from './analyseFile';
import { one, parseArgs, Parsed, UsageError, wantsColor } from './args';
import type { LintCache } from './cache';
import { display, reason, resolvePaths } from './files';
import { visible } from './format/escape';
import { formatText } from './format/text';
import type { FileResult, Locator } from './format/types';
import { nearestRule, Io, writeFixed } from './io';
import type { Job } from './parallel';

// The engine, the rule registry, the other formats and the worker threads load only when a
// run needs them: a run whose files all come from the cache loads none of them (nor `yaml`),
// so that it costs little more than starting Node and reading the files.
/* eslint-disable @typescript-eslint/no-require-imports */
const engine = () => require('../engine/analyze') as typeof import('../engine/analyze');
const registry = () => require('../engine/registry') as typeof import('../engine/registry');
const analyser = () => require('./analyseFile') as typeof import('./analyseFile');
const parallel = () => require('./parallel') as typeof import('./parallel');
const caching = () => require('./cache') as typeof import('./cache');
const lineMap = (text: string, lineStarts?: number[]): Locator => new (require('../engine/positions') as typeof import('../engine/positions')).LineMap(text, lineStarts);
/* eslint-enable @typescript-eslint/no-require-imports */

export const LINT_USAGE = `Usage: ddr lint [options] [paths...]

Reviews design files. A path is a file, a folder (searched for *.design.yaml and
*.design.yml, skipping node_modules and .git) or a glob (*, **, ?; quote it so the
shell leaves it alone). Without a path, the current folder.

Options:
  --format <f>          text (default), json, sarif or github
  -o, --output <file>   write the report to a file instead of stdout
  --quiet               report errors only (warnings are neither shown nor counted)
  --max-warnings <n>    exit 1 when there are more than n warnings
  --rule <ID=level>     set a rule's severity: off, error, warning or info (repeatable;
                        ID is a rule id or name)
  --fix                 apply the safe fixes and write the files, then report what remains
  --fix-dry-run         print the diff --fix would apply; write nothing (exit 1 if any)
  --cache               keep each file's findings in a cache: the next run does not
                        read a file whose stat is unchanged, and does not analyse one
                        whose bytes are unchanged (not used by --fix)
  --cache-location <p>  the cache file, or a folder to put .ddrcache in
                        (default: .ddrcache in the current folder); it must be
                        a new file or a ddr cache: anything else (a design, a
                        device, a FIFO) is refused, exit 2
  --concurrency <n>     threads that analyse files: a number, off (one), or auto
                        (default: worker threads on idle cores, for many files)
  --color, --no-color   force colour on or off (default: on when stdout is a terminal)
  --max-file-size <n>   analyse no file larger than n characters (default 4194304)
  --max-findings <n>    report at most n findings per file, then one that counts
                        the rest (default 2000)
  --max-alias-expansion <n>
                        the most nodes YAML aliases may add when expanded (default
                        10000; past it: an alias bomb, not analysed)
  --max-nesting-depth <n>
                        the deepest nesting analysed (default 200, at most 400)
  --no-error-on-unmatched-pattern
                        skip a path that yields no design file (a missing path, a
                        folder without designs, a glob that matches nothing) instead
                        of failing with "no design files found in …"
  -h, --help            show this help

Exit codes: 0 no error findings, 1 error findings or too many warnings,
2 a usage error, a path that yields no design file, or a file that could not
be read or written.
`;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];
const LEVELS = ['off', 'error', 'warning', 'info'] as const;

interface LintOptions {
  format: Format;
  output?: string;
  quiet: boolean;
  maxWarnings?: number;
  severity: Settings['severity'];
  fix: boolean;
  dryRun: boolean;
  color: boolean;
  /** The cache file, when --cache is on. */
  cache?: string;
  /** Threads that analyse, the main one included; `auto` decides per run. */
  concurrency: number | 'auto';
  /** The limits given on the command line (the others keep their defaults). */
  limits: Partial<Settings['limits']>;
  paths: string[];
}

/** The limit options and the setting each sets. */
const LIMIT_OPTIONS: Array<[string, keyof Settings['limits']]> = [
  ['max-file-size', 'maxFileSize'],
  ['max-findings', 'maxFindings'],
  ['max-alias-expansion', 'maxAliasExpansion'],
  ['max-nesting-depth', 'maxNestingDepth'],
];

function options(p: Parsed, io: Io): LintOptions {
  const format = (one(p, 'format') ?? 'text') as Format;
  if (!FORMATS.includes(format)) {
    const near = closest(format, FORMATS);
    throw new UsageError(`unknown format \`${format}\`: use ${FORMATS.join(', ')}${near ? ` (did you mean \`${near}\`?)` : ''}`);
  }
  let maxWarnings: number | undefined;
  const mw = one(p, 'max-warnings');
  if (mw !== undefined) {
    if (!/^\d+$/.test(mw)) {
      throw new UsageError(`--max-warnings needs a whole number ≥ 0, not \`${mw}\``);
    }
    maxWarnings = Number(mw);
  }
  const severity: Settings['severity'] = {};
  for (const spec of p.options.get('rule') ?? []) {
    const m = /^([^=]+)=(.*)$/.exec(spec);
    if (!m) {
      throw new UsageError(`--rule needs ID=level (off, error, warning or info), not \`${spec}\``);
    }
    const { RULES } = registry();
    const rule = RULES.find((r) => r.id === m[1].trim().toUpperCase() || r.name === m[1].trim());
    if (!rule) {
      const near = nearestRule(m[1].trim());
      throw new UsageError(`--rule: unknown rule \`${m[1]}\`${near ? ` (did you mean \`${near.id}\`?)` : ''}`);
    }
    const level = m[2].trim();
    if (!(LEVELS as readonly string[]).includes(level)) {
      throw new UsageError(`--rule ${rule.id}: unknown level \`${level}\`: use off, error, warning or info`);
    }
    severity[rule.id] = level as Severity | 'off';
  }
  if (p.flags.has('fix') && p.flags.has('fix-dry-run')) {
    throw new UsageError('--fix and --fix-dry-run exclude each other');
  }
  const location = one(p, 'cache-location');
  if (location !== undefined && !p.flags.has('cache')) {
    throw new UsageError('--cache-location needs --cache');
  }
  const c = one(p, 'concurrency') ?? 'auto';
  let concurrency: number | 'auto';
  if (c === 'auto') {
    concurrency = 'auto';
  } else if (c === 'off') {
    concurrency = 1;
  } else if (/^\d+$/.test(c) && Number(c) >= 1) {
    concurrency = Number(c);
  } else {
    throw new UsageError(`--concurrency needs a whole number ≥ 1, auto or off, not \`${c}\``);
  }
  const limits: Partial<Settings['limits']> = {};
  for (const [name, key] of LIMIT_OPTIONS) {
    const v = one(p, name);
    if (v !== undefined) {
      if (!/^\d+$/.test(v) || Number(v) < 1) {
        throw new UsageError(`--${name} needs a whole number ≥ 1, not \`${v}\``);
      }
      limits[key] = Number(v);
    }
  }
  const output = one(p, 'output');
  const color = wantsColor(p, io, !!output);
  return {
    format,
    output,
    quiet: p.flags.has('quiet'),
    maxWarnings,
    severity,
    fix: p.flags.has('fix'),
    dryRun: p.flags.has('fix-dry-run'),
    color,
    cache: p.flags.has('cache') ? cacheFile(location, io.cwd) : undefined,
    concurrency,
    limits,
    paths: p.positionals,
  };
}

/**
 * The cache file of `--cache`, once it is known to be a missing path or a ddr cache: a
 * device, a FIFO or a file of the user's given as --cache-location is refused (exit 2)
 * before anything is read or written.
 */
function cacheFile(location: string | undefined, cwd: string): string {
  const file = caching().cachePath(location, cwd);
  const problem = caching().locationProblem(file, cwd);
  if (problem) {
    throw new UsageError(problem);
  }
  return file;
}

export const LINT_OPTIONS = [
  { name: 'format', value: true },
  { name: 'output', short: 'o', value: true },
  { name: 'quiet' },
  { name: 'max-warnings', value: true },
  { name: 'rule', value: true, repeat: true },
  { name: 'fix' },
  { name: 'fix-dry-run' },
  { name: 'color' },
  { name: 'no-color' },
  { name: 'cache' },
  { name: 'cache-location', value: true },
  { name: 'concurrency', value: true },
  { name: 'max-file-size', value: true },
  { name: 'max-findings', value: true },
  { name: 'max-alias-expansion', value: true },
  { name: 'max-nesting-depth', value: true },
  { name: 'no-error-on-unmatched-pattern' },
  { name: 'help', short: 'h' },
];

interface Read {
  raw: Buffer;
  text: string;
  bom: boolean;
  utf8: boolean;
}

/**
 * Reads a file's bytes. A FIFO or a device would block or never end: only regular files
 * are read. The file is opened without blocking (opening a FIFO waits for a writer) and
 * checked on its descriptor, which also spares a second lookup of its path.
 * DDR_TEST_READ_LOG (tests only) appends each path read to that file: which files a
 * `--cache` run did not need to read.
 */
export function readBytes(abs: string, maxChars = Infinity): Buffer {
  const log = process.env.DDR_TEST_READ_LOG;
  if (log) {
    fs.appendFileSync(log, abs + '\n');
  }
  const fd = fs.openSync(abs, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
      throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    }
    // A UTF-8 byte makes at most one UTF-16 unit and 3 bytes at least one: a file of more
    // than 3 bytes per allowed character is over --max-file-size whatever it holds. Read
    // whole, a 700 MB file ended the run ("Cannot create a string longer than …").
    if (st.size > 3 * maxChars) {
      throw Object.assign(new Error(`not read: ${megabytes(st.size)}, far over the limit of ${maxChars} characters (--max-file-size)`), { code: 'ETOOBIG' });
    }
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Decodes UTF-8; invalid bytes become U+FFFD (the engine then reports what it sees). worker.ts decodes alike. */
export function decode(raw: Buffer): Read {
  const bom = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(raw);
  // Only a text with U+FFFD can come from invalid bytes: check those strictly.
  let utf8 = true;
  if (text.includes('\ufffd')) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      utf8 = false;
    }
  }
  return { raw, text, bom, utf8 };
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${(n / 1024).toFixed(1)} KB`;
}

/** Reads a design file as text. */
export function readDesign(abs: string, maxChars = Infinity): Read {
  return decode(readBytes(abs, maxChars));
}

/**
 * Where a file stops being UTF-8, for the one line that says so (its text is read with
 * U+FFFD for the invalid bytes), or undefined when it is valid.
 */
export function utf8Problem(raw: Buffer): string | undefined {
  if (isUtf8(raw)) {
    return undefined;
  }
  const at = firstInvalidUtf8(raw);
  const lineStart = raw.lastIndexOf(0x0a, at - 1) + 1;
  let line = 1;
  for (let i = 0; i < lineStart; i++) {
    line += raw[i] === 0x0a ? 1 : 0;
  }
  const column = new TextDecoder('utf-8').decode(raw.subarray(lineStart, at)).length + 1;
  return `not valid UTF-8 (line ${line}, column ${column}): read with U+FFFD for the invalid bytes`;
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (!n) {
      return i;
    }
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) {
        return i;
      }
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < [0, 0x80, 0x800, 0x10000][n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return i;
    }
    i += n + 1;
  }
  return b.length;
}

/** Writes a fixed file: see io.ts `writeFixed` (permissions, owner, mode, hard links, space). */
export function writeAtomically(abs: string, original: Buffer, data: string): string | undefined {
  return writeFixed(abs, original, data);
}

/** A file of the run, in output order. */
interface Entry {
  abs: string;
  file: string;
  raw?: Buffer;
  /** Why it could not be read. */
  problem?: string;
  /** Its bytes' hash, with --cache. */
  hash?: string;
  /** Its stat before it was read, with --cache (undefined: not to be trusted). */
  stat?: BigIntStats;
  /** Its text, decoded when it is analysed. */
  read?: Read;
  outcome?: Outcome;
  /** Where its findings are: a LineMap of the analysed text, or positions from the cache. */
  map?: Locator;
}

export function lint(argv: string[], io: Io): number | Promise<number> {
  const p = parseArgs(argv, LINT_OPTIONS);
  if (p.flags.has('help')) {
    io.stdout(LINT_USAGE);
    return 0;
  }
  const o = options(p, io);
  const settings: Partial<Settings> = { severity: o.severity, ...(Object.keys(o.limits).length ? { limits: o.limits as Settings['limits'] } : {}) };
  const resolved = resolvePaths(o.paths, io.cwd, { errorOnUnmatchedPattern: !p.flags.has('no-error-on-unmatched-pattern') });
  for (const problem of resolved.problems) {
    io.stderr(`ddr: ${visible(problem)}\n`);
  }
  if (resolved.problems.length && !resolved.files.length) {
    // Nothing to lint: no report (not even "no findings in 0 files") after the error.
    return 2;
  }
  const run: Run = { io, o, settings, failed: resolved.problems.length > 0, notes: [] };
  const entries: Entry[] = resolved.files.map((abs) => ({ abs, file: display(abs, io.cwd) }));
  if (o.fix || o.dryRun) {
    // Fixes are applied one file at a time, never from the cache.
    return lintAndFix(run, entries);
  }
  const maxChars = settings.limits?.maxFileSize ?? defaultSettings.limits.maxFileSize;
  const cached = o.cache ? caching() : undefined;
  const cache = cached?.LintCache.load(o.cache!, io.version, cached.settingsKey(settings));
  for (const e of entries) {
    if (cached && cache) {
      // Stat first, then read: a change between the two leaves an older stat with the
      // bytes, which the next run sees differ; the other order could keep a stale one.
      e.stat = cached.fileStat(e.abs);
      const hit = e.stat && cache.getByStat(e.abs, e.stat);
      if (hit) {
        const abs = e.abs;
        e.outcome = hit.outcome;
        e.map = new cached.CachedPositions(hit.positions, () => lineMap(readDesign(abs, maxChars).text));
        continue;
      }
    }
    try {
      e.raw = readBytes(e.abs, maxChars);
    } catch (err) {
      e.problem = reason(err);
    }
    if (cached && cache && e.raw) {
      e.hash = cached.contentHash(e.raw);
      // Bytes that are not UTF-8 are read every time: the run says so on stderr.
      if (!isUtf8(e.raw)) {
        e.stat = undefined;
      }
      const hit = cache.get(e.abs, e.hash, e.stat, e.raw.length);
      if (hit) {
        const raw = e.raw;
        e.outcome = hit.outcome;
        e.map = new cached.CachedPositions(hit.positions, () => lineMap(decode(raw).text));
      }
    }
  }
  const todo = entries.filter((e) => e.raw && !e.outcome);
  const jobs: Job[] = todo.map((e) => {
    e.read = decode(e.raw!);
    return { file: e.abs, raw: e.raw!, text: e.read.text };
  });
  const here = (job: Job) => analyser().analyseText(job.text, settings, job.file);
  const finish = (outcomes: Outcome[]): number => {
    todo.forEach((e, i) => {
      e.outcome = outcomes[i];
      e.map = lineMap(e.read!.text, outcomes[i].lineStarts);
      cache?.set(e.abs, e.hash!, outcomes[i], e.map, e.stat);
    });
    return report(run, entries, cache);
  };
  if (!jobs.length) {
    return finish([]);
  }
  const threads = o.concurrency === 'auto' ? parallel().autoThreads(jobs) : Math.min(o.concurrency, jobs.length);
  if (threads <= 1) {
    return finish(jobs.map(here));
  }
  return parallel().analyseInThreads(jobs, settings, threads, here).then(finish);
}

interface Run {
  io: Io;
  o: LintOptions;
  settings: Partial<Settings>;
  failed: boolean;
  /** `file: fixed n findings (…)` lines, printed before the text report. */
  notes: string[];
  diffs?: string;
}

/** --fix and --fix-dry-run: analyse, fix and write (or diff) each file in turn. */
function lintAndFix(run: Run, entries: Entry[]): number {
  const { io, o, settings } = run;
  const { analyze, fixAll } = engine();
  const { outcomeOf } = analyser();
  let diffs = '';
  for (const e of entries) {
    let read: Read;
    try {
      read = readDesign(e.abs, settings.limits?.maxFileSize ?? defaultSettings.limits.maxFileSize);
    } catch (err) {
      io.stderr(`ddr: ${visible(e.file)}: ${reason(err)}\n`);
      run.failed = true;
      continue;
    }
    e.read = read;
    if (!read.utf8) {
      io.stderr(`ddr: ${visible(e.file)}: ${utf8Problem(read.raw)}\n`);
    }
    let analysis: Analysis;
    const fixed = fixAll(read.text, settings);
    analysis = fixed.analysis;
    if (fixed.text !== read.text) {
      if (!read.utf8) {
        io.stderr(`ddr: ${visible(e.file)}: not fixed: the file is not valid UTF-8, and writing it would replace the invalid bytes\n`);
        analysis = analyze(read.text, settings);
      } else if (o.dryRun) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        diffs += (require('./diff') as typeof import('./diff')).unifiedDiff(e.file, read.text, fixed.text);
      } else {
        const problem = writeAtomically(e.abs, read.raw, (read.bom ? '\ufeff' : '') + fixed.text);
        if (problem) {
          io.stderr(`ddr: ${visible(e.file)}: ${problem}\n`);
          run.failed = true;
          analysis = analyze(read.text, settings);
        } else {
          const ids = [...new Set(fixed.applied.map((a) => a.ruleId))].sort();
          run.notes.push(`${visible(e.file)}: fixed ${plural(fixed.applied.length, 'finding')} (${ids.join(', ')})`);
        }
      }
    }
    e.outcome = outcomeOf(analysis);
    e.map = lineMap(analysis.text, e.outcome.lineStarts);
    reportRuleErrors(run, e);
  }
  if (o.dryRun) {
    if (!emit(io, o.output, diffs)) {
      return 2;
    }
    return run.failed ? 2 : diffs ? 1 : 0;
  }
  return output(run, entries);
}

function reportRuleErrors(run: Run, e: Entry): void {
  for (const err of e.outcome?.ruleErrors ?? []) {
    run.io.stderr(`ddr: ${visible(e.file)}: rule ${err.ruleId} failed, its findings are missing: ${visible(err.message)}\n`);
    run.failed = true;
  }
}

/** Without --fix: what each file's reading or analysis had to say, in file order, then the cache and the report. */
function report(run: Run, entries: Entry[], cache: LintCache | undefined): number {
  for (const e of entries) {
    if (e.problem !== undefined) {
      run.io.stderr(`ddr: ${visible(e.file)}: ${e.problem}\n`);
      run.failed = true;
    }
    const notUtf8 = e.raw && utf8Problem(e.raw);
    if (notUtf8) {
      run.io.stderr(`ddr: ${visible(e.file)}: ${notUtf8}\n`);
    }
    reportRuleErrors(run, e);
  }
  if (cache?.warning) {
    // One line: a broken or hostile cache costs this run its speed, never its report.
    run.io.stderr(`ddr: warning: discarded the cache ${visible(display(cache.file, run.io.cwd))}: ${cache.warning}\n`);
  }
  const problem = cache?.save();
  if (problem) {
    // A cache that cannot be written makes the next run slower, not wrong.
    run.io.stderr(`ddr: warning: cannot write the cache ${display(cache!.file, run.io.cwd)}: ${problem}\n`);
  }
  return output(run, entries);
}

/** Prints the report and returns the exit code. */
function output(run: Run, entries: Entry[]): number {
  const { io, o } = run;
  const keep = (s: Severity) => !o.quiet || s === 'error';
  const results: FileResult[] = [];
  for (const e of entries) {
    if (!e.outcome || !e.map) {
      continue;
    }
    results.push({
      file: e.file,
      findings: e.outcome.findings.filter((f) => keep(f.severity)),
      waived: e.outcome.waived.filter((f) => keep(f.severity)),
      map: e.map,
    });
  }
  if (run.failed && !results.length) {
    // Not one file was read: the errors above say why, and a report would only say "0 files".
    return 2;
  }
  let report: string;
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (o.format) {
    case 'json':
      report = (require('./format/json') as typeof import('./format/json')).formatJson(results);
      break;
    case 'sarif':
      report = (require('./format/sarif') as typeof import('./format/sarif')).formatSarif(results, { version: io.version, cwd: io.cwd });
      break;
    case 'github':
      report = (require('./format/github') as typeof import('./format/github')).formatGithub(results);
      break;
    default:
      report = run.notes.map((n) => n + '\n').join('') + formatText(results, { color: o.color });
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (!emit(io, o.output, report)) {
    return 2;
  }
  if (run.failed) {
    return 2;
  }
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    for (const f of r.findings) {
      errors += f.severity === 'error' ? 1 : 0;
      warnings += f.severity === 'warning' ? 1 : 0;
    }
  }
  if (errors > 0) {
    return 1;
  }
  if (o.maxWarnings !== undefined && warnings > o.maxWarnings) {
    io.stderr(`ddr: ${plural(warnings, 'warning')}, more than --max-warnings ${o.maxWarnings}\n`);
    return 1;
  }
  return 0;
}

function emit(io: Io, output: string | undefined, s: string): boolean {
  if (!output) {
    io.stdout(s);
    return true;
  }
  try {
    fs.writeFileSync(path.resolve(io.cwd, output), s);
    return true;
  } catch (e) {
    io.stderr(`ddr: cannot write ${output}: ${reason(e)}\n`);
    return false;
  }
}

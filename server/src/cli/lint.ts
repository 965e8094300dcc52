// `ddr lint`: resolve paths, analyse each file, optionally fix it, print in one format,
// and exit 0 (clean), 1 (error findings or too many warnings) or 2 (usage error, or a
// file that could not be read or written). One unreadable file never stops the others.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Analysis, fixAll } from '../engine/analyze';
import { LineMap } from '../engine/positions';
import { RULES } from '../engine/registry';
import type { Settings } from '../engine/rule';
import type { Severity } from '../engine/types';
import { one, parseArgs, Parsed, UsageError } from './args';
import { unifiedDiff } from './diff';
import { display, reason, resolvePaths } from './files';
import { formatGithub } from './format/github';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { formatText } from './format/text';
import type { FileResult } from './format/types';
import { nearestRule, Io } from './io';
import { closest, plural } from '../engine/text';

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
  --color, --no-color   force colour on or off (default: on when stdout is a terminal)
  -h, --help            show this help

Exit codes: 0 no error findings, 1 error findings or too many warnings,
2 a usage error or a file that could not be read or written.
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
  paths: string[];
}

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
  if (p.flags.has('color') && p.flags.has('no-color')) {
    throw new UsageError('--color and --no-color exclude each other');
  }
  const output = one(p, 'output');
  const forced = io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0';
  const color = p.flags.has('color') || (!p.flags.has('no-color') && !output && !io.env.NO_COLOR && (io.stdoutIsTTY || forced));
  return {
    format,
    output,
    quiet: p.flags.has('quiet'),
    maxWarnings,
    severity,
    fix: p.flags.has('fix'),
    dryRun: p.flags.has('fix-dry-run'),
    color,
    paths: p.positionals,
  };
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
  { name: 'help', short: 'h' },
];

interface Read {
  raw: Buffer;
  text: string;
  bom: boolean;
  utf8: boolean;
}

/** Reads a file as UTF-8; invalid bytes become U+FFFD (the engine then reports what it sees). */
export function readDesign(abs: string): Read {
  // A FIFO or a device would block or never end: only regular files are read.
  if (!fs.statSync(abs).isFile()) {
    throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
  }
  const raw = fs.readFileSync(abs);
  const bom = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  let utf8 = true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    utf8 = false;
  }
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(raw);
  return { raw, text, bom, utf8 };
}

/**
 * Writes a fixed file so that no reader ever sees half of it: a temporary file in the same
 * folder, then a rename over the original (through a symlink, onto its target). Declines
 * when the file changed on disk since it was read.
 */
export function writeAtomically(abs: string, original: Buffer, data: string): string | undefined {
  let real: string;
  let mode: number;
  try {
    real = fs.realpathSync(abs);
    const current = fs.readFileSync(real);
    if (!current.equals(original)) {
      return 'not fixed: the file changed on disk while ddr was reading it';
    }
    mode = fs.statSync(real).mode & 0o7777;
  } catch (e) {
    return `not fixed: ${reason(e)}`;
  }
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.ddr-${process.pid}-${Date.now().toString(36)}.tmp`);
  try {
    fs.writeFileSync(tmp, data, { flag: 'wx' });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, real);
    return undefined;
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // Already gone, or never created.
    }
    return `not fixed: ${reason(e)}`;
  }
}

export function lint(argv: string[], io: Io): number {
  const p = parseArgs(argv, LINT_OPTIONS);
  if (p.flags.has('help')) {
    io.stdout(LINT_USAGE);
    return 0;
  }
  const o = options(p, io);
  const settings: Partial<Settings> = { severity: o.severity };
  const resolved = resolvePaths(o.paths, io.cwd);
  let failed = resolved.problems.length > 0;
  for (const problem of resolved.problems) {
    io.stderr(`ddr: ${problem}\n`);
  }
  const results: FileResult[] = [];
  const notes: string[] = [];
  let diffs = '';
  for (const abs of resolved.files) {
    const file = display(abs, io.cwd);
    let read: Read;
    try {
      read = readDesign(abs);
    } catch (e) {
      io.stderr(`ddr: ${file}: ${reason(e)}\n`);
      failed = true;
      continue;
    }
    let analysis: Analysis;
    if (o.fix || o.dryRun) {
      const fixed = fixAll(read.text, settings);
      analysis = fixed.analysis;
      if (fixed.text !== read.text) {
        if (!read.utf8) {
          io.stderr(`ddr: ${file}: not fixed: the file is not valid UTF-8, and writing it would replace the invalid bytes\n`);
          analysis = analyze(read.text, settings);
        } else if (o.dryRun) {
          diffs += unifiedDiff(file, read.text, fixed.text);
        } else {
          const problem = writeAtomically(abs, read.raw, (read.bom ? '\ufeff' : '') + fixed.text);
          if (problem) {
            io.stderr(`ddr: ${file}: ${problem}\n`);
            failed = true;
            analysis = analyze(read.text, settings);
          } else {
            const ids = [...new Set(fixed.applied.map((a) => a.ruleId))].sort();
            notes.push(`${file}: fixed ${plural(fixed.applied.length, 'finding')} (${ids.join(', ')})`);
          }
        }
      }
    } else {
      analysis = analyze(read.text, settings);
    }
    for (const e of analysis.ruleErrors) {
      io.stderr(`ddr: ${file}: rule ${e.ruleId} failed, its findings are missing: ${e.message}\n`);
      failed = true;
    }
    const keep = (s: Severity) => !o.quiet || s === 'error';
    results.push({
      file,
      text: analysis.text,
      findings: analysis.findings.filter((f) => keep(f.severity)),
      waived: analysis.waived.filter((f) => keep(f.severity)),
      map: new LineMap(analysis.text, analysis.parsed.text === analysis.text ? analysis.parsed.lineStarts : undefined),
    });
  }
  if (o.dryRun) {
    if (!emit(io, o.output, diffs)) {
      return 2;
    }
    return failed ? 2 : diffs ? 1 : 0;
  }
  let report: string;
  switch (o.format) {
    case 'json':
      report = formatJson(results);
      break;
    case 'sarif':
      report = formatSarif(results, { version: io.version, cwd: io.cwd });
      break;
    case 'github':
      report = formatGithub(results);
      break;
    default:
      report = notes.map((n) => n + '\n').join('') + formatText(results, { color: o.color });
  }
  if (!emit(io, o.output, report)) {
    return 2;
  }
  if (failed) {
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

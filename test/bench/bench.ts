// `npm run bench`: the speed targets of issue 6 as one table, each figure a median and p95
// over repeated runs beside its floor measured in the same run, plus the target and
// whether the median meets it; everything also in bench-results/bench.json.
//
// - Engine: analyze() in this process vs yaml parseDocument of the same text (no target;
//   it shows what the language server rows are made of).
// - Language server (lsp-bench.ts): the real server over stdio for 1k, 10k and 50k-line
//   designs; the floor is parseDocument of the same text in this process; RSS beside a Node
//   process that holds parseDocument of the text; spawn → first diagnostics of a 1k-line
//   design, a fresh server each time, beside a process that loads yaml and parses the file.
// - CLI (cli-bench.ts): 100 files × 500 lines, whole processes.
//
// A benchmark, never a test: it never fails on a number. The machine may be busy (CI, other
// work): medians, not minima, and the load average is recorded with the figures.
//
//   npm run bench                 everything
//   node out/test/bench/bench.js engine lsp spawn cli    only some parts (bench-<parts>.json)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { analyze } from '../../server/src/engine/analyze';
import { measureCli } from './cli-bench';
import { generateDesign } from './generate';
import { measureLsp, measureSpawn } from './lsp-bench';
import { stats, Stats } from './stats';

const SIZES = [
  { label: '1k', lines: 1_000, engineRuns: 40, warmup: 5 },
  { label: '10k', lines: 10_000, engineRuns: 15, warmup: 3 },
  { label: '50k', lines: 50_000, engineRuns: 5, warmup: 1 },
];

/** A target: an absolute bound in the row's unit, or a multiple of the floor's median. */
type Target = { max: number } | { timesFloor: number };

interface TableRow {
  what: string;
  lines: string;
  unit: 'ms' | 'MB';
  value: Stats | number;
  floor?: Stats | number;
  target?: Target;
  /** Whether the median (or the single figure) meets the target. */
  met?: boolean;
  note?: string;
}

function time(fn: () => unknown, warmup: number, runs: number): Stats {
  for (let i = 0; i < warmup; i++) {
    fn();
  }
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return stats(samples);
}

const median = (x: Stats | number) => (typeof x === 'number' ? x : x.median);

function row(r: Omit<TableRow, 'met'>): TableRow {
  let met: boolean | undefined;
  if (r.target) {
    const bound = 'max' in r.target ? r.target.max : r.target.timesFloor * median(r.floor!);
    met = median(r.value) <= bound;
  }
  return { ...r, met };
}

function engineRows(out: TableRow[], raw: Record<string, unknown>): void {
  const results: unknown[] = [];
  for (const size of SIZES) {
    const text = generateDesign(size.lines);
    // Alternate the two measurements' order per size so neither always runs on a warmer heap.
    const parse = () => time(() => parseDocument(text), size.warmup, size.engineRuns);
    const full = () => time(() => analyze(text), size.warmup, size.engineRuns);
    const [p, a] = SIZES.indexOf(size) % 2 === 0 ? [parse(), full()] : (([x, y]) => [y, x])([full(), parse()]);
    out.push(row({ what: 'analyze() in process (no target)', lines: size.label, unit: 'ms', value: a, floor: p }));
    results.push({ size: size.label, lines: text.split('\n').length - 1, chars: text.length, findings: analyze(text).findings.length, parseDocument: p, analyze: a });
    process.stderr.write(`bench: engine ${size.label} done\n`);
  }
  raw.engine = results;
}

async function lspRows(out: TableRow[], raw: Record<string, unknown>): Promise<void> {
  const targets = {
    change: { '1k': 3, '10k': 20, '50k': 60 },
    query: { '1k': 5, '10k': 5, '50k': 10 },
    rss: { '1k': 80, '10k': 120, '50k': 250 },
  } as const;
  const rows = [];
  for (const size of SIZES) {
    const r = await measureLsp(size.lines);
    rows.push({ size: size.label, ...r });
    const label = size.label as '1k' | '10k' | '50k';
    const floor = r.parseDocument;
    out.push(row({ what: 'didChange (one character) → publishDiagnostics', lines: label, unit: 'ms', value: r.change, floor, target: { max: targets.change[label] } }));
    out.push(row({ what: 'didOpen → publishDiagnostics', lines: label, unit: 'ms', value: r.open, floor, target: { timesFloor: 1.5 } }));
    out.push(row({ what: 'hover', lines: label, unit: 'ms', value: r.hover, floor, target: { max: targets.query[label] } }));
    out.push(row({ what: 'completion', lines: label, unit: 'ms', value: r.completion, floor, target: { max: targets.query[label] } }));
    out.push(row({ what: 'code action', lines: label, unit: 'ms', value: r.codeAction, floor, target: { max: targets.query[label] } }));
    out.push(row({ what: 'server RSS with the design open', lines: label, unit: 'MB', value: r.rssMb, floor: r.floorRssMb, target: { max: targets.rss[label] }, note: `at rest; ${r.busyRssMb} MB just after the last request, peak ${r.peakRssMb} MB` }));
    process.stderr.write(`bench: language server ${size.label} done\n`);
  }
  raw.lsp = rows;
}

async function spawnRows(out: TableRow[], raw: Record<string, unknown>): Promise<void> {
  const r = await measureSpawn(1_000, 10);
  out.push(row({ what: 'spawn → first diagnostics', lines: '1k', unit: 'ms', value: r.firstDiagnostics, floor: r.floor, target: { max: 300 } }));
  raw.spawn = r;
  process.stderr.write('bench: spawn done\n');
}

function cliRows(out: TableRow[], raw: Record<string, unknown>): void {
  const r = measureCli(100, 500, 10);
  const lines = `${r.files}×${r.linesPerFile}`;
  const auto = [...new Set(r.threads)].join(' then ');
  out.push(row({ what: `CLI: ddr lint, whole process (auto: ${auto} thread${auto === '1' ? '' : 's'})`, lines, unit: 'ms', value: r.lint, floor: r.lintFloor, target: { timesFloor: 1.3 } }));
  out.push(row({ what: 'CLI: ddr lint --concurrency off (no target)', lines, unit: 'ms', value: r.lintOneThread, floor: r.lintFloor }));
  out.push(row({ what: 'CLI: ddr lint --concurrency 2 (no target)', lines, unit: 'ms', value: r.lintTwoThreads, floor: r.lintFloor }));
  out.push(row({ what: 'CLI: second run with --cache', lines, unit: 'ms', value: r.cached, floor: r.cachedFloor, target: { timesFloor: 1.1 } }));
  raw.cli = r;
}

function fmt(x: Stats | number | undefined, unit: string, part: 'median' | 'p95'): string {
  if (x === undefined) {
    return '';
  }
  if (typeof x === 'number') {
    return part === 'median' ? `${x.toFixed(1)} ${unit}` : '';
  }
  return `${x[part].toFixed(1)} ${unit}`;
}

function targetText(r: TableRow): string {
  if (!r.target) {
    return '—';
  }
  if ('max' in r.target) {
    return `≤ ${r.target.max} ${r.unit}`;
  }
  return `≤ ${r.target.timesFloor} × floor (${(r.target.timesFloor * median(r.floor!)).toFixed(1)} ${r.unit})`;
}

function table(rows: TableRow[]): string {
  const head = ['what', 'lines', 'median', 'p95', 'floor median', 'floor p95', '× floor', 'target', 'met'];
  const body = rows.map((r) => [
    r.what + (r.note ? ` (${r.note})` : ''),
    r.lines,
    fmt(r.value, r.unit, 'median'),
    fmt(r.value, r.unit, 'p95'),
    fmt(r.floor, r.unit, 'median'),
    fmt(r.floor, r.unit, 'p95'),
    r.floor !== undefined && median(r.floor) > 0 ? `${(median(r.value) / median(r.floor)).toFixed(2)}×` : '',
    targetText(r),
    r.met === undefined ? '' : r.met ? '✓' : '✗',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|')}|`, ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const parts = process.argv.slice(2);
  const want = (p: string) => !parts.length || parts.includes(p);
  const loadBefore = os.loadavg();
  const rows: TableRow[] = [];
  const raw: Record<string, unknown> = {};
  if (want('engine')) {
    engineRows(rows, raw);
  }
  if (want('lsp')) {
    await lspRows(rows, raw);
  }
  if (want('spawn')) {
    await spawnRows(rows, raw);
  }
  if (want('cli')) {
    cliRows(rows, raw);
  }
  const loadAfter = os.loadavg();
  process.stdout.write(
    [
      `Speed (issue 6): median and p95 of repeated runs; floor = the same input through yaml alone (see bench.ts); met = the median meets the target.`,
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after.`,
      '',
      table(rows),
      '',
    ].join('\n'),
  );
  const outDir = path.join(__dirname, '..', '..', '..', 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadavg: { before: loadBefore, after: loadAfter },
    unit: { time: 'ms', memory: 'MB' },
    judgedOn: 'median',
    rows: rows.map((r) => ({ ...r, target: r.target ?? null, targetText: targetText(r) })),
    raw,
  };
  // A partial run does not overwrite the full run's figures.
  const file = path.join(outDir, parts.length ? `bench-${parts.join('-')}.json` : 'bench.json');
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`written to ${path.relative(process.cwd(), file) || file}\n`);
}

// `node --test out/test/` (npm test) runs every .js file under out/test/, this one too:
// a benchmark is not a test, so under the test runner it only says where it runs.
if (process.env.NODE_TEST_CONTEXT) {
  process.stdout.write('# out/test/bench/bench.js is a benchmark, not a test: run `npm run bench`\n');
} else {
  main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exit(1);
  });
}

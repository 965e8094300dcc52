// `npm run bench`: how long `analyze()` takes on generated designs of ~1k, 10k and 50k
// lines, beside the floor — `yaml`'s own parseDocument of the same text, measured in the
// same process and run. A benchmark, not a test: it prints a table and writes
// bench-results/bench.json, and never fails on a number.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseDocument } from 'yaml';
import { analyze } from '../../server/src/engine/analyze';
import { generateDesign } from './generate';

interface Size {
  label: string;
  lines: number;
  warmup: number;
  runs: number;
}

const SIZES: Size[] = [
  { label: '1k', lines: 1_000, warmup: 5, runs: 40 },
  { label: '10k', lines: 10_000, warmup: 3, runs: 15 },
  { label: '50k', lines: 50_000, warmup: 1, runs: 5 },
];

interface Stats {
  median: number;
  p95: number;
  min: number;
  max: number;
  samples: number[];
}

function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  // Nearest rank: with few samples the p95 is the slowest run, as it should be.
  const p95 = s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)];
  return { median, p95, min: s[0], max: s[s.length - 1], samples };
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

const ms = (x: number) => `${x.toFixed(1)} ms`;

function main(): void {
  const rows: string[][] = [['size', 'lines', 'parseDocument median', 'p95', 'analyze median', 'p95', 'analyze / parse']];
  const results: unknown[] = [];
  for (const size of SIZES) {
    const text = generateDesign(size.lines);
    const lines = text.split('\n').length;
    const findings = analyze(text).findings.length;
    // Alternate the two measurements' order per size so neither always runs on a warmer heap.
    const measureParse = () => time(() => parseDocument(text), size.warmup, size.runs);
    const measureAnalyze = () => time(() => analyze(text), size.warmup, size.runs);
    let parse: Stats;
    let full: Stats;
    if (SIZES.indexOf(size) % 2 === 0) {
      parse = measureParse();
      full = measureAnalyze();
    } else {
      full = measureAnalyze();
      parse = measureParse();
    }
    const ratio = full.median / parse.median;
    rows.push([size.label, String(lines), ms(parse.median), ms(parse.p95), ms(full.median), ms(full.p95), `${ratio.toFixed(2)}×`]);
    results.push({ size: size.label, lines, chars: text.length, findings, runs: size.runs, warmup: size.warmup, parseDocument: parse, analyze: full, ratio });
    process.stderr.write(`bench: ${size.label} done\n`);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const table = rows.map((r) => r.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
  process.stdout.write(table + '\n');
  const outDir = path.join(__dirname, '..', '..', '..', 'bench-results');
  fs.mkdirSync(outDir, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadavg: os.loadavg(),
    unit: 'ms',
    results,
  };
  const file = path.join(outDir, 'bench.json');
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`written to ${path.relative(process.cwd(), file) || file}\n`);
}

// `node --test out/test/` (npm test) runs every .js file under out/test/, this one too:
// a benchmark is not a test, so under the test runner it only says where it runs.
if (process.env.NODE_TEST_CONTEXT) {
  process.stdout.write('# out/test/bench/bench.js is a benchmark, not a test: run `npm run bench`\n');
} else {
  main();
}

// The language server's latencies, measured as an editor sees them (over stdio, through a
// real client), for designs of 1k, 10k and 50k lines: didOpen → publishDiagnostics,
// didChange (one character inside a list item in the middle) → publishDiagnostics, hover,
// completion and code action (median and p95), the server's memory, and spawn → first
// diagnostics; with `yaml`'s parseDocument of the same text in the same run as the floor.
// A benchmark, never a timed test. bench.ts runs it as part of `npm run bench`; alone:
//
//   node out/test/bench/lsp-bench.js [1000 10000 50000]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { IDLE_MS } from '../../server/src/lsp/idleGc';
import { LspClient, REPO_ROOT } from '../support/lspClient';
import { generateDesign } from './generate';
import { since, stats, Stats } from './stats';

const ms = since;

function rss(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: +(kb('VmRSS') / 1024).toFixed(1), peakMb: +(kb('VmHWM') / 1024).toFixed(1) };
}

export interface LspRow {
  lines: number;
  bytes: number;
  parseDocument: Stats;
  open: Stats;
  change: Stats;
  hover: Stats;
  completion: Stats;
  codeAction: Stats;
  /** At rest: after the last request, once the server's idle collection (idleGc.ts) has had its turn. */
  rssMb: number;
  /** Right after the last request, before the idle collection. */
  busyRssMb: number;
  peakRssMb: number;
  /** A Node process that loaded `yaml` and holds parseDocument of the same text. */
  floorRssMb: number;
}

/** The offset of the first match of `re` at or after `from`, or at all; -1 when none. */
function findFrom(text: string, re: RegExp, from: number): number {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  g.lastIndex = from;
  const m = g.exec(text) ?? ((g.lastIndex = 0), g.exec(text));
  return m ? m.index : -1;
}

export async function measureLsp(target: number): Promise<LspRow> {
  // One fixable finding in the middle (a fixed backoff), so that code actions have a quick
  // fix to verify; the places used below are looked up, whatever the generator writes.
  const clean = generateDesign(target);
  const half = Math.floor(clean.length / 2);
  const jitter = findFrom(clean, /backoff: exponential-jitter/, half);
  const text = jitter < 0 ? clean : clean.slice(0, jitter) + 'backoff: fixed' + clean.slice(jitter + 'backoff: exponential-jitter'.length);
  const lines = text.split('\n').length - 1;
  const reps = target >= 50_000 ? 5 : target >= 10_000 ? 10 : 20;
  // The edit: one character typed into a scalar of a list item (a call's fallback) in the middle.
  const typed = findFrom(text, /fallback: allow-with-review/, half);
  const reference = findFrom(text, /\bto: \S/, half);
  const enumValue = findFrom(text, /\b(type|backoff|delivery|consistency): /, half);

  // The floor: parseDocument of the text in this process, warmed up as the server is
  // below, then measured once before each open, so that both see the same moment's load
  // (the machine's load moves either by ±40% between runs). Unless a parse takes more
  // than a quarter of the server's idle wait (IDLE_MS; 50k lines: about a second on a
  // slow machine): the server would rest that long between a close and the next open,
  // and its idle collection would run into the open. Then half the samples come right
  // before the opens and half right after, and the opens follow each other at once.
  const parse: number[] = [];
  let slowest = 0;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    parseDocument(text);
    slowest = Math.max(slowest, ms(t));
  }
  const interleave = slowest < IDLE_MS / 4;
  const floor = (n = 1) => {
    for (let i = 0; i < n; i++) {
      const t = process.hrtime.bigint();
      parseDocument(text);
      parse.push(ms(t));
    }
  };

  const c = await LspClient.start();
  try {
    // didOpen → publishDiagnostics, each time as a new document.
    const open: number[] = [];
    const warm = 'file:///bench/warm.design.yaml';
    await c.open(warm, text);
    await c.diagnosticsFor(warm, 1, 300_000);
    await c.close(warm);
    if (!interleave) {
      floor(Math.ceil(reps / 2));
    }
    for (let i = 0; i < reps; i++) {
      if (interleave) {
        floor();
      }
      const uri = `file:///bench/open-${i}.design.yaml`;
      const t = process.hrtime.bigint();
      await c.open(uri, text);
      await c.diagnosticsFor(uri, 1, 300_000);
      open.push(ms(t));
      await c.close(uri);
    }
    if (!interleave) {
      floor(Math.ceil(reps / 2));
    }

    const uri = 'file:///bench/edit.design.yaml';
    await c.open(uri, text);
    const first = await c.diagnosticsFor(uri, 1, 300_000);
    if (!first.length) {
      process.stderr.write(`note: the ${target}-line design has no finding: code actions are measured without a diagnostic\n`);
    }

    // didChange of one character → publishDiagnostics of that version.
    const change: number[] = [];
    const doc = c.docs.get(uri)!;
    if (typed < 0) {
      throw new Error('the generated design has no `fallback: allow-with-review` to edit: update lsp-bench.ts with the generator');
    }
    const at = doc.positionAt(typed + 'fallback: allow-with-'.length);
    // As many keystrokes again before the measured ones, not counted: the steady state of
    // typing, as the opens above are measured after a first, uncounted open.
    for (let i = 0; i < reps * 4; i++) {
      const edit = i % 2 === 0 ? { range: { start: at, end: at }, text: 'x' } : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
      const t = process.hrtime.bigint();
      const v = await c.change(uri, [edit]);
      await c.diagnosticsFor(uri, v, 300_000);
      if (i >= reps * 2) {
        change.push(ms(t));
      }
    }

    const hoverAt = doc.positionAt(reference >= 0 ? reference + 5 : half);
    const completeAt = doc.positionAt(enumValue >= 0 ? text.indexOf(': ', enumValue) + 2 : half);
    const hover: number[] = [];
    const completion: number[] = [];
    const codeAction: number[] = [];
    const n = reps * 2;
    for (let i = 0; i < n; i++) {
      let t = process.hrtime.bigint();
      await c.request('textDocument/hover', { textDocument: { uri }, position: hoverAt });
      hover.push(ms(t));
      t = process.hrtime.bigint();
      await c.request('textDocument/completion', { textDocument: { uri }, position: completeAt });
      completion.push(ms(t));
    }
    const current = await c.diagnosticsFor(uri);
    const d = current.find((x) => x.code === 'RTY006') ?? current[0];
    const where = d?.range ?? { start: hoverAt, end: hoverAt };
    for (let i = 0; i < reps; i++) {
      const t = process.hrtime.bigint();
      await c.request('textDocument/codeAction', { textDocument: { uri }, range: where, context: { diagnostics: d ? [d] : [] } });
      codeAction.push(ms(t));
    }
    const busy = rss(c.child.pid!);
    // "With the design open": what a process monitor shows while the user reads the
    // design, after the server's idle collection and V8's release of the freed pages.
    await new Promise((r) => setTimeout(r, IDLE_MS + 1000));
    const mem = rss(c.child.pid!);
    return {
      floorRssMb: floorRss(text),
      lines,
      bytes: text.length,
      parseDocument: stats(parse),
      open: stats(open),
      change: stats(change),
      hover: stats(hover),
      completion: stats(completion),
      codeAction: stats(codeAction),
      rssMb: mem.rssMb,
      busyRssMb: busy.rssMb,
      peakRssMb: mem.peakMb,
    };
  } finally {
    await c.stop();
  }
}

/** The RSS of a Node process that loaded `yaml` and holds parseDocument of `text`. */
function floorRss(text: string): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-bench-rss-'));
  try {
    const file = path.join(dir, 'd.design.yaml');
    fs.writeFileSync(file, text);
    const r = spawnSync(process.execPath, [path.join(__dirname, 'floor.js'), 'rss', file], { encoding: 'utf8' });
    return +(Number(r.stdout.split(' ')[0]) / 1024).toFixed(1);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface SpawnRow {
  lines: number;
  /** Spawn of `ddr lsp --stdio` → initialize → didOpen → the first publishDiagnostics. */
  firstDiagnostics: Stats;
  /** Spawn of a Node process that loads `yaml`, reads and parses the same file. */
  floor: Stats;
}

/** Spawn → first diagnostics, each repetition a fresh server process; the floor alternates with it. */
export async function measureSpawn(target: number, reps: number): Promise<SpawnRow> {
  const text = generateDesign(target);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-bench-spawn-'));
  const file = path.join(dir, 'd.design.yaml');
  fs.writeFileSync(file, text);
  const first: number[] = [];
  const floor: number[] = [];
  try {
    for (let i = 0; i < reps + 1; i++) {
      let t = process.hrtime.bigint();
      const r = spawnSync(process.execPath, [path.join(__dirname, 'floor.js'), 'parse', file], { encoding: 'utf8' });
      const f = ms(t);
      if (r.status !== 0) {
        throw new Error(`floor.js failed: ${r.stderr}`);
      }
      t = process.hrtime.bigint();
      const c = await LspClient.start();
      const uri = 'file:///bench/spawn.design.yaml';
      try {
        await c.open(uri, text);
        await c.diagnosticsFor(uri, 1, 60_000);
        const d = ms(t);
        // The first repetition warms the file cache and is not counted.
        if (i > 0) {
          first.push(d);
          floor.push(f);
        }
      } finally {
        await c.stop();
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { lines: text.split('\n').length - 1, firstDiagnostics: stats(first), floor: stats(floor) };
}

function table(rows: LspRow[]): string {
  const head = ['lines', 'parseDocument', 'didOpen→diag', 'didChange→diag', 'hover', 'completion', 'codeAction', 'RSS MB (peak)'];
  const f = (s: Stats) => `${s.median} / ${s.p95}`;
  const body = rows.map((r) => [String(r.lines), f(r.parseDocument), f(r.open), f(r.change), f(r.hover), f(r.completion), f(r.codeAction), `${r.rssMb} (${r.peakRssMb})`]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((x, i) => x.padStart(widths[i])).join('  ');
  return ['Language server, ms (median / p95); the floor is yaml parseDocument of the same text', line(head), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const rows: LspRow[] = [];
  for (const size of sizes.length ? sizes : [1000, 10_000, 50_000]) {
    rows.push(await measureLsp(size));
    process.stderr.write(`measured ${size} lines\n`);
  }
  const out = path.join(REPO_ROOT, 'bench-results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'lsp-bench.json'), JSON.stringify({ node: process.version, date: new Date().toISOString(), rows }, null, 2) + '\n');
  process.stdout.write(table(rows) + '\n' + `written to ${path.relative(process.cwd(), path.join(out, 'lsp-bench.json'))}\n`);
}

// `node --test out/test/` also loads every .js under a `test` folder: a benchmark run by the
// test runner does nothing (it is a benchmark, never a timed test). Imported by bench.ts, it
// only exports its measurements.
if (!process.env.NODE_TEST_CONTEXT && require.main === module) {
  main().catch((e) => {
    process.stderr.write(String(e?.stack ?? e) + '\n');
    process.exit(1);
  });
}

// Replays test/corpus/ (see its README): every input that once crashed, hung or misled
// the engine, the CLI's decoder or the language server, checked against the same
// properties as the fuzzer's, so that each stays fixed.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze, IncrementalAnalyzer } from '../server/src/engine/analyze';
import type { Settings } from '../server/src/engine/rule';
import { decode } from '../server/src/cli/lint';
import { checkAnalysis, checkFixes, checkIncrementalStep, timeBoundMs } from './fuzz/checks';
import { REPO_ROOT, serverCommand } from './support/lspClient';

const CORPUS = path.join(REPO_ROOT, 'test', 'corpus');

export interface CorpusCase {
  name: string;
  text: string;
  settings?: Partial<Settings>;
  expect: string[];
  expectNone: string[];
  /** True when the file repeats lines: it can be loaded at another scale. */
  scalable: boolean;
}

/**
 * A corpus file as the engine sees it: repeat blocks expanded (their counts multiplied by
 * `scale`), header directives read.
 */
export function loadCase(file: string, scale = 1): CorpusCase {
  const name = path.basename(file);
  if (name.endsWith('.bin')) {
    return { name, text: decode(fs.readFileSync(file)).text, expect: [], expectNone: [], scalable: false };
  }
  const source = fs.readFileSync(file, 'utf8');
  const lines = source.split(/(?<=\n)/);
  const out: string[] = [];
  let block: string[] | undefined;
  let times = 0;
  const expect: string[] = [];
  const expectNone: string[] = [];
  let settings: Partial<Settings> | undefined;
  let scalable = false;
  for (const line of lines) {
    const start = /^# ddr-corpus: repeat (\d+)\s*$/.exec(line);
    if (start) {
      block = [];
      times = Math.round(Number(start[1]) * scale);
      scalable = true;
      continue;
    }
    if (block && /^# ddr-corpus: end\s*$/.test(line)) {
      for (let i = 0; i < times; i++) {
        for (const b of block) {
          out.push(b.replace(/\{i\}/g, String(i)));
        }
      }
      block = undefined;
      continue;
    }
    if (block) {
      block.push(line);
      continue;
    }
    const e = /^# expect: (.*?)\r?\n?$/.exec(line);
    if (e) {
      expect.push(e[1]);
    }
    const n = /^# expect-none: (.*?)\r?\n?$/.exec(line);
    if (n) {
      expectNone.push(n[1]);
    }
    const s = /^# settings: (.*?)\r?\n?$/.exec(line);
    if (s) {
      settings = JSON.parse(s[1]) as Partial<Settings>;
    }
    out.push(line);
  }
  assert.equal(block, undefined, `${name}: a repeat block without its end`);
  return { name, text: out.join(''), settings, expect, expectNone, scalable };
}

function files(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|bin)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every offset of a small text; evenly spread ones of a large one. */
function offsets(text: string): number[] {
  if (text.length <= 3000) {
    return Array.from({ length: text.length + 1 }, (_, i) => i);
  }
  return Array.from({ length: 12 }, (_, i) => Math.floor((i * text.length) / 11));
}

describe('the corpus: every input that once broke ddr', () => {
  test('holds cases, each with a header naming its defect', () => {
    const all = files(CORPUS);
    assert.ok(all.length >= 10, `${all.length} files`);
    for (const f of all.filter((x) => !x.endsWith('.bin'))) {
      const head = fs.readFileSync(f, 'utf8').split('\n', 3).join('\n');
      assert.match(head, /^# (Defect|Not a crash)/, `${path.basename(f)} starts with a comment saying what it found`);
    }
  });

  for (const file of files(CORPUS)) {
    const c = loadCase(file);
    test(`${c.name}: no throw, ranges inside, linear time, incremental = full, fixes keep their promises`, { timeout: 120_000 }, () => {
      const a = checkAnalysis(c.text, c.settings, offsets(c.text));
      for (const want of c.expect) {
        assert.ok(
          a.findings.some((f) => `${f.ruleId} ${f.message}`.includes(want)),
          `a finding containing ${JSON.stringify(want)}; got ${a.findings.slice(0, 5).map((f) => `${f.ruleId} ${f.message}`).join(' | ')}`,
        );
      }
      for (const unwanted of c.expectNone) {
        const bad = a.findings.find((f) => `${f.ruleId} ${f.message}`.includes(unwanted));
        assert.equal(bad, undefined, `no finding containing ${JSON.stringify(unwanted)}`);
      }
      if (c.scalable) {
        // A quarter of the repetitions must take about a quarter of the time: work that
        // grows faster than the text (each of these once did) shows as a larger ratio.
        const quarter = loadCase(file, 0.25);
        const time = (t: string) => {
          const t0 = performance.now();
          analyze(t, c.settings);
          return performance.now() - t0;
        };
        const [q1, f1, q2, f2] = [time(quarter.text), time(c.text), time(quarter.text), time(c.text)];
        const [small, large] = [Math.min(q1, q2), Math.min(f1, f2)];
        assert.ok(large <= 10 * small + timeBoundMs(0) / 3, `×4 the repetitions took ${(large / small).toFixed(1)}× the time (${small.toFixed(0)} ms → ${large.toFixed(0)} ms)`);
      }
      if (!c.settings && c.text.length < 100_000) {
        // The incremental analysis from scratch, then after its last line changes.
        const inc = new IncrementalAnalyzer();
        const cut = c.text.lastIndexOf('\n', c.text.length - 2) + 1;
        checkIncrementalStep(inc, c.text.slice(0, cut), 'the text without its last line');
        checkIncrementalStep(inc, c.text, 'the whole text');
        checkIncrementalStep(inc, c.text + 'owners: [x]\n', 'a line added');
      }
      if (c.text.length < 20_000) {
        checkFixes(c.text, c.settings, 40);
      }
      if (c.text.length < 100_000) {
        assert.deepEqual(analyze(c.text, c.settings).findings, a.findings, 'deterministic');
      }
    });
  }
});

describe('the corpus: byte streams for the language server', () => {
  for (const file of files(path.join(CORPUS, 'jsonrpc'))) {
    test(`${path.basename(file)}: the server still answers and exits cleanly`, { timeout: 30_000 }, async () => {
      const child = spawn(process.execPath, serverCommand(), { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (d) => (out += String(d)));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // Killed at the end whatever happens: a deaf server must fail the test, not hang it.
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      try {
        child.stdin!.write(fs.readFileSync(file));
        const send = (o: object) => {
          const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...o }));
          child.stdin!.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
        };
        send({ id: 424242, method: 'shutdown' });
        const deadline = Date.now() + 10_000;
        while (!out.includes('"id":424242') && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(out.includes('"id":424242'), `shutdown answered; stdout: ${out.slice(-500)}`);
        send({ method: 'exit' });
        assert.equal(await exited, 0);
      } finally {
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
        }
      }
    });
  }
});

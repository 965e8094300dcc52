// `ddr lint` on many files analyses them on worker threads beside the main thread. What a
// user sees must not change: the same output, in the same order, with the same messages on
// stderr and the same exit code as on one thread. Which threads analysed which files is
// read from DDR_TEST_ANALYSED_LOG (every analysis logs `path<TAB>thread id`), so that a
// "parallel" run that quietly stayed on one thread fails the test.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe as suite, test } from 'node:test';
import { analyseText, Outcome } from '../server/src/cli/analyseFile';
import { analyseInThreads, autoThreads, Job, MIN_BYTES, MIN_FILES } from '../server/src/cli/parallel';
import { generateDesign } from './bench/generate';
import { RELATED, SHOP } from './support/designs';

const repoRoot = path.join(__dirname, '..', '..');
const BIN = path.join(repoRoot, 'bin', 'ddr.js');

const temps: string[] = [];
after(() => {
  for (const t of temps) {
    fs.rmSync(t, { recursive: true, force: true });
  }
});

function tempDir(prefix = 'ddr-parallel-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Thread id of each analysis. */
  threads: string[];
}

function ddr(args: string[], cwd: string): Run {
  const log = path.join(tempDir('ddr-parallel-log-'), 'analysed.log');
  const env: NodeJS.ProcessEnv = { ...process.env, DDR_TEST_ANALYSED_LOG: log };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const threads = fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[1])
    : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, threads };
}


/**
 * 40 generated designs of 160–550 lines with slips of every severity, and files that are
 * hard to read alike on two threads: a BOM, invalid UTF-8, non-ASCII text, a YAML error,
 * a duplicate name with related information, a waiver, and a dangling symlink.
 */
function manyDesigns(count = 40): string {
  const dir = tempDir();
  for (let i = 0; i < count; i++) {
    let text = generateDesign(160 + 10 * i, 100 + i);
    if (i % 3 === 0) {
      text = text.replace('backoff: exponential-jitter', 'backoff: fixed');
    }
    if (i % 4 === 0) {
      text = text.replace('description:', 'desciption:');
    }
    if (i % 5 === 0) {
      text = text.replace(/ {8}timeout: \d+s\n/, '');
    }
    if (i % 7 === 0) {
      text = text.replace('owners: [platform-team]', 'owners: [platform-team');
    }
    fs.writeFileSync(path.join(dir, `g${String(i).padStart(2, '0')}.design.yaml`), text);
  }
  fs.writeFileSync(path.join(dir, 'shop.design.yaml'), SHOP);
  fs.writeFileSync(path.join(dir, 'related.design.yaml'), RELATED);
  fs.writeFileSync(path.join(dir, 'bom.design.yaml'), '\ufeff' + SHOP);
  fs.writeFileSync(path.join(dir, 'wide.design.yaml'), SHOP.replace('# Shop events.', '# Shöp événts 🚚'));
  fs.writeFileSync(path.join(dir, 'bytes.design.yaml'), Buffer.concat([Buffer.from('design: shop\ndsl: 1\ndescr'), Buffer.from([0xff]), Buffer.from('ption: x\n')]));
  fs.symlinkSync(path.join(dir, 'nowhere.design.yaml'), path.join(dir, 'dangling.design.yaml'));
  return dir;
}

suite('ddr lint on many files', () => {
  test('worker threads print exactly what one thread prints, in every format', () => {
    const dir = manyDesigns();
    const files = fs.readdirSync(dir).length - 1; // the dangling link is not analysed
    const compare = (args: string[], threads: string) => {
      const one = ddr(['lint', ...args, '--concurrency', 'off'], dir);
      const more = ddr(['lint', ...args, '--concurrency', threads], dir);
      const what = `${args.join(' ')} --concurrency ${threads}`;
      assert.deepEqual(new Set(one.threads), new Set(['0']), `${what}: --concurrency off analyses on the main thread only`);
      assert.equal(one.threads.length, files, `${what}: every readable file analysed once`);
      assert.equal(more.threads.length, files, `${what}: every readable file analysed once, on threads`);
      assert.equal(more.stdout, one.stdout, what);
      assert.equal(more.stderr, one.stderr, what);
      assert.equal(more.code, one.code, what);
      return more;
    };
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const more = compare(['--format', format], '3');
      assert.ok(new Set(more.threads).size >= 2, `${format}: workers analysed some files (threads ${[...new Set(more.threads)].join(', ')})`);
    }
    compare(['--quiet', '--rule', 'RTY006=error'], '2');
    // What auto picks depends on the machine's cores and load (unit-tested below); the output never does.
    compare([], 'auto');
    // Outcomes from workers go into the cache like the main thread's.
    const cached = ddr(['lint', '--cache', '--concurrency', '3', '--format', 'json'], dir);
    assert.ok(new Set(cached.threads).size >= 2, 'workers analysed some files for the cache');
    const again = ddr(['lint', '--cache', '--format', 'json'], dir);
    assert.deepEqual(again.threads, [], 'the second run analyses nothing');
    assert.equal(again.stdout, ddr(['lint', '--format', 'json', '--concurrency', 'off'], dir).stdout);
    assert.equal(cached.stdout, again.stdout);
    // The run has something to show: errors, warnings, infos, a YAML error, and the unreadable link.
    const one = ddr(['lint', '--concurrency', 'off'], dir);
    assert.equal(one.code, 2);
    assert.equal(one.stderr, 'ddr: bytes.design.yaml: not valid UTF-8 (line 3, column 6): read with U+FFFD for the invalid bytes\nddr: dangling.design.yaml: no such file or directory\n');
    for (const id of ['DSN001', 'DSN002', 'DSN005', 'DLV001', 'RTY006', 'ORD006']) {
      assert.match(one.stdout, new RegExp(`  ${id}  `), `${id} among the findings`);
    }
  });

  test('auto stays on the main thread for few or small files', () => {
    const small = tempDir();
    for (let i = 0; i < MIN_FILES + 2; i++) {
      fs.writeFileSync(path.join(small, `s${i}.design.yaml`), SHOP);
    }
    const r = ddr(['lint'], small);
    assert.deepEqual(new Set(r.threads), new Set(['0']));
    assert.equal(r.threads.length, MIN_FILES + 2);
  });

  test('--concurrency takes a whole number ≥ 1, auto or off', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'shop.design.yaml'), SHOP);
    for (const bad of ['0', '-1', 'many', '1.5', '']) {
      const r = ddr(['lint', `--concurrency=${bad}`], dir);
      assert.deepEqual(
        { code: r.code, stdout: r.stdout, stderr: r.stderr },
        { code: 2, stdout: '', stderr: `ddr: --concurrency needs a whole number ≥ 1, auto or off, not \`${bad}\`\nRun \`ddr lint --help\` for usage.\n` },
        bad,
      );
    }
    const plain = ddr(['lint'], dir);
    for (const good of ['1', '4', 'auto', 'off']) {
      const r = ddr(['lint', '--concurrency', good], dir);
      assert.deepEqual([r.code, r.stdout, r.stderr], [plain.code, plain.stdout, plain.stderr], good);
    }
  });

  test('--fix on many files fixes each as --fix on that file alone does', () => {
    const dir = manyDesigns(MIN_FILES + 4);
    fs.rmSync(path.join(dir, 'dangling.design.yaml'));
    const alone = tempDir();
    const names = fs.readdirSync(dir).filter((f) => f.endsWith('.design.yaml'));
    for (const f of names) {
      fs.copyFileSync(path.join(dir, f), path.join(alone, f));
    }
    const all = ddr(['lint', '--fix'], dir);
    const notes: string[] = [];
    for (const f of names) {
      notes.push(...ddr(['lint', '--fix', f], alone).stdout.split('\n').filter((l) => /: fixed \d+ finding/.test(l)));
      assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), fs.readFileSync(path.join(alone, f), 'utf8'), f);
    }
    assert.ok(notes.length >= 3, 'several files had something to fix');
    assert.deepEqual(
      all.stdout.split('\n').filter((l) => /: fixed \d+ finding/.test(l)),
      notes,
    );
  });
});

suite('analyseInThreads', () => {
  function jobsOf(texts: string[]): Job[] {
    return texts.map((text, i) => ({ file: `/virtual/f${i}.design.yaml`, raw: Buffer.from(text), text }));
  }

  const texts = Array.from({ length: 12 }, (_, i) => generateDesign(200 + 20 * i, 500 + i).replace(i % 2 ? 'backoff: exponential-jitter' : 'description:', i % 2 ? 'backoff: fixed' : 'desciption:'));

  test('the workers and the main thread share the files; outcomes come back in file order', async () => {
    const log = path.join(tempDir(), 'analysed.log');
    const saved = process.env.DDR_TEST_ANALYSED_LOG;
    process.env.DDR_TEST_ANALYSED_LOG = log;
    const expected = texts.map((t, i) => analyseText(t, {}, `/expected/${i}`));
    const sleeper = new Int32Array(new SharedArrayBuffer(4));
    let here = 0;
    try {
      const jobs = jobsOf(texts);
      const got = await analyseInThreads(jobs, {}, 3, (job) => {
        // The main thread waits (up to 60 s) until a worker has analysed a file, so that the
        // workers surely take part however slowly they start.
        for (let waited = 0; waited < 60_000 && !fs.readFileSync(log, 'utf8').split('\n').some((l) => l.startsWith('/virtual/') && !l.endsWith('\t0')); waited += 10) {
          Atomics.wait(sleeper, 0, 0, 10);
        }
        here++;
        return analyseText(job.text, {}, job.file);
      });
      const byWorkers = fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('/virtual/') && !l.endsWith('\t0'));
      assert.ok(byWorkers.length >= 1, 'workers analysed files');
      assert.equal(here + byWorkers.length, texts.length, 'each file analysed once');
      assert.deepEqual(strip(got), strip(expected));
    } finally {
      if (saved === undefined) {
        delete process.env.DDR_TEST_ANALYSED_LOG;
      } else {
        process.env.DDR_TEST_ANALYSED_LOG = saved;
      }
    }
  });

  test('files a failed worker took are analysed on the main thread', async () => {
    const dir = tempDir();
    const dies = path.join(dir, 'dies.js');
    // Takes a file from the counter, then fails before answering.
    fs.writeFileSync(dies, "const { workerData } = require('node:worker_threads'); Atomics.add(new Int32Array(workerData.next), 0, 1); throw new Error('worker failed');\n");
    const exits = path.join(dir, 'exits.js');
    fs.writeFileSync(exits, "const { workerData } = require('node:worker_threads'); Atomics.add(new Int32Array(workerData.next), 0, 1); process.exit(3);\n");
    const expected = strip(texts.map((t, i) => analyseText(t, {}, `/expected/${i}`)));
    for (const script of [dies, exits, path.join(dir, 'missing.js')]) {
      let here = 0;
      const got = await analyseInThreads(
        jobsOf(texts),
        {},
        3,
        (job) => {
          here++;
          return analyseText(job.text, {}, job.file);
        },
        script,
      );
      assert.equal(here, texts.length, `${path.basename(script)}: the main thread analysed every file`);
      assert.deepEqual(strip(got), expected, path.basename(script));
    }
  });

  test('autoThreads: one thread for few or small files, otherwise a worker per idle core but two (but one from 4 MB), at most one per 4 files', () => {
    const jobs = (n: number, bytes: number) => Array.from({ length: n }, (_, i): Job => ({ file: `/f${i}`, raw: new Uint8Array(bytes), text: '' }));
    const kB = 1024;
    assert.equal(autoThreads(jobs(MIN_FILES - 1, MIN_BYTES), 8, 0), 1, 'few files');
    assert.equal(autoThreads(jobs(1000, 100), 8, 0), 1, 'small files');
    assert.equal(autoThreads(jobs(300, 20 * kB), 1, 0), 1, 'one core');
    assert.equal(autoThreads(jobs(100, 20 * kB), 2, 0), 1, 'two idle cores, 2 MB: a worker does not pay');
    assert.equal(autoThreads(jobs(300, 20 * kB), 2, 0), 2, 'two idle cores, 6 MB: one worker');
    assert.equal(autoThreads(jobs(300, 20 * kB), 2, 0.6), 1, 'two cores, one of them busy');
    assert.equal(autoThreads(jobs(100, 20 * kB), 4, 0), 3, 'four idle cores: two workers');
    assert.equal(autoThreads(jobs(100, 20 * kB), 4, 1), 2, 'four cores, one busy: one worker');
    assert.equal(autoThreads(jobs(MIN_FILES, MIN_BYTES / MIN_FILES), 8, 0), 3, '8 files: 2 workers');
    assert.equal(autoThreads(jobs(12, MIN_BYTES / MIN_FILES), 8, 0), 4, '12 files: 3 workers');
    assert.equal(autoThreads(jobs(100, 20 * kB), 8, 0), 7, '100 files on 8 idle cores: 6 workers');
    assert.equal(autoThreads(jobs(100, 20 * kB), 8, 4.2), 3, 'load 4.2 on 8 cores: 2 workers');
    assert.equal(autoThreads(jobs(100, 20 * kB), 8, 9), 1, 'a busy machine');
  });
});

/** Outcomes without the parse's line starts (a worker's and the main thread's are equal anyway). */
function strip(outcomes: Outcome[]): Outcome[] {
  return outcomes.map((o) => ({ findings: o.findings, waived: o.waived, ruleErrors: o.ruleErrors }));
}

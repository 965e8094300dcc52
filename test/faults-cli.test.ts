// `ddr lint` when the file system misbehaves (issue 7): unreadable files, symlink loops,
// a file deleted while linting, invalid UTF-8, files too large to read, a file changed on
// disk during --fix, a full disk, and a run killed half-way. Each file gets one clear
// line, the other files are still linted, and no file is ever written half.
//
// Faults that depend on timing are injected in-process (the real `main` with the real
// file system, one call of it made to fail) so that they happen every time; the killed run
// and the unreadable file use the real bin.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
// The module object itself (not a namespace copy): patching it reaches every importer.
import fsModule from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { fixAll } from '../server/src/engine/analyze';
import { main } from '../server/src/cli/main';

const REPO = path.join(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'ddr.js');

const temps: string[] = [];
after(() => {
  for (const t of temps) {
    fs.rmSync(t, { recursive: true, force: true });
  }
});

function tempDir(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-faults-'));
  fs.chmodSync(dir, 0o755);
  temps.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** A design with one error (DLV001) and one safe fix (RTY006 → exponential-jitter: 3 attempts of 1s and 300ms of backoff stay below the caller's 5s). */
function design(name: string): string {
  return `# ${name}: a comment that must survive --fix
design: ${name}
dsl: 1
services:
  - name: a
    operations:
      - name: op
        type: query
        timeout: 5s
        calls:
          - to: x.y
            external: true
            idempotent: true
            timeout: 1s
            retry: {max_attempts: 3, backoff: fixed, initial_delay: 100ms, budget: 10%, respect_retry_after: true}
            circuit_breaker: {failure_threshold: 50%, open_for: 30s}
channels:
  - name: events   # no delivery: DLV001
    ordering: none
    out_of_order: dropped
`;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `ddr` main, in this process, with its output captured. */
async function ddr(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    cwd,
    env: {},
    stdoutIsTTY: false,
    version: '0.0.0-test',
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
  });
  return { code, stdout, stderr };
}

function noStack(r: Run): void {
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, `no stack trace, no internal error:\n${r.stderr}`);
}

// --- fault injection into the real fs module ---------------------------------------------

type Patch = () => void;
const restores: Patch[] = [];
afterEach(() => {
  while (restores.length) {
    restores.pop()!();
  }
});

/** Replaces one fs function for the duration of a test. */
function patch<K extends keyof typeof fs>(name: K, make: (original: (typeof fs)[K]) => (typeof fs)[K]): void {
  const target = fsModule as unknown as Record<string, unknown>;
  const original = target[name as string] as (typeof fs)[K];
  target[name as string] = make(original);
  restores.push(() => (target[name as string] = original));
}

/** Paths of open descriptors, so that a read through a descriptor can be told apart. */
function trackOpens(): Map<number, string> {
  const paths = new Map<number, string>();
  patch('openSync', (orig) => ((p: fs.PathLike, ...rest: unknown[]) => {
    const fd = (orig as (...a: unknown[]) => number)(p, ...rest);
    paths.set(fd, String(p));
    return fd;
  }) as typeof fs.openSync);
  return paths;
}

describe('files that cannot be read', () => {
  test('an unreadable file: one line saying so, the others linted, exit 2', () => {
    const dir = tempDir({ 'a.design.yaml': design('a'), 'secret.design.yaml': design('secret'), 'z.design.yaml': design('z') });
    fs.chmodSync(path.join(dir, 'secret.design.yaml'), 0o000);
    // As root every file is readable: run as `nobody` then.
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json', '.'], { cwd: dir, encoding: 'utf8', ...asUser });
    assert.equal(r.stderr, 'ddr: secret.design.yaml: permission denied\n');
    assert.deepEqual(
      (JSON.parse(r.stdout) as Array<{ file: string }>).map((f) => f.file),
      ['a.design.yaml', 'z.design.yaml'],
    );
    assert.equal(r.status, 2);
  });

  test('a file deleted between listing and reading: one line, the others linted', async () => {
    const dir = tempDir({ 'a.design.yaml': design('a'), 'gone.design.yaml': design('gone'), 'z.design.yaml': design('z') });
    patch('openSync', (orig) => ((p: fs.PathLike, ...rest: unknown[]) => {
      if (String(p).endsWith('gone.design.yaml')) {
        fs.unlinkSync(p);
      }
      return (orig as (...a: unknown[]) => number)(p, ...rest);
    }) as typeof fs.openSync);
    const r = await ddr(['lint', '.'], dir);
    noStack(r);
    assert.equal(r.stderr, 'ddr: gone.design.yaml: no such file or directory\n');
    assert.match(r.stdout, /^a\.design\.yaml:\d+:\d+ {2}error {2}DLV001/m);
    assert.match(r.stdout, /^z\.design\.yaml:\d+:\d+ {2}error {2}DLV001/m);
    assert.equal(r.code, 2);
  });

  test('a file deleted during --fix is not written back into existence', async () => {
    const dir = tempDir({ 'a.design.yaml': design('a'), 'gone.design.yaml': design('gone') });
    const paths = trackOpens();
    patch('readFileSync', (orig) => ((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      const out = (orig as (...a: unknown[]) => Buffer)(p, ...rest);
      if (typeof p === 'number' && paths.get(p)?.endsWith('gone.design.yaml')) {
        fs.unlinkSync(paths.get(p)!);
      }
      return out;
    }) as typeof fs.readFileSync);
    const r = await ddr(['lint', '--fix', '.'], dir);
    noStack(r);
    assert.equal(r.stderr, 'ddr: gone.design.yaml: not fixed: no such file or directory\n');
    assert.equal(fs.existsSync(path.join(dir, 'gone.design.yaml')), false);
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), fixAll(design('a')).text);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.design.yaml'], 'no temporary file left');
    assert.equal(r.code, 2);
  });

  test('a file too large to read is refused before reading it; the others are linted', async () => {
    const dir = tempDir({ 'a.design.yaml': design('a') });
    // Sparse: 700 MB on paper, nothing on disk. Read whole, it made the run fail with
    // "internal error: Cannot create a string longer than 0x1fffffe8 characters".
    const big = path.join(dir, 'big.design.yaml');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 700 * 1024 * 1024);
    const r = await ddr(['lint', '.'], dir);
    noStack(r);
    assert.equal(r.stderr, 'ddr: big.design.yaml: not read: 700.0 MB, far over the limit of 4194304 characters (--max-file-size)\n');
    assert.match(r.stdout, /^a\.design\.yaml:\d+:\d+ {2}error {2}DLV001/m);
    assert.equal(r.code, 2);
  });

  test('symlink loops at several levels, through a folder and a glob: the walk ends, each file once', async () => {
    const dir = tempDir({ 'a.design.yaml': design('a'), 'x/b.design.yaml': design('b'), 'x/y/c.design.yaml': design('c') });
    fs.symlinkSync('..', path.join(dir, 'x', 'y', 'up'));
    fs.symlinkSync('../..', path.join(dir, 'x', 'y', 'top'));
    fs.symlinkSync('.', path.join(dir, 'x', 'self'));
    fs.symlinkSync(path.join(dir, 'x'), path.join(dir, 'x', 'y', 'abs'));
    fs.symlinkSync('loop2', path.join(dir, 'loop1'));
    fs.symlinkSync('loop1', path.join(dir, 'loop2'));
    for (const args of [['.'], ['**/*.design.yaml'], ['x', '.']]) {
      const r = await ddr(['lint', '--format', 'json', ...args], dir);
      noStack(r);
      const files = (JSON.parse(r.stdout) as Array<{ file: string }>).map((f) => f.file);
      assert.equal(new Set(files.map((f) => path.basename(f))).size, files.length, `each file once for ${args.join(' ')}: ${files.join(', ')}`);
      assert.deepEqual(files.map((f) => path.basename(f)).sort(), ['a.design.yaml', 'b.design.yaml', 'c.design.yaml'], args.join(' '));
    }
  });
});

describe('invalid UTF-8', () => {
  const bytes = Buffer.concat([Buffer.from('design: u\ndsl: 1\ndescription: caf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]);

  test('is linted with replacement characters and said once, with where the first bad byte is', async () => {
    const dir = tempDir({ 'latin1.design.yaml': bytes, 'ok.design.yaml': design('ok') });
    const r = await ddr(['lint', '.'], dir);
    noStack(r);
    assert.equal(r.stderr, 'ddr: latin1.design.yaml: not valid UTF-8 (line 3, column 17): read with U+FFFD for the invalid bytes\n');
    assert.match(r.stdout, /^ok\.design\.yaml:/m);
    assert.equal(r.code, 1, 'the DLV001 of ok.design.yaml; reading latin1 worked');
  });

  test('--fix does not rewrite it (that would replace its bytes), and says so', async () => {
    // No `dsl`: a safe fix (`dsl: 1`) that --fix would apply to a readable file.
    const text = 'design: u\ndesciption: caf\u00e9\n';
    const raw = Buffer.from(text.replace('\u00e9', '\u0000'), 'utf8');
    raw[raw.indexOf(0)] = 0xe9;
    const dir = tempDir({ 'latin1.design.yaml': raw });
    const r = await ddr(['lint', '--fix', '.'], dir);
    noStack(r);
    assert.equal(
      r.stderr,
      'ddr: latin1.design.yaml: not valid UTF-8 (line 2, column 16): read with U+FFFD for the invalid bytes\n' +
        'ddr: latin1.design.yaml: not fixed: the file is not valid UTF-8, and writing it would replace the invalid bytes\n',
    );
    assert.deepEqual(fs.readFileSync(path.join(dir, 'latin1.design.yaml')), raw);
  });
});

describe('--fix never writes a file half, nor over a newer one', () => {
  test('a file an editor saved while ddr fixed it is left as the editor saved it', async () => {
    const dir = tempDir({ 'a.design.yaml': design('a'), 'edited.design.yaml': design('edited'), 'z.design.yaml': design('z') });
    const saved = design('edited').replace('# edited:', '# saved by the editor meanwhile:');
    const paths = trackOpens();
    patch('readFileSync', (orig) => ((p: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      const out = (orig as (...a: unknown[]) => Buffer)(p, ...rest);
      const file = typeof p === 'number' ? paths.get(p) : undefined;
      if (file?.endsWith('edited.design.yaml')) {
        paths.delete(p as number);
        fs.writeFileSync(file, saved);
      }
      return out;
    }) as typeof fs.readFileSync);
    const r = await ddr(['lint', '--fix', '.'], dir);
    noStack(r);
    assert.equal(r.stderr, 'ddr: edited.design.yaml: not fixed: the file changed on disk while ddr was reading it\n');
    assert.equal(fs.readFileSync(path.join(dir, 'edited.design.yaml'), 'utf8'), saved);
    for (const f of ['a', 'z']) {
      assert.equal(fs.readFileSync(path.join(dir, `${f}.design.yaml`), 'utf8'), fixAll(design(f)).text, `${f} is fixed`);
    }
    assert.equal(r.code, 2);
  });

  test('a disk that fills up mid-write: the file keeps its old text, the half-written copy is removed', async () => {
    const dir = tempDir({ 'a.design.yaml': design('a'), 'full.design.yaml': design('full') });
    patch('writeFileSync', (orig) => ((p: fs.PathOrFileDescriptor, data: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
      if (String(p).includes('full.design.yaml') && String(p).endsWith('.tmp')) {
        (orig as (...a: unknown[]) => void)(p, String(data).slice(0, String(data).length >> 1), ...rest);
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
      }
      return (orig as (...a: unknown[]) => void)(p, data, ...rest);
    }) as typeof fs.writeFileSync);
    const r = await ddr(['lint', '--fix', '.'], dir);
    noStack(r);
    assert.equal(r.stderr, 'ddr: full.design.yaml: not fixed: no space left on device\n');
    assert.equal(fs.readFileSync(path.join(dir, 'full.design.yaml'), 'utf8'), design('full'));
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), fixAll(design('a')).text);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.design.yaml', 'full.design.yaml'], 'no temporary file left');
    assert.equal(r.code, 2);
  });

  test('a run killed at any moment leaves each file whole, old or fixed; readers never see half a file', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    const before = new Map(names.map((n) => [n, design(n)]));
    const fixed = new Map(names.map((n) => [n, fixAll(design(n)).text]));
    for (const delayWrites of [1, 8, 25]) {
      const dir = tempDir(Object.fromEntries(names.map((n) => [`${n}.design.yaml`, before.get(n)!])));
      const child = spawn(process.execPath, [BIN, 'lint', '--fix', '.'], { cwd: dir, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // Read every file over and over while ddr writes them; kill it after some writes.
      let seenFixed = 0;
      let done = false;
      void exited.then(() => (done = true));
      while (!done) {
        seenFixed = 0;
        for (const n of names) {
          let text: string;
          try {
            text = fs.readFileSync(path.join(dir, `${n}.design.yaml`), 'utf8');
          } catch (e) {
            assert.fail(`${n} missing while ddr fixes it: ${String(e)}`);
          }
          assert.ok(text === before.get(n) || text === fixed.get(n), `${n} is neither old nor fixed:\n${text}`);
          seenFixed += text === fixed.get(n) ? 1 : 0;
        }
        if (seenFixed >= delayWrites) {
          child.kill('SIGKILL');
          break;
        }
        await new Promise((r) => setImmediate(r));
      }
      await exited;
      for (const n of names) {
        const text = fs.readFileSync(path.join(dir, `${n}.design.yaml`), 'utf8');
        assert.ok(text === before.get(n) || text === fixed.get(n), `${n} after the kill is neither old nor fixed`);
      }
      const leftovers = fs.readdirSync(dir).filter((f) => !/^f\d\d\.design\.yaml$/.test(f));
      assert.ok(leftovers.every((f) => /^\.f\d\d\.design\.yaml\.ddr-\d+-\w+\.tmp$/.test(f)) && leftovers.length <= 1, `only a temporary file may be left by the kill: ${leftovers.join(', ')}`);
    }
  });
});

describe('limits on the command line', () => {
  const deep = 'design: deep\ndsl: 1\ndescription: [[[[[1]]]]]\n';
  const bomb = 'design: bomb\ndsl: 1\na: &a [1, 2, 3]\nb: [*a, *a, *a]\n';
  const many = 'design: many\ndsl: 1\nchannels:\n  - name: a\n  - name: b\n';

  test('each limit is an option; hitting it gives one finding that names it', async () => {
    const big = `design: big\ndsl: 1\ndescription: ${'x'.repeat(150)}\n`;
    const dir = tempDir({ 'deep.design.yaml': deep, 'bomb.design.yaml': bomb, 'many.design.yaml': many, 'big.design.yaml': big });
    const r = await ddr(['lint', '--max-nesting-depth', '3', '--max-alias-expansion', '5', '--max-findings', '2', '--max-file-size', '100', '.'], dir);
    noStack(r);
    assert.equal(
      r.stdout,
      [
        'big.design.yaml:1:1  error  DSN001  not analysed: the file is 183 characters, over the 100-character limit (setting limits.maxFileSize)',
        'bomb.design.yaml:4:9  error  DSN001  aliases expand the document past 5 nodes at *a (a possible alias bomb): the design is not analysed (setting limits.maxAliasExpansion)',
        'deep.design.yaml:3:17  error  DSN001  nesting deeper than 3 levels (setting limits.maxNestingDepth); the design is not analysed',
        'many.design.yaml:4:11  error  DLV001  channel `a` does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)',
        'many.design.yaml:4:11  warning  ORD001  channel `a` does not declare its ordering guarantee (per-partition, global or none)',
        'many.design.yaml:1:1  info  DSN001  2 more findings are not shown (setting limits.maxFindings is 2)',
        '4 errors, 1 warning, 1 info in 4 files',
        '',
      ].join('\n'),
    );
  });

  test('the defaults: a design within them is analysed whole', async () => {
    const dir = tempDir({ 'deep.design.yaml': deep, 'bomb.design.yaml': bomb, 'many.design.yaml': many });
    const r = await ddr(['lint', '--format', 'json', '.'], dir);
    const ids = (JSON.parse(r.stdout) as Array<{ findings: Array<{ ruleId: string; message: string }> }>).flatMap((f) => f.findings.map((x) => x.message));
    assert.ok(!ids.some((m) => /setting limits\./.test(m)), ids.join('\n'));
  });

  test('a limit must be a whole number ≥ 1', async () => {
    for (const [flag, value] of [['--max-file-size', '0'], ['--max-findings', 'many'], ['--max-alias-expansion', '-3'], ['--max-nesting-depth', '2.5']]) {
      const r = await ddr(['lint', flag, value], tempDir({}));
      assert.deepEqual(r, { code: 2, stdout: '', stderr: `ddr: ${flag} needs a whole number ≥ 1, not \`${value}\`\nRun \`ddr lint --help\` for usage.\n` });
    }
  });
});

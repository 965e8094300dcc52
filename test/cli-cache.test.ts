// `ddr lint --cache` as a user runs it (the real bin/ddr.js on temporary folders): a second
// run prints exactly what the first printed without analysing anything; an edited file is
// the only one analysed again; a change of --rule or of ddr's version drops the cache;
// --fix never trusts it. Which files a run analysed is read from DDR_TEST_ANALYSED_LOG,
// the hook through which every analysis logs its file.
import { tempDir as makeTempDir } from './support/tempDir';
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { CachedPositions, LintCache, positionsOf, settingsKey, statKey } from '../server/src/cli/cache';
import { LineMap } from '../server/src/engine/positions';
import { RELATED, SHOP } from './support/designs';

const repoRoot = path.join(__dirname, '..', '..');
const BIN = path.join(repoRoot, 'bin', 'ddr.js');
const MAIN = path.join(repoRoot, 'out', 'server', 'src', 'cli', 'main.js');

function tempDir(files: Record<string, string | Buffer>): string {
  return makeTempDir(files, 'ddr-cache-');
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Files analysed by this run, relative to its folder, sorted. */
  analysed: string[];
  /** Files this run read (DDR_TEST_READ_LOG), relative to its folder, sorted. */
  read: string[];
}

function ddr(args: string[], cwd: string): Run {
  const logs = makeTempDir({}, 'ddr-cache-log-');
  const log = path.join(logs, 'analysed.log');
  const readLog = path.join(logs, 'read.log');
  const env: NodeJS.ProcessEnv = { ...process.env, DDR_TEST_ANALYSED_LOG: log, DDR_TEST_READ_LOG: readLog };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env, timeout: 60_000 });
  const paths = (file: string) =>
    fs.existsSync(file)
      ? fs
          .readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => path.relative(cwd, l.split('\t')[0]).split(path.sep).join('/'))
          .sort()
      : [];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, analysed: paths(log), read: paths(readLog) };
}

/** Moves the cache file's modification time 10 s on: as if it had been written that long after the files last changed. */
function ageFiles(dir: string, cache = path.join(dir, '.ddrcache')): void {
  const later = new Date(Date.now() + 10_000);
  fs.utimesSync(cache, later, later);
}

const same = (a: Run, b: Run) => assert.deepEqual({ code: a.code, stdout: a.stdout, stderr: a.stderr }, { code: b.code, stdout: b.stdout, stderr: b.stderr });

const CLEAN = `design: clean
dsl: 1
channels:
  - name: audit
    delivery: at-most-once
    ordering: none
    out_of_order: entries carry a timestamp
`;
// Non-ASCII before the findings: positions count UTF-16 code units, not bytes.
const WIDE = `design: wide   # ünïcödé 🚚
dsl: 1
desciption: a typo after an emoji
`;

function project(): string {
  return tempDir({ 'a.design.yaml': SHOP, 'b.design.yaml': RELATED, 'c.design.yaml': CLEAN, 'sub/d.design.yml': WIDE });
}

const ALL = ['a.design.yaml', 'b.design.yaml', 'c.design.yaml', 'sub/d.design.yml'];

suite('ddr lint --cache', () => {
  test('the second run prints the same, in every format, and analyses nothing', () => {
    const dir = project();
    const first = ddr(['lint', '--cache'], dir);
    assert.deepEqual(first.analysed, ALL, 'the first run analyses every file');
    same(first, ddr(['lint'], dir));
    assert.ok(fs.statSync(path.join(dir, '.ddrcache')).isFile(), '.ddrcache in the working folder');
    // The cache holds findings, not a report: every format is served from it.
    for (const format of ['text', 'json', 'sarif', 'github']) {
      const plain = ddr(['lint', '--format', format], dir);
      assert.deepEqual(plain.analysed, ALL);
      const cached = ddr(['lint', '--cache', '--format', format], dir);
      assert.deepEqual(cached.analysed, [], `${format}: a cached run analyses nothing`);
      same(cached, plain);
    }
    assert.match(ddr(['lint', '--cache', '--format', 'sarif'], dir).stdout, /"justification": "consumers sort by timestamp"/, 'waived findings come from the cache too');
  });

  test('a run served from the cache loads neither the engine nor yaml', () => {
    const dir = project();
    assert.equal(ddr(['lint', '--cache'], dir).code, 1);
    const script = `
      const main = require(${JSON.stringify(MAIN)});
      const out = [];
      const code = main.main(['lint', '--cache'], { cwd: ${JSON.stringify(dir)}, env: {}, stdoutIsTTY: false, version: ${JSON.stringify(version())}, stdout: (s) => out.push(s), stderr: (s) => out.push(s) });
      const loaded = Object.keys(require.cache).filter((k) => /[\\\\/](engine[\\\\/](analyze|registry|model)|yaml[\\\\/]|node_modules[\\\\/]yaml)/.test(k));
      process.stdout.write(JSON.stringify({ code, loaded, out: out.join('') }));
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    const got = JSON.parse(r.stdout) as { code: number; loaded: string[]; out: string };
    assert.deepEqual(got.loaded, []);
    assert.equal(got.code, 1);
    assert.equal(got.out, ddr(['lint'], dir).stdout);
  });

  test('an edited file is the only one analysed again', () => {
    const dir = project();
    const first = ddr(['lint', '--cache'], dir);
    fs.writeFileSync(path.join(dir, 'a.design.yaml'), SHOP.replace('desciption', 'description'));
    const second = ddr(['lint', '--cache'], dir);
    assert.deepEqual(second.analysed, ['a.design.yaml']);
    assert.notEqual(second.stdout, first.stdout);
    same(second, ddr(['lint'], dir));
    // Touching a file without changing its bytes is not a change.
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(path.join(dir, 'c.design.yaml'), later, later);
    assert.deepEqual(ddr(['lint', '--cache'], dir).analysed, []);
  });

  test('an unchanged file is not even read once its stat vouches for it (changed over 2 s before the cache was written)', () => {
    const dir = project();
    const plain = ddr(['lint'], dir);
    assert.deepEqual(ddr(['lint', '--cache'], dir).analysed, ALL);
    // Written just now, the files changed within 2 s of the cache: each is read and
    // hashed (git's "racily clean"), and the cache is written again.
    const racy = ddr(['lint', '--cache'], dir);
    assert.deepEqual([racy.analysed, racy.read], [[], ALL]);
    same(racy, plain);
    ageFiles(dir);
    const settled = ddr(['lint', '--cache'], dir);
    assert.deepEqual([settled.analysed, settled.read], [[], []]);
    same(settled, plain);
    // A touched file has another stat: it is read and hashed, not analysed (same bytes),
    // and its entry takes the new stat.
    const later = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(dir, 'c.design.yaml'), later, later);
    const touched = ddr(['lint', '--cache'], dir);
    assert.deepEqual([touched.analysed, touched.read], [[], ['c.design.yaml']]);
    same(touched, plain);
    ageFiles(dir);
    assert.deepEqual(ddr(['lint', '--cache'], dir).read, []);
  });

  test('a file changed within 2 s of the cache is read again even if its stat looks unchanged (a coarse clock)', () => {
    const dir = project();
    ddr(['lint', '--cache'], dir);
    const cachePath = path.join(dir, '.ddrcache');
    const original = fs.readFileSync(cachePath, 'utf8');
    const file = path.join(dir, 'c.design.yaml');
    // The same size, another finding: \`ordering: nope\` is not a value.
    fs.writeFileSync(file, CLEAN.replace('ordering: none', 'ordering: nope'));
    const plain = ddr(['lint'], dir);
    assert.match(plain.stdout, /c\.design\.yaml:6:15 {2}error {2}DSN003/);
    // What a file system with a 1 s or 2 s clock could leave: the stat kept with the old
    // findings equal to the new file's.
    const forge = () => {
      const data = JSON.parse(original) as { files: Record<string, { stat?: string }> };
      const key = Object.keys(data.files).find((k) => fs.realpathSync(k) === fs.realpathSync(file))!;
      const st = fs.statSync(file, { bigint: true });
      data.files[key].stat = statKey(st);
      fs.writeFileSync(cachePath, JSON.stringify(data));
    };
    forge();
    const r = ddr(['lint', '--cache'], dir);
    assert.deepEqual([r.analysed, r.read], [['c.design.yaml'], ALL]);
    same(r, plain);
    // Only the 2 s rule stood between: with the cache aged, the forged stat is trusted
    // and the old findings come back (which is why the rule is there).
    forge();
    ageFiles(dir);
    const trusted = ddr(['lint', '--cache'], dir);
    assert.deepEqual([trusted.analysed, trusted.read], [[], []]);
    assert.doesNotMatch(trusted.stdout, /DSN003/);
  });

  test('a file that is not UTF-8 is read on every run: the run says so on stderr', () => {
    const dir = tempDir({ 'a.design.yaml': SHOP, 'latin1.design.yaml': Buffer.from('design: caf\xe9\ndsl: 1\n', 'latin1') });
    const plain = ddr(['lint'], dir);
    assert.match(plain.stderr, /latin1\.design\.yaml: not valid UTF-8/);
    ddr(['lint', '--cache'], dir);
    ddr(['lint', '--cache'], dir);
    ageFiles(dir);
    const r = ddr(['lint', '--cache'], dir);
    assert.deepEqual([r.analysed, r.read], [[], ['latin1.design.yaml']]);
    same(r, plain);
  });

  test('a new file is analysed; a deleted one leaves the cache', () => {
    const dir = project();
    ddr(['lint', '--cache'], dir);
    fs.writeFileSync(path.join(dir, 'e.design.yaml'), CLEAN.replace('clean', 'e'));
    fs.rmSync(path.join(dir, 'b.design.yaml'));
    const r = ddr(['lint', '--cache'], dir);
    assert.deepEqual(r.analysed, ['e.design.yaml']);
    same(r, ddr(['lint'], dir));
    const files = Object.keys((JSON.parse(fs.readFileSync(path.join(dir, '.ddrcache'), 'utf8')) as { files: object }).files);
    assert.deepEqual(files.map((f) => path.relative(dir, f).split(path.sep).join('/')).sort(), ['a.design.yaml', 'c.design.yaml', 'e.design.yaml', 'sub/d.design.yml']);
  });

  test('changing --rule analyses everything again, and so does changing it back', () => {
    const dir = project();
    ddr(['lint', '--cache'], dir);
    const off = ddr(['lint', '--cache', '--rule', 'DSN002=off'], dir);
    assert.deepEqual(off.analysed, ALL);
    same(off, ddr(['lint', '--rule', 'DSN002=off'], dir));
    assert.doesNotMatch(off.stdout, /DSN002/);
    assert.deepEqual(ddr(['lint', '--cache', '--rule', 'DSN002=off'], dir).analysed, []);
    // The same settings spelled another way are the same settings.
    assert.deepEqual(ddr(['lint', '--cache', '--rule', 'unknown-key=off'], dir).analysed, []);
    const back = ddr(['lint', '--cache'], dir);
    assert.deepEqual(back.analysed, ALL);
    assert.match(back.stdout, /DSN002/);
  });

  test('a cache written by another version of ddr is not used', () => {
    const dir = project();
    ddr(['lint', '--cache'], dir);
    const file = path.join(dir, '.ddrcache');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string };
    assert.equal(data.version, version());
    data.version = '0.0.1-older';
    fs.writeFileSync(file, JSON.stringify(data));
    const r = ddr(['lint', '--cache'], dir);
    assert.deepEqual(r.analysed, ALL);
    same(r, ddr(['lint'], dir));
    assert.equal((JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version, version());
  });

  test('what the cache holds is what is printed (so a stale entry would show), and --fix never trusts it', () => {
    const dir = project();
    // No `dsl`: a safe fix (`dsl: 1`) for --fix; the typo's rename is only a suggestion.
    const noDsl = SHOP.replace('dsl: 1\n', '');
    fs.writeFileSync(path.join(dir, 'a.design.yaml'), noDsl);
    ddr(['lint', '--cache'], dir);
    const file = path.join(dir, '.ddrcache');
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { files: Record<string, { findings: Array<{ message: string }> }> };
    const a = path.join(fs.realpathSync(dir), 'a.design.yaml');
    const key = Object.keys(data.files).find((k) => fs.realpathSync(k) === a)!;
    assert.ok(key, 'a.design.yaml has an entry');
    data.files[key].findings = data.files[key].findings.map((f) => ({ ...f, message: 'from the cache' }));
    fs.writeFileSync(file, JSON.stringify(data));
    const cached = ddr(['lint', '--cache', 'a.design.yaml'], dir);
    assert.deepEqual(cached.analysed, []);
    assert.match(cached.stdout, /^a\.design\.yaml:3:1 {2}warning {2}DSN002 {2}from the cache$/m);
    // --fix analyses the file itself: it adds `dsl` and reports the real findings.
    const fixed = ddr(['lint', '--cache', '--fix', 'a.design.yaml'], dir);
    assert.doesNotMatch(fixed.stdout, /from the cache/);
    assert.match(fixed.stdout, /^a\.design\.yaml: fixed 1 finding \(DSN006\)$/m);
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), noDsl.replace('design: shop\n', 'dsl: 1\ndesign: shop\n'));
    const dry = ddr(['lint', '--cache', '--fix-dry-run', 'b.design.yaml'], dir);
    assert.equal(dry.code, 0);
    // The fixed file's bytes changed: the next cached run analyses it.
    assert.deepEqual(ddr(['lint', '--cache'], dir).analysed, ['a.design.yaml']);
  });

  test('--quiet filters cached findings like fresh ones', () => {
    const dir = project();
    ddr(['lint', '--cache'], dir);
    const quiet = ddr(['lint', '--cache', '--quiet'], dir);
    assert.deepEqual(quiet.analysed, []);
    same(quiet, ddr(['lint', '--quiet'], dir));
  });

  test('--cache-location: a file, or a folder that gets .ddrcache; never without --cache', () => {
    const dir = project();
    fs.mkdirSync(path.join(dir, 'caches'));
    ddr(['lint', '--cache', '--cache-location', 'caches'], dir);
    assert.ok(fs.existsSync(path.join(dir, 'caches', '.ddrcache')));
    assert.deepEqual(ddr(['lint', '--cache', '--cache-location', 'caches/'], dir).analysed, []);
    ddr(['lint', '--cache', '--cache-location', 'new/dir/'], dir);
    assert.ok(fs.existsSync(path.join(dir, 'new', 'dir', '.ddrcache')));
    const f = ddr(['lint', '--cache', '--cache-location', 'my-cache.json'], dir);
    assert.deepEqual(f.analysed, ALL);
    assert.deepEqual(ddr(['lint', '--cache', '--cache-location=my-cache.json'], dir).analysed, []);
    assert.ok(!fs.existsSync(path.join(dir, '.ddrcache')), 'no default cache when a location is given');
    const alone = ddr(['lint', '--cache-location', 'x'], dir);
    assert.deepEqual(
      { code: alone.code, stdout: alone.stdout, stderr: alone.stderr },
      { code: 2, stdout: '', stderr: 'ddr: --cache-location needs --cache\nRun `ddr lint --help` for usage.\n' },
    );
  });

  test('the cache is written whole: no temporary file is left, and a broken cache is replaced', () => {
    const dir = project();
    ddr(['lint', '--cache'], dir);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('.tmp')),
      [],
    );
    fs.writeFileSync(path.join(dir, '.ddrcache'), '{"ddrCache": 1, "files": {"trunc');
    const r = ddr(['lint', '--cache'], dir);
    assert.deepEqual(r.analysed, ALL);
    same(r, ddr(['lint'], dir));
    JSON.parse(fs.readFileSync(path.join(dir, '.ddrcache'), 'utf8'));
  });

  test('a cache that cannot be written is a warning: the report and the exit code are unchanged', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file where a folder should be\n');
    const r = ddr(['lint', '--cache', '--cache-location', 'blocker/cache.json'], dir);
    const plain = ddr(['lint'], dir);
    assert.equal(r.stdout, plain.stdout);
    assert.equal(r.code, plain.code);
    assert.equal(r.stderr, 'ddr: warning: cannot write the cache blocker/cache.json: not a directory\n');
  });

  test('unreadable files are reported as without the cache, run after run', () => {
    const dir = project();
    fs.symlinkSync(path.join(dir, 'nowhere.design.yaml'), path.join(dir, 'broken.design.yaml'));
    const plain = ddr(['lint'], dir);
    assert.equal(plain.code, 2);
    same(ddr(['lint', '--cache'], dir), plain);
    same(ddr(['lint', '--cache'], dir), plain);
  });
});

suite('the cache file', () => {
  const tmp = () => path.join(tempDir({}), 'cache.json');

  test('a file whose rules failed is not kept (the next run reports the failure again)', () => {
    const file = tmp();
    const c = LintCache.load(file, '1.0.0', settingsKey({}));
    const map = new LineMap('design: x\n');
    c.set('/x.design.yaml', 'h1', { findings: [], waived: [], ruleErrors: [{ ruleId: 'RTY001', message: 'boom' }] }, map);
    c.set('/y.design.yaml', 'h2', { findings: [], waived: [], ruleErrors: [] }, map);
    assert.equal(c.save(), undefined);
    const again = LintCache.load(file, '1.0.0', settingsKey({}));
    assert.equal(again.get('/x.design.yaml', 'h1'), undefined);
    assert.deepEqual(again.get('/y.design.yaml', 'h2'), { outcome: { findings: [], waived: [], ruleErrors: [] }, positions: [] });
    assert.equal(again.get('/y.design.yaml', 'other hash'), undefined);
    assert.equal(LintCache.load(file, '1.0.1', settingsKey({})).get('/y.design.yaml', 'h2'), undefined);
    assert.equal(LintCache.load(file, '1.0.0', settingsKey({ severity: { RTY001: 'off' } })).get('/y.design.yaml', 'h2'), undefined);
  });

  test('settings keys: equal settings give one key, in any key order', () => {
    assert.equal(settingsKey({ severity: { A: 'off', B: 'error' } }), settingsKey({ severity: { B: 'error', A: 'off' } }));
    assert.notEqual(settingsKey({ severity: { A: 'off' } }), settingsKey({ severity: { A: 'error' } }));
    assert.notEqual(settingsKey({}), settingsKey({ severity: { A: 'off' } }));
  });

  test('kept positions are those of the text, for findings, related information and waived findings', () => {
    const text = 'a: 1\nbé: 🚚 2\r\nc: 3\n';
    const map = new LineMap(text);
    const finding = { ruleId: 'X', severity: 'error' as const, message: 'm', path: '', range: [8, 11] as [number, number], related: [{ range: [15, 16] as [number, number], message: 'r' }] };
    const waived = { ...finding, range: [0, 1] as [number, number], related: undefined, waiver: { reason: 'r', range: [0, 0] as [number, number] } };
    const kept = new CachedPositions(positionsOf({ findings: [finding], waived: [waived] }, map), () => {
      throw new Error('every printed offset is kept');
    });
    for (const o of [8, 11, 15, 16, 0, 1]) {
      assert.deepEqual(kept.position(o), map.position(o), `offset ${o}`);
    }
    // An offset the cache lacks is located in the text after all.
    const fallback = new CachedPositions([], () => map);
    assert.deepEqual(fallback.position(13), map.position(13));
  });
});

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

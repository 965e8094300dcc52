// Hostile files, caches and terminals (issue 15, the CLI's part), the tests that need no
// root: they pass as a normal user and as root. The cases that need root (device nodes,
// chown, a throwaway user for the 0444 case) are in hostile-cli.privileged.test.ts.
//   items 3, 4 and the class of 2–4: --cache-location is a missing path or a ddr cache;
//     anything else is refused with exit 2 and left as it was; a cache is read only when it
//     is a regular file within MAX_CACHE_BYTES, never blocking on a FIFO;
//   item 5 and its class: every cache entry is checked against its schema and its file;
//     a cache that fails is discarded with one line on stderr and the files are analysed;
//   items 6, 11 (the part a normal user can see): --fix keeps hard links, mode and
//     symlinks, and a full disk leaves the file as it was;
//   item 7 and its class: control characters from a design, a file name or a cache are
//     visible in text and github output (also --no-color, also from the cache), escaped in
//     JSON and SARIF; the escaping of formats to come (escape.ts) is unit-tested here.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { KNOWN_RULE_IDS, MAX_CACHE_BYTES } from '../server/src/cli/cache';
import { CONTROL, dotString, html, jsonText, markdownCode, markdownText, mermaidString, visible } from '../server/src/cli/format/escape';
import { RULES } from '../server/src/engine/registry';
import { SHOP } from './support/designs';
import { ddr, Run, tempDir } from './hostile-cli.support';

const result = (r: Run) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

const FIXED_SHOP = SHOP.replace('desciption', 'description');
const SHOP_TEXT = `a.design.yaml:4:1  warning  DSN002  unknown key \`desciption\` in a design; did you mean \`description\`?
a.design.yaml:6:11  error  DLV001  channel \`order-events\` does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)
a.design.yaml:7:15  info  ORD006  channel \`order-events\` gives no ordering guarantee and does not say how consumers handle out-of-order delivery (\`out_of_order\`)
1 error, 1 warning, 1 info in 1 file
`;
const USAGE_HINT = 'Run `ddr lint --help` for usage.\n';
const NO_CACHE = '(to lint without a cache, leave out --cache)';

// ---------------------------------------------------------------------------------------
// --cache-location: what it may name (items 2–4)

/**
 * How ddr runs against the system's own devices: as root, as nobody, so that a ddr that
 * regressed could not replace /dev/null for the whole machine (a run of these tests
 * against the code before the fix, as root, did); as a normal user, as itself.
 */
function unprivileged(): { uid?: number; gid?: number } {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
}

/** A folder with a.design.yaml that the unprivileged runs may read. */
function systemDeviceDir(): string {
  const dir = tempDir({ 'a.design.yaml': SHOP });
  fs.chmodSync(dir, 0o755);
  return dir;
}

suite('--cache-location names a missing path or a ddr cache, nothing else (items 3, 4; class of 2–4)', () => {
  test('--cache-location on an existing design (item 3): refused with exit 2, the design left as it was', () => {
    const dir = tempDir({ 'x.design.yaml': SHOP });
    const r = ddr(['lint', '--cache', '--cache-location', 'x.design.yaml', 'x.design.yaml'], dir);
    assert.deepEqual(result(r), {
      code: 2,
      stdout: '',
      stderr: `ddr: cannot use x.design.yaml as the cache: it is a file that is not a ddr cache, and ddr writes its cache only to a new file or over a cache of its own\n${USAGE_HINT}`,
    });
    assert.equal(fs.readFileSync(path.join(dir, 'x.design.yaml'), 'utf8'), SHOP);
  });

  test('--cache-location on /dev/zero and /dev/full (item 4): refused at once, with no read of the device', () => {
    const dir = systemDeviceDir();
    for (const dev of ['/dev/zero', '/dev/full']) {
      const t0 = Date.now();
      const r = ddr(['lint', '--cache', '--cache-location', dev, 'a.design.yaml'], dir, unprivileged());
      assert.deepEqual(result(r), { code: 2, stdout: '', stderr: `ddr: cannot use ${dev} as the cache: it is a character device, not a file ${NO_CACHE}\n${USAGE_HINT}` });
      assert.ok(Date.now() - t0 < 10_000, `${dev}: refused in ${Date.now() - t0} ms`);
      assert.ok(fs.statSync(dev).isCharacterDevice());
    }
  });

  test('--cache-location /dev/null: refused with the way to lint without a cache; /dev/null stays a device', () => {
    const dir = systemDeviceDir();
    const before = fs.statSync('/dev/null');
    const r = ddr(['lint', '--cache', '--cache-location', '/dev/null', 'a.design.yaml'], dir, unprivileged());
    assert.deepEqual(result(r), { code: 2, stdout: '', stderr: `ddr: cannot use /dev/null as the cache: it is a character device, not a file ${NO_CACHE}\n${USAGE_HINT}` });
    const after = fs.statSync('/dev/null');
    assert.ok(after.isCharacterDevice());
    assert.deepEqual([after.ino, after.rdev], [before.ino, before.rdev]);
  });

  test('--cache-location on a FIFO (item 4): refused at once, never waits for a writer, the FIFO left', () => {
    const dir = tempDir({ 'a.design.yaml': SHOP });
    mkfifo(path.join(dir, 'fifo'));
    const r = ddr(['lint', '--cache', '--cache-location', 'fifo', 'a.design.yaml'], dir, { timeout: 10_000 });
    assert.deepEqual(result(r), { code: 2, stdout: '', stderr: `ddr: cannot use fifo as the cache: it is a FIFO, not a file ${NO_CACHE}\n${USAGE_HINT}` });
    assert.ok(fs.statSync(path.join(dir, 'fifo')).isFIFO());
    // The default location too, and a folder whose .ddrcache is one.
    mkfifo(path.join(dir, '.ddrcache'));
    assert.equal(ddr(['lint', '--cache', 'a.design.yaml'], dir, { timeout: 10_000 }).code, 2);
    fs.mkdirSync(path.join(dir, 'caches'));
    mkfifo(path.join(dir, 'caches', '.ddrcache'));
    assert.match(ddr(['lint', '--cache', '--cache-location', 'caches', 'a.design.yaml'], dir, { timeout: 10_000 }).stderr, /^ddr: cannot use caches\/\.ddrcache as the cache: it is a FIFO/);
  });

  test('the class: each kind of path, what ddr does with it and what is left there', async () => {
    const dir = tempDir({ 'a.design.yaml': SHOP, 'notes.txt': 'my notes\n', 'empty': '' });
    mkfifo(path.join(dir, 'fifo'));
    fs.symlinkSync('a.design.yaml', path.join(dir, 'link-to-design'));
    fs.symlinkSync('nowhere', path.join(dir, 'dangling'));
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, 'sock'), resolve));
    try {
      const plain = ddr(['lint', 'a.design.yaml'], dir);
      assert.equal(plain.stdout, SHOP_TEXT);
      const refused = (what: string) => ({ code: 2, stdout: '', stderr: `ddr: cannot use ${what}\n${USAGE_HINT}` });
      const cases: Array<[string, ReturnType<typeof result>, (p: string) => void]> = [
        ['missing', result(plain), (p) => assert.match(fs.readFileSync(p, 'latin1'), /^\{"ddrCache":2,/)],
        ['empty', result(plain), (p) => assert.match(fs.readFileSync(p, 'latin1'), /^\{"ddrCache":2,/)],
        ['notes.txt', refused('notes.txt as the cache: it is a file that is not a ddr cache, and ddr writes its cache only to a new file or over a cache of its own'), (p) => assert.equal(fs.readFileSync(p, 'utf8'), 'my notes\n')],
        ['link-to-design', refused('link-to-design as the cache: it is a file that is not a ddr cache, and ddr writes its cache only to a new file or over a cache of its own'), () => assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), SHOP)],
        ['fifo', refused(`fifo as the cache: it is a FIFO, not a file ${NO_CACHE}`), (p) => assert.ok(fs.lstatSync(p).isFIFO())],
        ['sock', refused(`sock as the cache: it is a socket, not a file ${NO_CACHE}`), (p) => assert.ok(fs.lstatSync(p).isSocket())],
        // A dangling symlink: the link is replaced by the cache; nothing is made where it
        // pointed (a design's repository could point it anywhere).
        ['dangling', result(plain), (p) => (assert.ok(fs.lstatSync(p).isFile()), assert.ok(!fs.existsSync(path.join(dir, 'nowhere'))))],
      ];
      for (const [name, expected, left] of cases) {
        const p = path.join(dir, name);
        const r = ddr(['lint', '--cache', '--cache-location', name, 'a.design.yaml'], dir, { timeout: 10_000 });
        assert.deepEqual(result(r), expected, name);
        left(p);
        if (expected.code !== 2) {
          // A ddr cache is written over, run after run; through the symlink, the link stays.
          assert.deepEqual(result(ddr(['lint', '--cache', '--cache-location', name, 'a.design.yaml'], dir)), expected, `${name}, again`);
        }
      }
      assert.ok(fs.lstatSync(path.join(dir, 'link-to-design')).isSymbolicLink());
    } finally {
      server.close();
    }
  });

  test('a path that turns into something else during the run is not written: the cache is checked again just before its write', () => {
    // The check before writing is the one of the start: exercised by a cache whose file
    // is replaced by a design between two runs that share nothing but the path.
    const dir = tempDir({ 'a.design.yaml': SHOP });
    assert.equal(ddr(['lint', '--cache', 'a.design.yaml'], dir).code, 1);
    fs.writeFileSync(path.join(dir, '.ddrcache'), 'design: mine\n');
    assert.equal(ddr(['lint', '--cache', 'a.design.yaml'], dir).code, 2);
    assert.equal(fs.readFileSync(path.join(dir, '.ddrcache'), 'utf8'), 'design: mine\n');
  });

  test('a ddr cache over 256 MiB is not read: discarded with a warning and written again', () => {
    const dir = tempDir({ 'a.design.yaml': SHOP });
    const cache = path.join(dir, '.ddrcache');
    // Sparse: a header and a hole, no 256 MiB written.
    fs.writeFileSync(cache, '{"ddrCache":2,"files":{');
    fs.truncateSync(cache, MAX_CACHE_BYTES + 1);
    const r = ddr(['lint', '--cache', 'a.design.yaml'], dir);
    assert.deepEqual(result(r), {
      code: 1,
      stdout: SHOP_TEXT,
      stderr: `ddr: warning: discarded the cache .ddrcache: ${MAX_CACHE_BYTES + 1} bytes, over the limit of ${MAX_CACHE_BYTES}\n`,
    });
    assert.ok(fs.statSync(cache).size < 10_000);
  });
});

// ---------------------------------------------------------------------------------------
// The cache's entries (item 5)

interface CacheFile {
  files: Record<string, { findings: unknown[]; waived: unknown[]; positions: unknown[]; [k: string]: unknown }>;
  [k: string]: unknown;
}

/**
 * A folder with a.design.yaml and its cache, made once; `edit` writes the cache as first
 * written, changed by `f`, before each run (a run may write it again).
 */
function cached(): { dir: string; plain: Run; key: string; edit(f: (data: CacheFile, key: string) => void): void } {
  const dir = tempDir({ 'a.design.yaml': SHOP });
  const plain = ddr(['lint', 'a.design.yaml'], dir);
  assert.deepEqual(result(ddr(['lint', '--cache', 'a.design.yaml'], dir)), result(plain));
  const file = path.join(dir, '.ddrcache');
  const original = fs.readFileSync(file, 'utf8');
  return {
    dir,
    plain,
    key: Object.keys((JSON.parse(original) as CacheFile).files)[0],
    edit(f) {
      const data = JSON.parse(original) as CacheFile;
      f(data, Object.keys(data.files)[0]);
      fs.writeFileSync(file, JSON.stringify(data));
      // Old enough that its entries would be trusted by stat alone.
      const later = new Date(Date.now() + 10_000);
      fs.utimesSync(file, later, later);
    },
  };
}

suite('every cache entry is checked against its schema and its file (item 5 and its class)', () => {
  test('a cache whose findings hold null (item 5): discarded with one warning, the file analysed, no internal error', () => {
    const c = cached();
    c.edit((d, k) => d.files[k].findings.push(null));
    const r = ddr(['lint', '--cache', 'a.design.yaml'], c.dir);
    assert.deepEqual(result(r), { code: 1, stdout: c.plain.stdout, stderr: `ddr: warning: discarded the cache .ddrcache: the entry of ${c.key}: findings[3]: not a finding\n` });
    // Written again, whole: the next run is quiet and served from it.
    assert.deepEqual(result(ddr(['lint', '--cache', 'a.design.yaml'], c.dir)), result(c.plain));
  });

  test('impossible ranges and unknown severities from the cache (item 5) are never printed', () => {
    const cases: Array<[string, (f: Record<string, unknown>) => void]> = [
      ['a range of 1e30', (f) => (f.range = [1e30, 1e30])],
      ['a range of −5', (f) => (f.range = [-5, 3])],
      ['a range past the end of the file', (f) => (f.range = [SHOP.length + 5, SHOP.length + 6])],
      ['an unknown severity', (f) => (f.severity = 'fatal')],
    ];
    const c = cached();
    for (const [name, change] of cases) {
      c.edit((d, k) => {
        const f = d.files[k].findings[0] as Record<string, unknown>;
        change(f);
        // Positions for the new offsets, so that only the check against the file can catch them.
        const range = f.range as number[];
        d.files[k].positions.push(...range.flatMap((o) => [o, 0, 0]));
      });
      const r = ddr(['lint', '--cache', 'a.design.yaml'], c.dir);
      assert.equal(r.stdout, c.plain.stdout, name);
      assert.equal(r.code, 1, name);
      assert.match(r.stderr, /^ddr: warning: discarded the cache \.ddrcache: [^\n]*\n$/, name);
    }
  });

  test('the class: each way an entry can be wrong gives one warning line and the report of an uncached run', () => {
    type Change = (d: CacheFile, key: string) => void;
    const finding = (d: CacheFile, k: string) => d.files[k].findings[0] as Record<string, unknown>;
    const cases: Array<[string, Change, string]> = [
      ['not JSON', () => undefined, 'not valid JSON'],
      ['files a list', (d) => (d.files = [] as never), 'files is not an object'],
      ['an entry null', (d, k) => (d.files[k] = null as never), 'not an entry'],
      ['a relative path', (d, k) => ((d.files['a.design.yaml'] = d.files[k]), delete d.files[k]), 'not an absolute path'],
      ['__proto__ as a path', (d, k) => Object.defineProperty(d.files, '__proto__', { value: d.files[k], enumerable: true }), 'not an absolute path'],
      ['hash a number', (d, k) => (d.files[k].hash = 5), 'hash is not a string'],
      ['stat an object', (d, k) => (d.files[k].stat = {}), 'stat is not size:mtime:ctime:inode'],
      ['findings an object', (d, k) => (d.files[k].findings = {} as never), 'findings, waived or positions is not a list'],
      ['an unknown rule id', (d, k) => (finding(d, k).ruleId = 'XYZ999'), 'findings[0]: unknown rule id'],
      ['a rule id with a payload', (d, k) => (finding(d, k).ruleId = '\u001b[2J'), 'findings[0]: unknown rule id'],
      ['a message that is a number', (d, k) => (finding(d, k).message = 42), 'findings[0]: message or path is not a string'],
      ['no path', (d, k) => delete finding(d, k).path, 'findings[0]: message or path is not a string'],
      ['fixable a string', (d, k) => (finding(d, k).fixable = 'yes'), 'findings[0]: fixable is not true or false'],
      ['a range of strings', (d, k) => (finding(d, k).range = ['0', '1']), 'findings[0]: range is not [start, end]'],
      ['a range of 1.5', (d, k) => (finding(d, k).range = [1.5, 2]), 'findings[0]: range is not [start, end]'],
      ['a range backwards', (d, k) => (finding(d, k).range = [20, 10]), 'findings[0]: range is not [start, end]'],
      ['a range of three', (d, k) => (finding(d, k).range = [1, 2, 3]), 'findings[0]: range is not [start, end]'],
      ['related null', (d, k) => (finding(d, k).related = [null]), 'findings[0]: related information is not {range, message}'],
      ['a waived finding without its waiver', (d, k) => d.files[k].waived.push({ ...finding(d, k) }), 'waived[0]: waiver is not {reason, range}'],
      ['positions not in threes', (d, k) => d.files[k].positions.push(1), 'positions is not [offset, line, character, …]'],
      ['a negative line', (d, k) => (d.files[k].positions[1] = -1), 'positions[0]: not the position of an offset'],
      ['a line past its offset', (d, k) => (d.files[k].positions[1] = 1e9), 'positions[0]: not the position of an offset'],
      ['an offset without a position', (d, k) => (d.files[k].positions = []), `offset ${(SHOP.indexOf('desciption'))} has no position`],
    ];
    const c = cached();
    for (const [name, change, why] of cases) {
      c.edit(change);
      if (name === 'not JSON') {
        fs.writeFileSync(path.join(c.dir, '.ddrcache'), '{"ddrCache":2,"files":{"trunc');
      }
      const r = ddr(['lint', '--cache', 'a.design.yaml'], c.dir);
      const where = /^(not valid JSON|files is not an object)$/.test(why) ? '' : `the entry of ${name === 'a relative path' ? 'a.design.yaml' : name === '__proto__ as a path' ? '__proto__' : c.key}: `;
      assert.deepEqual(result(r), { code: 1, stdout: c.plain.stdout, stderr: `ddr: warning: discarded the cache .ddrcache: ${where}${why}\n` }, name);
    }
  });

  test('the cache knows every rule id of the registry, without loading it', () => {
    assert.deepEqual([...KNOWN_RULE_IDS].sort(), RULES.map((r) => r.id).sort(), 'cache.ts KNOWN_RULE_IDS must list every rule id of the registry');
  });
});

// ---------------------------------------------------------------------------------------
// --fix: links, mode, space (items 6, 11, the part a normal user sees)

suite('--fix keeps what a file is beyond its bytes (items 6, 11)', () => {
  test('--fix splits hard links (item 11): no longer; both names show the fixed text, one inode', () => {
    const dir = tempDir({ 'a.design.yaml': SHOP });
    fs.linkSync(path.join(dir, 'a.design.yaml'), path.join(dir, 'other-name.yaml'));
    const before = fs.statSync(path.join(dir, 'a.design.yaml'));
    const r = ddr(['lint', '--fix', 'a.design.yaml'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^a\.design\.yaml: fixed 1 finding \(DSN002\)$/m);
    assert.equal(fs.readFileSync(path.join(dir, 'other-name.yaml'), 'utf8'), FIXED_SHOP);
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), FIXED_SHOP);
    const after = fs.statSync(path.join(dir, 'a.design.yaml'));
    assert.deepEqual([after.ino, after.nlink, after.mode], [before.ino, 2, before.mode]);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.design.yaml', 'other-name.yaml'], 'no temporary file left');
  });

  test('--fix ignores read-only files (item 6): its own 0444 file is "not fixed: permission denied" for a user, the others fixed, exit 2', () => {
    // A normal user runs ddr as itself; root, which may write any file, runs it as nobody
    // (the privileged tier does the same with a throwaway user, and root's own case).
    const root = process.getuid?.() === 0;
    const as = root ? { uid: 65534, gid: 65534 } : {};
    const dir = tempDir({ 'a.design.yaml': SHOP, 'ro.design.yaml': SHOP });
    if (root) {
      fs.chmodSync(dir, 0o755);
      for (const p of [dir, path.join(dir, 'a.design.yaml'), path.join(dir, 'ro.design.yaml')]) {
        fs.chownSync(p, 65534, 65534);
      }
    }
    fs.chmodSync(path.join(dir, 'ro.design.yaml'), 0o444);
    const r = ddr(['lint', '--fix', '.'], dir, as);
    assert.equal(r.stderr, 'ddr: ro.design.yaml: not fixed: permission denied\n');
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^a\.design\.yaml: fixed 1 finding \(DSN002\)$/m);
    assert.match(r.stdout, /^ro\.design\.yaml:4:1 {2}warning {2}DSN002 /m, 'the file not fixed is reported as it is');
    assert.equal(fs.readFileSync(path.join(dir, 'ro.design.yaml'), 'utf8'), SHOP);
    assert.equal(fs.statSync(path.join(dir, 'ro.design.yaml')).mode & 0o7777, 0o444);
    assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), FIXED_SHOP);
  });

  test('--fix keeps the mode (0640, 0755, 0600) and writes through a symlink onto its target', () => {
    const dir = tempDir({ 'a.design.yaml': SHOP, 'b.design.yaml': SHOP, 'c.design.yaml': SHOP, 'target.yaml': SHOP });
    const modes: Record<string, number> = { 'a.design.yaml': 0o640, 'b.design.yaml': 0o755, 'c.design.yaml': 0o600 };
    for (const [f, m] of Object.entries(modes)) {
      fs.chmodSync(path.join(dir, f), m);
    }
    fs.symlinkSync('target.yaml', path.join(dir, 'd.design.yaml'));
    const r = ddr(['lint', '--fix', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    for (const [f, m] of Object.entries(modes)) {
      assert.equal(fs.statSync(path.join(dir, f)).mode & 0o7777, m, f);
      assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), FIXED_SHOP, f);
    }
    assert.ok(fs.lstatSync(path.join(dir, 'd.design.yaml')).isSymbolicLink());
    assert.equal(fs.readFileSync(path.join(dir, 'target.yaml'), 'utf8'), FIXED_SHOP);
  });

  test('--fix with no space for the new text (a file size limit, EFBIG): not fixed, the file and its links as they were, exit 2, the others fixed', () => {
    for (const links of [1, 2]) {
      const dir = tempDir({ 'a.design.yaml': SHOP, 'small.design.yaml': 'design: s\ndsl: 1\ndesciption: s\n' });
      if (links === 2) {
        fs.linkSync(path.join(dir, 'a.design.yaml'), path.join(dir, 'link.yaml'));
      }
      // Any file ddr writes may hold as many bytes as a.design.yaml now does, and no more:
      // the fix adds one.
      const r = ddr(['lint', '--fix', 'small.design.yaml', 'a.design.yaml'], dir, {}, ['prlimit', `--fsize=${Buffer.byteLength(SHOP)}`, process.execPath]);
      assert.equal(r.code, 2, `${links} link(s): ${r.stderr}`);
      assert.equal(r.stderr, 'ddr: a.design.yaml: not fixed: file too large\n', `${links} link(s)`);
      assert.match(r.stdout, /^small\.design\.yaml: fixed 1 finding \(DSN002\)$/m);
      assert.equal(fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8'), SHOP);
      assert.equal(fs.statSync(path.join(dir, 'a.design.yaml')).nlink, links);
      assert.deepEqual(
        fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
        [],
      );
    }
  });
});

// ---------------------------------------------------------------------------------------
// Terminal escapes (item 7)

/** Each kind of payload the issue names, as YAML double-quoted escapes and as the characters they make. */
const PAYLOADS: Array<[string, string, string]> = [
  // [name, YAML escape, the characters]
  ['OSC title', '\\e]0;TITLE\\a', '\u001b]0;TITLE\u0007'],
  ['CSI clear', '\\e[2J', '\u001b[2J'],
  ['BEL', '\\a', '\u0007'],
  ['backspace', '\\b', '\b'],
  ['CR', '\\r', '\r'],
  ['C1 CSI', '\\x9b2J', '\u009b2J'],
  ['C1 OSC', '\\x9d0;T\\x9c', '\u009d0;T\u009c'],
  ['DEL', '\\x7f', '\u007f'],
  ['bidi override', '\\u202egnp.exe', '\u202egnp.exe'],
];
const KEY_YAML = `k${PAYLOADS.map((p) => p[1]).join('|')}`;
const KEY = `k${PAYLOADS.map((p) => p[2]).join('|')}`;
const NAME_YAML = 'c\\e]0;TITLE\\a\\e[2J\\b\\r\\x9b\\u202e';
const NAME = 'c\u001b]0;TITLE\u0007\u001b[2J\b\r\u009b\u202e';
const HOSTILE = `design: hostile
dsl: 1
"${KEY_YAML}": 1
channels:
  - name: "${NAME_YAML}"
    delivery: at-most-once
    ordering: none
    out_of_order: x
  - name: "${NAME_YAML}"
    delivery: at-most-once
    ordering: none
    out_of_order: x
`;
const KEY_SHOWN = 'k\\x1b]0;TITLE\\x07|\\x1b[2J|\\x07|\\x08|\\r|\\x9b2J|\\x9d0;T\\x9c|\\x7f|\\u202egnp.exe';
const NAME_SHOWN = 'c\\x1b]0;TITLE\\x07\\x1b[2J\\x08\\r\\x9b\\u202e';
/** The file's name carries a payload too: names come from a pull request as well. */
const FILE = 'e\u001b[2J.design.yaml';
const FILE_SHOWN = 'e\\x1b[2J.design.yaml';

/** Every character a terminal could act on, but the line feed, and ESC used by our own colours when `color`. */
function assertNoRawControl(out: string, what: string, color = false): void {
  const stripped = color ? out.replace(/\u001b\[[0-9;]*m/g, '') : out;
  const raw = [...stripped.matchAll(CONTROL)].filter((m) => m[0] !== '\n');
  assert.deepEqual(
    raw.map((m) => `U+${m[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${m.index}`),
    [],
    `${what}: raw control characters in\n${JSON.stringify(out)}`,
  );
}

suite('control characters from a design, a file name or a cache never reach the terminal raw (item 7 and its class)', () => {
  const hostileDir = () => tempDir({ [FILE]: HOSTILE });

  for (const from of ['the design', 'the cache']) {
    test(`text output (item 7), from ${from}: each payload shown as escapes, with --no-color and with --color`, () => {
      const dir = hostileDir();
      if (from === 'the cache') {
        ddr(['lint', '--cache', '.'], dir);
      }
      const cache = from === 'the cache' ? ['--cache'] : [];
      const plain = ddr(['lint', ...cache, '--no-color', '.'], dir);
      assert.equal(plain.stderr, '');
      assert.equal(
        plain.stdout,
        `${FILE_SHOWN}:3:1  warning  DSN002  unknown key \`${KEY_SHOWN}\` in a design\n` +
          `${FILE_SHOWN}:9:11  error  DSN005  another channel already has the name \`${NAME_SHOWN}\`\n` +
          '1 error, 1 warning, 0 infos in 1 file\n',
      );
      assertNoRawControl(plain.stdout, 'text --no-color');
      const colored = ddr(['lint', ...cache, '--color', '.'], dir);
      assertNoRawControl(colored.stdout, 'text --color', true);
      assert.equal(colored.stdout.replace(/\u001b\[[0-9;]*m/g, ''), plain.stdout);
      assert.equal(ddr(['lint', ...cache, '.'], dir).stdout, plain.stdout, 'the default (not a terminal)');
    });

    test(`github output, from ${from}: payloads shown as escapes inside the workflow commands`, () => {
      const dir = hostileDir();
      const cache = from === 'the cache' ? ['--cache'] : [];
      if (cache.length) {
        ddr(['lint', '--cache', '--format', 'github', '.'], dir);
      }
      const r = ddr(['lint', ...cache, '--format', 'github', '.'], dir);
      assertNoRawControl(r.stdout, 'github');
      assert.equal(
        r.stdout,
        `::warning file=${FILE_SHOWN},line=3,col=1,endLine=3,endColumn=${KEY_YAML.length + 3},title=DSN002 unknown-key::unknown key \`${KEY_SHOWN}\` in a design\n` +
          `::error file=${FILE_SHOWN},line=9,col=11,endLine=9,endColumn=${11 + NAME_YAML.length + 2},title=DSN005 duplicate-name::another channel already has the name \`${NAME_SHOWN}\`\n`,
      );
    });

    for (const format of ['json', 'sarif']) {
      test(`${format} output, from ${from}: every payload JSON-escaped (no raw byte, C1 and bidi too), and parsed back exact`, () => {
        const dir = hostileDir();
        const cache = from === 'the cache' ? ['--cache'] : [];
        if (cache.length) {
          ddr(['lint', '--cache', '--format', format, '.'], dir);
        }
        const r = ddr(['lint', ...cache, '--format', format, '.'], dir);
        assertNoRawControl(r.stdout, format);
        assert.match(r.stdout, /\\u001b\]0;TITLE\\u0007/);
        assert.match(r.stdout, /\\u009b2J/);
        assert.match(r.stdout, /\\u202egnp\.exe/);
        const messages: string[] = [];
        const walk = (v: unknown): void => {
          if (typeof v === 'string') {
            messages.push(v);
          } else if (v && typeof v === 'object') {
            Object.values(v).forEach(walk);
          }
        };
        walk(JSON.parse(r.stdout));
        assert.ok(messages.includes(`unknown key \`${KEY}\` in a design`), 'the key, exact, once parsed');
        assert.ok(messages.includes(`another channel already has the name \`${NAME}\``), 'the name, exact, once parsed');
        assert.ok(messages.includes(`the first channel named \`${NAME}\``), 'related information, exact');
        assert.ok(messages.some((m) => m.includes(FILE) || m.includes(encodeURIComponent(FILE))), 'the file name');
      });
    }
  }

  test('file names on stderr and in --fix notes: shown as escapes too', () => {
    const dir = tempDir({ [FILE]: SHOP, 'l\u001b]0;T\u0007.design.yaml': Buffer.from('design: caf\xe9\ndsl: 1\n', 'latin1') });
    const r = ddr(['lint', '--fix', '--no-color', '.'], dir);
    assert.match(r.stdout, /^e\\x1b\[2J\.design\.yaml: fixed 1 finding \(DSN002\)$/m);
    assert.match(r.stderr, /^ddr: l\\x1b\]0;T\\x07\.design\.yaml: not valid UTF-8 /m);
    assertNoRawControl(r.stdout, '--fix stdout');
    assertNoRawControl(r.stderr, '--fix stderr');
  });

  test('--fix-dry-run: the diff of a design that carries a payload, and its file name, shown as escapes', () => {
    const payload = SHOP.replace('desciption: the shop', 'desciption: "\u001b]0;TITLE\u0007\u001b[2J the shop"');
    const dir = tempDir({ [FILE]: payload });
    const r = ddr(['lint', '--fix-dry-run', '--no-color', '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^--- a\/e\\x1b\[2J\.design\.yaml$/m);
    assert.match(r.stdout, /^\+description: "\\x1b\]0;TITLE\\x07\\x1b\[2J the shop" /m);
    assertNoRawControl(r.stdout, '--fix-dry-run stdout');
  });

  test('a path that names no design: its name on stderr shown as escapes', () => {
    const dir = tempDir({ 'a.design.yaml': SHOP });
    const r = ddr(['lint', '--no-color', 'nope\u001b]0;T\u0007/'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\\x1b\]0;T\\x07/);
    assertNoRawControl(r.stderr, 'unmatched path stderr');
  });

  test('a cached message that carries a payload (a cache edited by hand) is shown as escapes too', () => {
    const c = cached();
    c.edit((d, k) => ((d.files[k].findings[0] as { message: string }).message = 'from the cache \u001b]0;TITLE\u0007\u001b[2J\u009b\u202e'));
    const r = ddr(['lint', '--cache', '--no-color', 'a.design.yaml'], c.dir);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^a\.design\.yaml:4:1 {2}warning {2}DSN002 {2}from the cache \\x1b\]0;TITLE\\x07\\x1b\[2J\\x9b\\u202e$/m);
    assertNoRawControl(r.stdout, 'cached text');
  });
});

suite('escape.ts: one function per kind of output, for the formats to come', () => {
  const ALL = PAYLOADS.map((p) => p[2]).join('') + '\t\n\u0000\u001f\u0085\u061c\u200e\u200f\u2028\u2029\u202a\u2066\u2069';

  test('visible: every control character shown as an escape, other text unchanged', () => {
    assert.equal(visible('\u001b]0;TITLE\u0007 \u001b[2J \b \r \n \t \u009b \u007f \u202e \u2028'), '\\x1b]0;TITLE\\x07 \\x1b[2J \\x08 \\r \\n \\t \\x9b \\x7f \\u202e \\u2028');
    assert.equal(visible('plain ünïcödé 🚚 \\ text'), 'plain ünïcödé 🚚 \\ text');
    assert.equal(visible('a\nb\rc', '\n'), 'a\nb\\rc', 'keep: github keeps its line feeds for %0A');
    assertNoRawControl(visible(ALL).replace(/\n/g, ''), 'visible');
    assert.ok(!visible(ALL).includes('\n'));
  });

  test('jsonText: JSON with no raw control character, parsed back to the same value', () => {
    const value = { s: ALL, k: [ALL] };
    const text = jsonText(JSON.stringify(value, null, 2));
    assertNoRawControl(text, 'jsonText');
    assert.deepEqual(JSON.parse(text), value);
  });

  test('markdownText: no raw HTML, no link, image, autolink, e-mail or @-mention, no emphasis; the text still reads the same', () => {
    const evil = '<img src=x onerror=alert(1)> [click](https://evil.example) ![i](http://x/y.png) @octocat a@b.co www.evil.example *em* _u_ `code` # h | t | ~~s~~ $x$ &amp; \u001b[2J';
    const md = markdownText(evil);
    assert.doesNotMatch(md, /<|>/, 'no raw HTML');
    assert.doesNotMatch(md, /(^|[^\\])[[\]()]/, 'every bracket escaped: no link or image');
    assert.doesNotMatch(md, /https?:\/\//, 'no bare URL');
    assert.doesNotMatch(md, /www\./i, 'no www autolink');
    assert.doesNotMatch(md, /@[A-Za-z0-9]/, 'no mention, no e-mail autolink');
    assert.doesNotMatch(md.replace(/&#8203;/g, ''), /(^|[^\\])[*_`#|~$]/, 'no emphasis, code, heading, table cell, strikethrough or math');
    assert.doesNotMatch(md, /&(?!amp;|lt;|gt;|#8203;)/, 'every & starts an entity of ours');
    assertNoRawControl(md, 'markdownText');
    // Undone, it reads as it was (with the escapes of the control characters).
    const undone = md.replace(/&#8203;/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\\([!-/:-@[-`{-~])/g, '$1');
    assert.equal(undone, visible(evil));
  });

  test('markdownCode: a code span whose fence outruns every backtick run of the text', () => {
    assert.equal(markdownCode('a'), '` a `');
    assert.equal(markdownCode('a `b` c'), '`` a `b` c ``');
    assert.equal(markdownCode('``x'), '``` ``x ```');
    assert.equal(markdownCode('<b>@octocat</b>\u001b[2J'), '` <b>@octocat</b>\\x1b[2J `');
  });

  test('html: entity-escaped for text and quoted attributes, and no character XML forbids (SVG)', () => {
    assert.equal(html(`<script>alert("x")</script> & 'y'`), '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    const out = html(ALL);
    assert.doesNotMatch(out, /[\u0000-\u0008\u000b\u000c\u000e-\u001f<>"']/);
    assertNoRawControl(out, 'html');
  });

  test('dotString: one quoted DOT string, whatever it holds', () => {
    assert.equal(dotString('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(dotString('x\\N\\l'), '"x\\\\N\\\\l"', 'no label escape');
    assert.equal(dotString('];\n digraph{'), '"];\\\\n digraph{"');
    const out = dotString(ALL);
    assert.match(out, /^"([^"\\]|\\["\\])*"$/, 'one string: every quote and backslash escaped');
    assertNoRawControl(out, 'dot');
  });

  test('mermaidString: one quoted Mermaid label: quotes, #, HTML and backticks as entity codes', () => {
    assert.equal(mermaidString('a"b'), '"a#34;b"');
    assert.equal(mermaidString('<b>#1 & `md`</b>'), '"#60;b#62;#35;1 #38; #96;md#96;#60;/b#62;"');
    const out = mermaidString(ALL + '"];click A call evil()');
    assert.match(out, /^"[^"<>`]*"$/);
    assertNoRawControl(out, 'mermaid');
  });
});

function mkfifo(p: string): void {
  const r = spawnSync('mkfifo', [p]);
  assert.equal(r.status, 0, `mkfifo ${p}: ${String(r.stderr)}${String(r.error ?? '')}`);
}

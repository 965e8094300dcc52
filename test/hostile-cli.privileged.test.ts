// Hostile files (issue 15, the CLI's part) that need root: device nodes made with mknod
// (item 2), files of other owners (item 6: chown), and a throwaway non-root user for the
// read-only file its owner may not rewrite (item 6). `npm run test:privileged` runs this
// tier as root; it fails loudly when the machine refuses (not root, no mknod, no useradd),
// never skips.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe as suite, test } from 'node:test';
import { ddr, Run, tempDir } from './hostile-cli.support';
import { SHOP } from './support/designs';

const FIXED_SHOP = SHOP.replace('desciption', 'description');
const USER = 'ddrtest-cli';
let uid = -1;
let gid = -1;
let created = false;

const result = (r: Run) => ({ code: r.code, stdout: r.stdout, stderr: r.stderr });

before(() => {
  assert.equal(process.getuid?.(), 0, 'the privileged tier runs as root: run it with `sudo npm run test:privileged` (or as root in CI)');
  if (spawnSync('id', ['-u', USER]).status !== 0) {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', USER], { stdio: 'pipe' });
    created = true;
  }
  uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  assert.ok(uid > 0 && gid > 0, `${USER}: uid ${uid}, gid ${gid}`);
});

after(() => {
  if (created) {
    execFileSync('userdel', [USER], { stdio: 'pipe' });
  }
});

/** A folder owned by the throwaway user, with its files. */
function userDir(files: Record<string, string>): string {
  const dir = tempDir(files);
  fs.chmodSync(dir, 0o755);
  fs.chownSync(dir, uid, gid);
  for (const f of Object.keys(files)) {
    fs.chownSync(path.join(dir, f), uid, gid);
  }
  return dir;
}

const asUser = () => ({ uid, gid });

function mknod(p: string, type: 'c' | 'b', major: number, minor: number): void {
  const r = spawnSync('mknod', [p, type, String(major), String(minor)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `mknod ${p} ${type} ${major} ${minor} was refused: ${r.stderr}${String(r.error ?? '')}`);
}

suite('--cache-location on a device node (item 2)', () => {
  test('--cache-location on a device node replaces it (item 2): no longer; refused with exit 2, the node left as it was', () => {
    const dir = tempDir({ 'a.design.yaml': SHOP });
    const nodes: Array<[string, 'c' | 'b', number, number, string]> = [
      ['mynull', 'c', 1, 3, 'a character device'],
      ['myzero', 'c', 1, 5, 'a character device'],
      // A block major for local use: no driver is behind it (nor is it ever opened).
      ['myblock', 'b', 240, 0, 'a block device'],
    ];
    for (const [name, type, major, minor, kind] of nodes) {
      const p = path.join(dir, name);
      mknod(p, type, major, minor);
      const before = fs.statSync(p);
      const r = ddr(['lint', '--cache', '--cache-location', name, 'a.design.yaml'], dir, { timeout: 10_000 });
      assert.deepEqual(result(r), {
        code: 2,
        stdout: '',
        stderr: `ddr: cannot use ${name} as the cache: it is ${kind}, not a file (to lint without a cache, leave out --cache)\nRun \`ddr lint --help\` for usage.\n`,
      });
      const after = fs.lstatSync(p);
      assert.ok(type === 'c' ? after.isCharacterDevice() : after.isBlockDevice(), `${name} is still a device`);
      assert.deepEqual([after.ino, after.rdev], [before.ino, before.rdev], name);
    }
  });
});

suite('--fix writes only what its user may write, and keeps owner, group, mode and links (item 6)', () => {
  test('--fix ignores read-only files (item 6): a 0444 file of a normal user, fixed by that user, is "not fixed: permission denied"; the others are fixed; exit 2', () => {
    const dir = userDir({ 'a.design.yaml': SHOP, 'ro.design.yaml': SHOP, 'z.design.yaml': SHOP, 'roots.design.yaml': SHOP });
    fs.chmodSync(path.join(dir, 'ro.design.yaml'), 0o444);
    // A file of root's in the user's folder: a rename over it would succeed, a write may not.
    fs.chownSync(path.join(dir, 'roots.design.yaml'), 0, 0);
    // What the shell says, first: the user may not write either of them.
    for (const f of ['ro.design.yaml', 'roots.design.yaml']) {
      const echo = spawnSync('sh', ['-c', `echo x > ${f}`], { cwd: dir, ...asUser() });
      assert.notEqual(echo.status, 0, `echo x > ${f} is refused for ${USER}`);
    }
    const r = ddr(['lint', '--fix', '--format', 'json', '.'], dir, asUser());
    assert.equal(r.stderr, 'ddr: ro.design.yaml: not fixed: permission denied\nddr: roots.design.yaml: not fixed: permission denied\n');
    assert.equal(r.code, 2);
    const reported = (JSON.parse(r.stdout) as Array<{ file: string }>).map((x) => x.file);
    assert.deepEqual(reported, ['a.design.yaml', 'ro.design.yaml', 'roots.design.yaml', 'z.design.yaml'], 'every file is still reported');
    for (const f of ['a.design.yaml', 'z.design.yaml']) {
      assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), FIXED_SHOP, f);
    }
    for (const [f, owner, mode] of [
      ['ro.design.yaml', uid, 0o444],
      ['roots.design.yaml', 0, 0o644],
    ] as const) {
      const st = fs.statSync(path.join(dir, f));
      assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), SHOP, f);
      assert.deepEqual([st.uid, st.mode & 0o7777], [owner, mode], f);
    }
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
  });

  test('--fix changes ownership (item 6): no longer; as root, a file of 1234:2345 keeps its owner, group and mode (set-id bits too), with one link or two', () => {
    for (const links of [1, 2]) {
      for (const mode of [0o640, 0o2755, 0o444]) {
        const dir = tempDir({ 'a.design.yaml': SHOP });
        const file = path.join(dir, 'a.design.yaml');
        fs.chownSync(file, 1234, 2345);
        fs.chmodSync(file, mode);
        if (links === 2) {
          fs.linkSync(file, path.join(dir, 'link.yaml'));
        }
        const before = fs.statSync(file);
        const r = ddr(['lint', '--fix', 'a.design.yaml'], dir);
        const what = `${links} link(s), mode ${mode.toString(8)}`;
        // Root may write a 0444 file, as `echo x > file` may.
        assert.equal(r.stderr, '', what);
        assert.equal(fs.readFileSync(file, 'utf8'), FIXED_SHOP, what);
        const st = fs.statSync(file);
        assert.deepEqual([st.uid, st.gid, st.mode & 0o7777, st.nlink], [1234, 2345, mode, links], what);
        if (links === 2) {
          assert.equal(st.ino, before.ino, `${what}: written in place`);
          assert.equal(fs.readFileSync(path.join(dir, 'link.yaml'), 'utf8'), FIXED_SHOP, `${what}: the other link`);
        }
      }
    }
  });

  test('a user fixing its own file whose group it is not in: written in place, the group kept (a rename would have given it the user\'s group)', () => {
    const dir = userDir({ 'a.design.yaml': SHOP });
    const file = path.join(dir, 'a.design.yaml');
    fs.chownSync(file, uid, 0);
    fs.chmodSync(file, 0o664);
    const before = fs.statSync(file);
    const r = ddr(['lint', '--fix', 'a.design.yaml'], dir, asUser());
    assert.equal(r.stderr, '');
    assert.equal(fs.readFileSync(file, 'utf8'), FIXED_SHOP);
    const st = fs.statSync(file);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o7777, st.ino], [uid, 0, 0o664, before.ino]);
  });
});

// `npm run gen -- --check` (CI's staleness check) reaches every generator: with a stale
// rule page and a stale grammar it writes nothing, names both and exits 1.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tempDir } from './support/tempDir';

const ROOT = path.join(__dirname, '..', '..');

test('npm run gen -- --check passes --check to every generator', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // npm appends `-- args` to the script's last command: that command must run them all.
  assert.match(pkg.scripts.gen, /&& node scripts\/gen\.js$/);

  const dir = tempDir({}, 'ddr-gen-');
  for (const p of ['package.json', 'README.md', 'docs', 'syntaxes', 'scripts', 'out/server', 'out/client']) {
    fs.cpSync(path.join(ROOT, p), path.join(dir, p), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const page = path.join(dir, 'docs', 'rules', 'RTY006.md');
  const grammar = path.join(dir, 'syntaxes', 'distributed-design.tmLanguage.json');
  fs.writeFileSync(page, 'stale\n');
  fs.writeFileSync(grammar, '{}\n');

  const r = spawnSync(process.execPath, [path.join(dir, 'scripts', 'gen.js'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /gen: stale: docs\/rules\/RTY006\.md/);
  assert.match(r.stderr, /stale: syntaxes\/distributed-design\.tmLanguage\.json/);
  assert.equal(fs.readFileSync(page, 'utf8'), 'stale\n', '--check writes nothing');
  assert.equal(fs.readFileSync(grammar, 'utf8'), '{}\n', '--check writes nothing');
});

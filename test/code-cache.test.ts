// The server's bundle is loaded with a V8 code cache (server/src/lsp/bundleLoader.ts): the
// server writes it after its first work and the next start uses it. A cache that does not
// fit is never run: V8 itself rejects one made by another Node or with other flags, or a
// corrupt one, but accepts one made for another source of the same length (seen below),
// so the bundle's build is part of the cache's name.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as vm from 'node:vm';
import { cacheFileOf, loadBundle } from '../server/src/lsp/bundleLoader';
import { SHOP } from './support/designs';
import { LspClient } from './support/lspClient';
import { tempDir } from './support/tempDir';

type Exports = { answer(): number; dir: string; file: string; builtin: string };
const bundleText = (n: number) => `module.exports = { answer: () => ${n}, dir: __dirname, file: __filename, builtin: typeof require('node:path').join };\n`;
const caches = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.cache'));

test('V8 runs a code cache made for another source of the same length: why the build is in the name', () => {
  const a = '(function () { return 1111; })';
  const made = new vm.Script(a, { filename: 'x.js' });
  (made.runInThisContext() as () => number)();
  const other = new vm.Script(a.replace('1111', '2222'), { filename: 'x.js', cachedData: made.createCachedData() });
  assert.equal(other.cachedDataRejected, false);
  assert.equal((other.runInThisContext() as () => number)(), 1111, 'the old bytecode, not the new source');
});

test('a bundle loads as a module; its cache is written once, used next time, and dropped with a rebuild', () => {
  const dir = tempDir({ 'b.js': bundleText(1111) }, 'ddr-code-cache-');
  const bundle = path.join(dir, 'b.js');
  const first = loadBundle<Exports>(bundle, {});
  assert.deepEqual([first.cache.status, first.exports.answer(), first.exports.dir, first.exports.file, first.exports.builtin], ['none', 1111, dir, bundle, 'function']);
  assert.equal(first.cache.save(), undefined);
  assert.equal(first.cache.save(), undefined, 'a second save does nothing');
  assert.deepEqual(caches(dir), [path.basename(first.cache.file!)]);
  const second = loadBundle<Exports>(bundle, {});
  assert.deepEqual([second.cache.status, second.exports.answer()], ['used', 1111]);

  // Rebuilt: the same length, other text, a later modification time.
  fs.writeFileSync(bundle, bundleText(2222));
  const later = new Date(Date.now() + 10_000);
  fs.utimesSync(bundle, later, later);
  const rebuilt = loadBundle<Exports>(bundle, {});
  assert.deepEqual([rebuilt.cache.status, rebuilt.exports.answer()], ['none', 2222]);
  assert.notEqual(rebuilt.cache.file, first.cache.file);
  rebuilt.cache.save();
  assert.deepEqual(caches(dir), [path.basename(rebuilt.cache.file!)], 'the old build’s cache is gone');
});

test('a corrupt cache is rejected, the bundle still loads, and the next save replaces it', () => {
  const dir = tempDir({ 'b.js': bundleText(3333) }, 'ddr-code-cache-');
  const bundle = path.join(dir, 'b.js');
  fs.writeFileSync(cacheFileOf(bundle), Buffer.from('not a code cache, not even close'));
  const r = loadBundle<Exports>(bundle, {});
  assert.deepEqual([r.cache.status, r.exports.answer()], ['rejected', 3333]);
  assert.equal(r.cache.save(), undefined);
  assert.equal(loadBundle<Exports>(bundle, {}).cache.status, 'used');
});

test('DDR_CODE_CACHE names another folder, or turns the cache off; an unwritable folder only means no cache', () => {
  const dir = tempDir({ 'b.js': bundleText(4444) }, 'ddr-code-cache-');
  const bundle = path.join(dir, 'b.js');
  const elsewhere = path.join(dir, 'elsewhere');
  const r = loadBundle<Exports>(bundle, { DDR_CODE_CACHE: elsewhere });
  assert.equal(r.cache.save(), undefined);
  assert.deepEqual([caches(dir), caches(elsewhere).length], [[], 1]);
  const off = loadBundle<Exports>(bundle, { DDR_CODE_CACHE: 'off' });
  assert.deepEqual([off.cache.status, off.cache.file, off.exports.answer(), off.cache.save()], ['off', undefined, 4444, undefined]);
  fs.writeFileSync(path.join(dir, 'blocker'), 'a file where a folder should be\n');
  const blocked = loadBundle<Exports>(bundle, { DDR_CODE_CACHE: path.join(dir, 'blocker', 'sub') });
  assert.match(blocked.cache.save() ?? '', /ENOTDIR|not a directory|EEXIST/);
});

test('the language server writes its code cache after its first analysis and starts from it the next time', async () => {
  const dir = tempDir({}, 'ddr-code-cache-');
  const uri = 'file:///virtual/code-cache.design.yaml';
  const run = async () => {
    const c = await LspClient.start({ env: { DDR_CODE_CACHE: dir } });
    try {
      await c.open(uri, SHOP);
      const d = await c.diagnosticsFor(uri, 1);
      await c.waitFor(() => c.logs.some((l) => /^code cache: /.test(l.message)), 'the code cache status in the log');
      const status = c.logs.find((l) => /^code cache: /.test(l.message))!.message;
      return { status, diagnostics: d, c };
    } catch (e) {
      await c.stop();
      throw e;
    }
  };
  const first = await run();
  assert.match(first.status, /^code cache: none \(/);
  await first.c.waitFor(() => first.c.logs.some((l) => /^code cache written: /.test(l.message)), 'the code cache written');
  await first.c.stop();
  assert.equal(caches(dir).length, 1);
  const second = await run();
  await second.c.stop();
  assert.match(second.status, /^code cache: used \(/);
  assert.deepEqual(second.diagnostics, first.diagnostics);
});

test('a server stopped right after its first diagnostics writes its code cache as it exits', async () => {
  const dir = tempDir({}, 'ddr-code-cache-');
  const c = await LspClient.start({ env: { DDR_CODE_CACHE: dir } });
  const uri = 'file:///virtual/quick.design.yaml';
  await c.open(uri, SHOP);
  await c.diagnosticsFor(uri, 1);
  assert.deepEqual(caches(dir), [], 'not yet: it waits for half a second without work');
  await c.stop();
  assert.equal(caches(dir).length, 1);
});

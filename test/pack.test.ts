// The npm package as users get it (issue 14): `npm pack`, then `npm install -g` of the
// tarball into a temporary prefix, offline (the package has no runtime dependency: the
// command, its lint worker and the language server are bundled), and the installed `ddr`
// run: lint (a finding, exit 1), rules, explain, lint on threads (the worker's bundle),
// and `ddr lsp --stdio` with initialize piped in, then the end of the input.
//
// The tarball is packed with --ignore-scripts: `npm test` has just built, and prepack
// would build again (~30 s). What the tarball may hold is an allow-list (.npmignore).
import { strict as assert } from 'node:assert';
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';
import { REPO_ROOT } from './support/lspClient';
import { answerTo, frames, stdioSession } from './support/stdioSession';

/** Bounds on the tarball: today 61 files, ~530 kB packed, ~2.8 MB unpacked. */
const MAX_FILES = 100;
const MAX_PACKED_BYTES = 800 * 1024;
const MAX_UNPACKED_BYTES = 4 * 1024 * 1024;

/** What the package must hold to run: the bin and the three bundles. */
const REQUIRED = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/ddr.js', 'out/server/src/cli/main.bundle.js', 'out/server/src/cli/worker.bundle.js', 'out/server/src/lsp/server.bundle.js'];
/** What else it may hold: the rule pages `ddr lsp` links to. */
const ALLOWED = [/^docs\/rules\/[A-Za-z0-9]+\.md$/, /^schemas\/design\.schema\.json$/];

const DESIGN = 'design: packed\ndsl: 1\nservices:\n  - name: a\n    operations:\n      - name: op\n        type: query\n        timeout: 5s\n        calls:\n          - to: b.c\n            timeout: 1s\n';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: object; bin: Record<string, string> };
let tmp: string;
let tarball: string;
let packed: { files: Array<{ path: string }>; size: number; unpackedSize: number; entryCount: number };
let prefix: string;
let installed: string;
let ddr: string;

function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, ...options });
  if (r.error) {
    throw r.error;
  }
  return r;
}

/** `npm` with a cache of its own (empty: an install that needed a download would fail offline). */
function npm(args: string[], cwd: string): SpawnSyncReturns<string> {
  const env = { ...process.env, npm_config_cache: path.join(tmp, 'npm-cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  return run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, env });
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-pack-'));
  const r = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], REPO_ROOT);
  assert.equal(r.status, 0, r.stderr);
  [packed] = JSON.parse(r.stdout);
  tarball = path.join(tmp, `${pkg.name}-${pkg.version}.tgz`);
  prefix = path.join(tmp, 'prefix');
  installed = path.join(prefix, 'lib', 'node_modules', pkg.name);
  ddr = path.join(prefix, 'bin', 'ddr');
});

after(() => {
  // The read-only test leaves the installed package without write permission.
  run('chmod', ['-R', 'u+w', tmp]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('the tarball holds the bin, the three bundles, the rule pages, README, LICENSE, CHANGELOG: no tests, sources, maps, caches or CI files', () => {
    assert.ok(fs.existsSync(tarball));
    const files = packed.files.map((f) => f.path).sort();
    for (const f of REQUIRED) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
    const others = files.filter((f) => !REQUIRED.includes(f) && !ALLOWED.some((re) => re.test(f)));
    assert.deepEqual(others, [], 'nothing else');
    const dev = files.filter((f) => /^(test|client|server|scripts|\.ci|\.cache|node_modules|examples)\//.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)) || /\.map$/.test(f));
    assert.deepEqual(dev, []);
    assert.ok(files.some((f) => f === 'docs/rules/RTY003.md'));
  });

  test(`its size: at most ${MAX_FILES} files, ${MAX_PACKED_BYTES / 1024} kB packed, ${MAX_UNPACKED_BYTES / 1024 / 1024} MB unpacked`, () => {
    assert.ok(packed.entryCount <= MAX_FILES, `${packed.entryCount} files`);
    assert.ok(packed.size <= MAX_PACKED_BYTES, `${packed.size} bytes packed`);
    assert.ok(packed.unpackedSize <= MAX_UNPACKED_BYTES, `${packed.unpackedSize} bytes unpacked`);
    assert.equal(fs.statSync(tarball).size, packed.size);
  });

  test('no runtime dependencies, and no install scripts', () => {
    assert.equal(pkg.dependencies, undefined);
    const scripts = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const s of ['preinstall', 'install', 'postinstall', 'prepare']) {
      assert.equal(scripts[s], undefined, `an \`${s}\` script: npm would warn at every install of the tarball`);
    }
    assert.equal(scripts.prepack, 'npm run build');
  });
});

describe('npm install -g of the tarball, offline', () => {
  before(() => {
    const r = npm(['install', '-g', '--offline', '--prefix', prefix, tarball], tmp);
    assert.equal(r.status, 0, `npm install -g failed:\n${r.stdout}\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /warn/i, 'no warning');
  });

  test('installs the package alone (no node_modules inside it) and `ddr` on the prefix\'s PATH', () => {
    assert.ok(fs.existsSync(ddr), `${ddr} exists`);
    assert.equal(fs.existsSync(path.join(installed, 'node_modules')), false);
    assert.equal(run(ddr, ['--version']).stdout, `${pkg.version}\n`);
  });

  test('ddr lint: the finding, exactly, and exit code 1', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'designs-'));
    fs.writeFileSync(path.join(dir, 'packed.design.yaml'), DESIGN);
    const findings = analyze(DESIGN).findings;
    assert.equal(findings.length, 1);
    const f = findings[0];
    const at = new LineMap(DESIGN).range(f.range).start;
    assert.equal(f.ruleId, 'DSN004');
    const r = run(ddr, ['lint', 'packed.design.yaml'], { cwd: dir });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 1);
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], `packed.design.yaml:${at.line + 1}:${at.character + 1}  error  DSN004  ${f.message}`);
    assert.equal(lines[0], 'packed.design.yaml:10:17  error  DSN004  `to` names an operation `b.c` that does not exist (a system outside the design: add `external: true`)');
    // The same report as the repo's own bin.
    const own = run(process.execPath, [path.join(REPO_ROOT, 'bin', 'ddr.js'), 'lint', 'packed.design.yaml'], { cwd: dir });
    assert.equal(r.stdout, own.stdout);
  });

  test('ddr rules and ddr explain: the same output as the repo\'s own bin', () => {
    for (const args of [['rules'], ['explain', 'RTY003']]) {
      const r = run(ddr, args);
      const own = run(process.execPath, [path.join(REPO_ROOT, 'bin', 'ddr.js'), ...args]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(r.stdout.length > 200);
      assert.equal(r.stdout, own.stdout, `ddr ${args.join(' ')}`);
    }
  });

  test('ddr lint on worker threads (--concurrency 3): the worker bundle analyses files, the report is the same as on one thread', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'many-'));
    const example = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'retries.design.yaml'), 'utf8');
    for (let i = 0; i < 160; i++) {
      fs.writeFileSync(path.join(dir, `f${String(i).padStart(3, '0')}.design.yaml`), example);
    }
    const log = path.join(tmp, 'analysed.log');
    const threaded = run(ddr, ['lint', '.', '--concurrency', '3'], { cwd: dir, env: { ...process.env, DDR_TEST_ANALYSED_LOG: log } });
    const threads = new Set(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\t')[1]));
    assert.ok([...threads].some((t) => t !== '0'), `some files analysed on a worker thread: threads ${[...threads].join(', ')}`);
    const single = run(ddr, ['lint', '.', '--concurrency', 'off'], { cwd: dir });
    assert.equal(threaded.stderr, '');
    assert.equal(threaded.status, single.status);
    assert.equal(threaded.stdout, single.stdout);
  });

  test('ddr lsp --stdio: initialize piped in, then the end of the input: the answer, with capabilities', async () => {
    const s = await stdioSession([ddr, 'lsp', '--stdio'], frames([{ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }]));
    assert.equal(s.stderr, '');
    assert.equal(s.code, 1, 'no shutdown: exit code 1');
    const answer = answerTo(s.messages, 1) as { result: { capabilities: Record<string, unknown>; serverInfo: { name: string; version: string } } };
    assert.ok(answer.result.capabilities.hoverProvider);
    assert.deepEqual(answer.result.serverInfo, { name: 'ddr', version: pkg.version });
  });

  test('ddr lsp in a package that cannot be written (installed by root): diagnostics, and its code cache kept elsewhere, without a failure logged', async () => {
    run('chmod', ['-R', 'a-w', installed]);
    const cacheHome = fs.mkdtempSync(path.join(tmp, 'xdg-'));
    const uri = 'file:///virtual/packed.design.yaml';
    const s = await stdioSession(
      [ddr, 'lsp', '--stdio'],
      frames([
        { id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } },
        { method: 'initialized', params: {} },
        { method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'distributed-design', version: 1, text: DESIGN } } },
      ]),
      // The cache is written half a second after the first analysis.
      { env: { ...process.env, XDG_CACHE_HOME: cacheHome, DDR_CODE_CACHE: '' }, endAfterMs: 2_500 },
    );
    assert.equal(s.stderr, '');
    const diagnostics = s.messages.find((m) => m.method === 'textDocument/publishDiagnostics') as { params: { diagnostics: Array<{ code: string }> } } | undefined;
    assert.deepEqual(diagnostics?.params.diagnostics.map((d) => d.code), ['DSN004']);
    const logs = s.messages.filter((m) => m.method === 'window/logMessage').map((m) => (m.params as { message: string }).message);
    assert.deepEqual(logs.filter((l) => /code cache/.test(l) && !/^code cache: none/.test(l)).map((l) => l.replace(/: .*/, '')), ['code cache written']);
    // Root writes anywhere: beside the bundle. Anyone else: in the user's cache folder.
    const where = process.getuid?.() === 0 ? path.join(installed, 'out', 'server', 'src', 'lsp') : path.join(cacheHome, 'ddr');
    const found = fs.readdirSync(where, { recursive: true }).map(String).filter((f) => f.endsWith('.cache'));
    assert.equal(found.length, 1, `a cache in ${where}: ${logs.join('\n')}`);
  });
});

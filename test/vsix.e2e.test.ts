// `npm run package` (issue 14): the VSIX holds what .vscodeignore allows and nothing else,
// within the targets (≤ 40 files, ≤ 1.5 MB), and needs no node_modules: unpacked into a
// folder with none above it, its bundles require only Node's modules and `vscode`, and
// its language server answers and reviews a design over stdio. The workbench runs
// (workbench.e2e.test.ts) load the same VSIX.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from './support/lspClient';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const pkgScript = require(path.join(REPO_ROOT, 'scripts', 'package.js')) as {
  vsixPath(): string;
  zipEntries(file: string): Array<{ name: string; size: number }>;
  unpackExtension(file: string, dir: string): string;
  FILE_LIMIT: number;
  SIZE_LIMIT: number;
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-vsix-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let vsix: string;
let extension: string;

/** What the VSIX must hold: the manifest files vsce adds, and what .vscodeignore allows. */
function expectedFiles(): string[] {
  const examples = fs
    .readdirSync(path.join(REPO_ROOT, 'examples'))
    .filter((f) => f.endsWith('.design.yaml'))
    .map((f) => `extension/examples/${f}`);
  const optional = [
    ['CHANGELOG.md', 'extension/changelog.md'],
    ['LICENSE', 'extension/LICENSE.txt'],
  ]
    .filter(([f]) => fs.existsSync(path.join(REPO_ROOT, f)))
    .map(([, inVsix]) => inVsix);
  return [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/package.json',
    'extension/readme.md',
    'extension/language-configuration.json',
    'extension/images/icon.png',
    'extension/images/design-file.svg',
    'extension/images/review.svg',
    'extension/syntaxes/distributed-design.tmLanguage.json',
    'extension/snippets/distributed-design.json',
    'extension/out/client/src/extension.js',
    'extension/out/client/src/serverMain.js',
    'extension/out/server/src/lsp/server.bundle.js',
    ...examples,
    ...optional,
  ].sort();
}

test('npm run package writes distributed-design-review-<version>.vsix: the allowed files only, within 40 files and 1.5 MB', { timeout: 300_000 }, () => {
  vsix = pkgScript.vsixPath();
  fs.rmSync(vsix, { force: true });
  const r = spawnSync('npm', ['run', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 280_000 });
  assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
  const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
  assert.equal(path.basename(vsix), `distributed-design-review-${version}.vsix`);
  assert.ok(fs.existsSync(vsix), `${vsix} was not written`);
  const entries = pkgScript.zipEntries(vsix);
  const names = entries.map((e) => e.name).sort();
  // vsce may spell LICENSE either way; compare case-insensitively for it alone.
  const norm = (n: string) => (/license/i.test(n) ? n.toLowerCase() : n);
  assert.deepEqual(names.map(norm), expectedFiles().map(norm));
  assert.ok(names.length <= pkgScript.FILE_LIMIT, `${names.length} files`);
  const bytes = fs.statSync(vsix).size;
  assert.ok(bytes <= pkgScript.SIZE_LIMIT, `${(bytes / 1024 / 1024).toFixed(2)} MB`);
  assert.match(r.stdout, new RegExp(`distributed-design-review-${version.replace(/\./g, '\\.')}\\.vsix: ${names.length} files, \\d+ KB`));
  const manifest = JSON.parse(fs.readFileSync(pkgScript.unpackExtension(vsix, path.join(tmp, 'unpacked')) + '/package.json', 'utf8'));
  assert.deepEqual(manifest.capabilities.virtualWorkspaces.supported, false);
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
});

test('the unpacked VSIX needs no node_modules: its bundles require only Node and vscode', () => {
  assert.ok(vsix, 'the VSIX was not written');
  extension = pkgScript.unpackExtension(vsix, path.join(tmp, 'no-node-modules-above', 'extension'));
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  for (const [file, allowed] of [
    ['out/client/src/extension.js', ['vscode']],
    ['out/client/src/serverMain.js', []],
    ['out/server/src/lsp/server.bundle.js', []],
  ] as const) {
    const text = fs.readFileSync(path.join(extension, file), 'utf8');
    const required = [...new Set([...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))];
    const outside = required.filter((m) => !builtins.has(m) && !(allowed as readonly string[]).includes(m));
    assert.deepEqual(outside, [], `${file} requires modules that are not in the VSIX`);
  }
  assert.ok(!fs.existsSync(path.join(tmp, 'node_modules')) && !fs.existsSync(path.join(os.tmpdir(), 'node_modules')), 'a node_modules above the unpacked VSIX would hide a missing module');
});

test('the language server of the unpacked VSIX answers initialize and reviews a design over stdio', { timeout: 60_000 }, async () => {
  assert.ok(extension, 'the VSIX was not unpacked');
  const child = spawn(process.execPath, [path.join(extension, 'out', 'client', 'src', 'serverMain.js'), '--stdio'], {
    cwd: path.dirname(extension),
    env: { ...process.env, DDR_CODE_CACHE: 'off', NODE_PATH: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published = new Promise<{ uri: string; diagnostics: Array<{ code: unknown; codeDescription?: { href: string } }> }>((resolve) =>
    conn.onNotification('textDocument/publishDiagnostics', (p) => resolve(p)),
  );
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  try {
    const init = await conn.sendRequest<{ capabilities: { hoverProvider?: boolean }; serverInfo?: { version?: string } }>('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
    });
    assert.ok(init.capabilities.hoverProvider, `initialize: ${JSON.stringify(init)}\n${stderr}`);
    await conn.sendNotification('initialized', {});
    const text = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'checkout.design.yaml'), 'utf8').replace('    delivery: at-least-once\n', '');
    const uri = 'file:///virtual/from-vsix.design.yaml';
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'distributed-design', version: 1, text } });
    const p = await published;
    assert.deepEqual(p.diagnostics.map((d) => d.code), ['DLV001'], stderr);
    // docs/ is not in the VSIX: the rule's page is the published one.
    assert.match(p.diagnostics[0].codeDescription!.href, /^https:\/\/github\.com\/.*\/docs\/rules\/DLV001\.md$/);
  } finally {
    conn.dispose();
    child.kill();
  }
});

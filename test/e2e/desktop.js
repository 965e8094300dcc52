// `npm run test:desktop`: the same in-host suite (out/client/test) in desktop VS Code,
// through @vscode/test-electron, on a temporary copy of examples/, with the extension
// from its VSIX (scripts/package.js), unpacked, as the e2e runner has it. It downloads VS Code
// 1.100.3 (the version code-server 4.100.3 embeds), so it needs the VS Code update
// server; where that is unreachable (as on the CI machines), set VSCODE_EXECUTABLE to an
// installed `code` binary, or rely on `npm test`, which runs the suite in code-server.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const ROOT = path.resolve(__dirname, '..', '..');

async function main() {
  const tests = path.join(ROOT, 'out', 'client', 'test');
  if (!fs.existsSync(path.join(tests, 'index.js'))) {
    throw new Error('out/client/test/index.js is missing: run `npm run build` first');
  }
  const run = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-desktop-'));
  const workspace = path.join(run, 'workspace');
  const { packageVsix, unpackExtension } = require(path.join(ROOT, 'scripts', 'package.js'));
  const { file } = await packageVsix({ out: path.join(run, 'ddr.vsix'), log: () => undefined });
  const extensionPath = unpackExtension(file, path.join(run, 'extension'));
  fs.cpSync(path.join(ROOT, 'examples'), workspace, { recursive: true });
  fs.mkdirSync(path.join(run, 'user', 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(run, 'user', 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }, null, 2),
  );
  try {
    await runTests({
      version: process.env.VSCODE_VERSION || '1.100.3',
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: tests,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', path.join(run, 'user'), '--extensions-dir', path.join(run, 'exts')],
    });
  } finally {
    fs.rmSync(run, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`test:desktop failed: ${e && e.message ? e.message : e}`);
  console.error('Desktop VS Code could not run the suite. Where VS Code cannot be downloaded, set VSCODE_EXECUTABLE=/path/to/code, or run `npm test` (the same suite in code-server).');
  process.exit(1);
});

// The end-to-end test of the extension in a real VS Code workbench (docs/e2e.md):
// installs what is missing (Chromium, code-server 4.100.3 ...), packages the VSIX
// (scripts/package.js, as `npm run package`) and unpacks its extension/ folder, which the
// workbench loads: the tests exercise what users install. It starts code-server on a free
// loopback port, runs the in-host suite through extensionTestsPath, drives the workbench
// with playwright-core through every point of issue 5, checks that every rule's example
// hover fits (readable.js), then starts code-server again with workspace trust on and the
// VSIX installed, answers the trust dialog "No" and checks the diagnostics in Restricted
// Mode (restricted.js). One screenshot per step in test-artifacts/e2e/. Works on copies
// of examples/ in a temporary folder.
// Usage: node test/e2e/run.js [--only=inhost,ui,readable,restricted (any of them)] [--keep]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cs = require('./codeserver');
const { runInHost } = require('./inhost');

const ROOT = cs.ROOT;
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');
const onlyArg = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7);
const run = (part) => !onlyArg || onlyArg.split(',').includes(part);
const keep = process.argv.includes('--keep');
const CHROMIUM = process.env.DDR_CHROMIUM || '/usr/bin/chromium';

function log(...args) {
  const t = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  console.log(`[e2e ${t}s]`, ...args);
}
const t0 = Date.now();

async function main() {
  for (const f of ['out/client/src/extension.js', 'out/client/src/serverMain.js', 'out/server/src/lsp/server.bundle.js', 'out/client/test/index.js', 'out/server/src/engine/analyze.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) {
      throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
  }
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // Outside the repository, so that the workbench finds no git repository around it.
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-e2e-'));
  log('run folder', runDir);
  const bin = cs.install();
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM} after install.sh`);
  }
  log('tools ready:', path.relative(ROOT, bin));
  const { packageVsix, unpackExtension } = require(path.join(ROOT, 'scripts', 'package.js'));
  const { file: vsix, entries, bytes } = await packageVsix({ out: path.join(runDir, 'distributed-design-review.vsix'), log: () => undefined });
  const extensionPath = unpackExtension(vsix, path.join(runDir, 'extension'));
  log(`VSIX: ${entries.length} files, ${(bytes / 1024).toFixed(0)} KB; unpacked into ${extensionPath}`);
  const { chromium } = require('playwright-core');
  const env = cs.isolatedEnv(runDir);
  const launchOptions = { executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'], env };
  const workspace = (name) => {
    const dir = path.join(runDir, name);
    fs.cpSync(path.join(ROOT, 'examples'), dir, { recursive: true });
    return dir;
  };
  const wsInHost = workspace('ws-in-host');
  const wsUi = workspace('ws-ui');
  const wsRestricted = workspace('ws-restricted');
  const wsRules = path.join(runDir, 'ws-rule-examples');
  const server = await cs.start({ bin, runDir, folder: wsUi, settings: { 'git.enabled': false } });
  log(`code-server on ${server.host}:${server.port} (pid ${server.pid})`);
  // Each part runs whatever the others gave; the run fails at the end with every failure.
  const failures = [];
  const part = async (name, fn) => {
    if (!run(name)) {
      return;
    }
    try {
      await fn();
    } catch (e) {
      failures.push(`${name}: ${e && e.stack ? e.stack : e}`);
      log(`${name} FAILED: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
    }
  };
  try {
    await part('inhost', async () => {
      await runInHost({ chromium, launchOptions, server, folder: wsInHost, artifacts: ARTIFACTS, extensionPath, log });
      log('in-host suite passed');
    });
    await part('ui', async () => {
      const { runUi } = require('./ui');
      await runUi({ chromium, launchOptions, server, folder: wsUi, artifacts: ARTIFACTS, extensionPath, log });
      log('workbench UI test passed');
    });
    await part('readable', async () => {
      const { runReadable } = require('./readable');
      const r = await runReadable({ chromium, launchOptions, server, folder: wsRules, artifacts: ARTIFACTS, extensionPath, log });
      log(`hover of every rule's example fits: ${r.length} rules`);
    });
    server.stop();
    log('code-server stopped');
    await part('restricted', async () => {
      const { runRestricted } = require('./restricted');
      await runRestricted({ chromium, launchOptions, bin, vsix, runDir: path.join(runDir, 'restricted'), folder: wsRestricted, artifacts: ARTIFACTS, log });
      log('Restricted Mode test passed');
    });
  } finally {
    server.stop();
    if (!failures.length && !keep) {
      fs.rmSync(runDir, { recursive: true, force: true });
    } else {
      log(`kept ${runDir} (code-server.log inside)`);
    }
  }
  log(`screenshots in ${path.relative(ROOT, ARTIFACTS)}/`);
  if (failures.length) {
    throw new Error(`${failures.length} part(s) failed:\n${failures.join('\n\n')}`);
  }
}

main().then(
  () => {
    log('E2E PASSED');
  },
  (e) => {
    console.error(`[e2e] FAILED: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  },
);

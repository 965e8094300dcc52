// The end-to-end test of the extension in a real VS Code workbench (docs/e2e.md):
// installs what is missing (Chromium, code-server 4.100.3 ...), starts code-server on a
// free loopback port, runs the in-host suite through extensionTestsPath, then drives the
// workbench with playwright-core through every point of issue 5, one screenshot per step
// in test-artifacts/e2e/. Works on copies of examples/ in a temporary folder.
// Usage: node test/e2e/run.js [--only=inhost|ui] [--keep]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const cs = require('./codeserver');
const { runInHost } = require('./inhost');

const ROOT = cs.ROOT;
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');
const only = (process.argv.find((a) => a.startsWith('--only=')) || '').slice(7);
const keep = process.argv.includes('--keep');
const CHROMIUM = process.env.DDR_CHROMIUM || '/usr/bin/chromium';

function log(...args) {
  const t = ((Date.now() - t0) / 1000).toFixed(1).padStart(6);
  console.log(`[e2e ${t}s]`, ...args);
}
const t0 = Date.now();

async function main() {
  for (const f of ['out/client/src/extension.js', 'out/client/test/index.js', 'out/server/src/engine/analyze.js', 'bin/ddr.js']) {
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
  const server = await cs.start({ bin, runDir, folder: wsUi, settings: { 'git.enabled': false } });
  log(`code-server on ${server.host}:${server.port} (pid ${server.pid})`);
  let ok = false;
  try {
    if (!only || only === 'inhost') {
      await runInHost({ chromium, launchOptions, server, folder: wsInHost, artifacts: ARTIFACTS, log });
      log('in-host suite passed');
    }
    if (!only || only === 'ui') {
      const { runUi } = require('./ui');
      await runUi({ chromium, launchOptions, server, folder: wsUi, artifacts: ARTIFACTS, log });
      log('workbench UI test passed');
    }
    ok = true;
  } finally {
    server.stop();
    log('code-server stopped');
    if (ok && !keep) {
      fs.rmSync(runDir, { recursive: true, force: true });
    } else {
      log(`kept ${runDir} (code-server.log inside)`);
    }
  }
  log(`screenshots in ${path.relative(ROOT, ARTIFACTS)}/`);
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

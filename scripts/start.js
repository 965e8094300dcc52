#!/usr/bin/env node
// `npm start`: builds, then opens the extension, loaded from source, on the bundled
// examples. With a desktop `code` on the PATH it runs
//   code --extensionDevelopmentPath=<repo> examples/
// otherwise it installs what is missing (Chromium is not needed here; code-server 4.100.3
// and the packages it builds with, as test/e2e/install.sh does), starts code-server on
// 127.0.0.1 and prints the URL to open. Ctrl+C stops it.
// Environment: DDR_PORT (default 8080, else a free port), DDR_HOST (default 127.0.0.1),
// DDR_NO_DESKTOP=1 to use code-server even where `code` exists.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function portFree(port, host) {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

async function main() {
  console.log('== npm run build');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    process.exit(build.status ?? 1);
  }
  if (onPath('code') && !process.env.DDR_NO_DESKTOP) {
    console.log(`== code --extensionDevelopmentPath=${ROOT} ${EXAMPLES}`);
    const r = spawnSync('code', [`--extensionDevelopmentPath=${ROOT}`, EXAMPLES], { stdio: 'inherit' });
    process.exit(r.status ?? 0);
  }
  const cs = require(path.join(ROOT, 'test', 'e2e', 'codeserver.js'));
  console.log('== installing what is missing (see docs/e2e.md)');
  const bin = cs.install();
  const host = process.env.DDR_HOST || '127.0.0.1';
  const wanted = Number(process.env.DDR_PORT || 8080);
  const port = (await portFree(wanted, host)) ? wanted : await cs.freePort();
  // The workbench's own state (settings, extensions, caches) lives out of the way, and
  // survives restarts so that the layout a user sets up stays.
  const runDir = path.join(ROOT, '.run', 'start');
  fs.mkdirSync(runDir, { recursive: true });
  const server = await cs.start({ bin, runDir, folder: EXAMPLES, host, port });
  const url = server.url(EXAMPLES);
  console.log('');
  console.log('Distributed Design Review is running in code-server (VS Code in the browser),');
  console.log('with the extension loaded from source on examples/. Open:');
  console.log('');
  console.log(`  ${url}`);
  console.log('');
  console.log(`(code-server log: ${path.relative(ROOT, server.log)}; Ctrl+C stops it)`);
  const stop = () => {
    server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Stay in the foreground while code-server runs.
  const poll = setInterval(() => {
    try {
      process.kill(server.pid, 0);
    } catch {
      clearInterval(poll);
      console.error('code-server exited; see its log above.');
      process.exit(1);
    }
  }, 1000);
}

main().catch((e) => {
  console.error(`npm start failed: ${e && e.message ? e.message : e}`);
  process.exit(1);
});


#!/usr/bin/env node
// `npm start`: packages the extension (`npm run package`: the VSIX users install) and opens
// it on the bundled examples. With a desktop `code` on the PATH it runs
//   code --extensionDevelopmentPath=<the VSIX unpacked> examples/
// (your own VS Code profile is left as it is); otherwise it installs what is missing
// (code-server 4.100.3 and the packages it builds with, as test/e2e/install.sh does),
// installs the VSIX into code-server, starts it on 127.0.0.1 and prints the URL to open
// and the password, a random one for this run. Ctrl+C stops it.
// Environment: DDR_PORT (default 8080, else a free port), DDR_HOST (default 127.0.0.1; a
// host that is not loopback is refused unless DDR_ALLOW_REMOTE=1: the workbench has a
// terminal, served over plain HTTP), DDR_NO_DESKTOP=1 to use code-server even where `code`
// exists.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');

/** Whether a host name or address is this machine's loopback only. */
function isLoopback(host) {
  const h = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (h === 'localhost') {
    return true;
  }
  if (net.isIPv4(h)) {
    return h.startsWith('127.');
  }
  if (net.isIPv6(h)) {
    return h === '::1' || /^::ffff:127\./.test(h);
  }
  return false;
}

/**
 * Where `npm start` serves code-server, from the environment: { host, port, warning? }.
 * Throws, with the way out, for a host that is not loopback unless DDR_ALLOW_REMOTE=1,
 * and for a port that is not one.
 */
function serveOptions(env = process.env) {
  const host = (env.DDR_HOST || '127.0.0.1').trim();
  const portText = (env.DDR_PORT || '8080').trim();
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new Error(`DDR_PORT=${JSON.stringify(env.DDR_PORT)} is not a port number (1-65535)`);
  }
  if (isLoopback(host)) {
    return { host, port };
  }
  if (env.DDR_ALLOW_REMOTE !== '1') {
    throw new Error(
      `refusing DDR_HOST=${host}: it is not a loopback address, so anyone who can reach this machine could open the workbench, which has a terminal. ` +
        'Set DDR_ALLOW_REMOTE=1 as well if that is what you want (the password is still asked; the connection is plain HTTP).',
    );
  }
  return {
    host,
    port,
    warning: `serving on ${host}, reachable from other machines (DDR_ALLOW_REMOTE=1), over plain HTTP: the password travels unencrypted.`,
  };
}

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
  let where;
  try {
    where = serveOptions();
  } catch (e) {
    console.error(`npm start: ${e.message}`);
    process.exit(2);
  }
  console.log('== npm run package');
  const built = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) {
    process.exit(built.status ?? 1);
  }
  const { vsixPath, unpackExtension } = require('./package');
  const vsix = vsixPath();
  // The workbench's own state (settings, extensions, caches) lives out of the way, and
  // survives restarts so that the layout a user sets up stays.
  const runDir = path.join(ROOT, '.run', 'start');
  fs.mkdirSync(runDir, { recursive: true });
  if (onPath('code') && !process.env.DDR_NO_DESKTOP) {
    const ext = path.join(runDir, 'extension');
    fs.rmSync(ext, { recursive: true, force: true });
    unpackExtension(vsix, ext);
    console.log(`== code --extensionDevelopmentPath=${ext} ${EXAMPLES}`);
    const r = spawnSync('code', [`--extensionDevelopmentPath=${ext}`, EXAMPLES], { stdio: 'inherit' });
    process.exit(r.status ?? 0);
  }
  const cs = require(path.join(ROOT, 'test', 'e2e', 'codeserver.js'));
  console.log('== installing what is missing (see docs/e2e.md)');
  const bin = cs.install();
  console.log(`== code-server --install-extension ${path.relative(ROOT, vsix)}`);
  cs.installVsix({ bin, runDir, vsix });
  const { host, warning } = where;
  const port = (await portFree(where.port, host)) ? where.port : await cs.freePort();
  if (warning) {
    console.warn(`npm start: warning: ${warning}`);
  }
  const server = await cs.start({ bin, runDir, folder: EXAMPLES, host, port });
  console.log('');
  console.log('Distributed Design Review is running in code-server (VS Code in the browser),');
  console.log(`installed from ${path.basename(vsix)}, on examples/. Open:`);
  console.log('');
  console.log(`  ${server.url(EXAMPLES)}`);
  console.log(`  password: ${server.password}   (random, for this run only)`);
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

if (require.main === module) {
  main().catch((e) => {
    console.error(`npm start failed: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
}

module.exports = { serveOptions, isLoopback };

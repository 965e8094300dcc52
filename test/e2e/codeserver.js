// Starts and stops code-server (VS Code's workbench served to a browser) the way
// docs/e2e.md describes: isolated user-data, extensions and XDG folders, no workspace
// trust prompt, a free loopback port, its own process group so that stopping it stops its
// file watcher and extension hosts too. Used by the e2e runner and by `npm start`.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const http = require('node:http');

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs test/e2e/install.sh (installs what is missing) and returns code-server's path. */
function install({ quiet = false } = {}) {
  const r = spawnSync('bash', [path.join(__dirname, 'install.sh')], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'],
  });
  if (r.status !== 0) {
    throw new Error(`test/e2e/install.sh failed (exit ${r.status}): could not install the workbench tools${quiet && r.stderr ? '\n' + r.stderr.slice(-4000) : ''}`);
  }
  const bin = r.stdout.trim().split('\n').pop();
  if (!bin || !fs.existsSync(bin)) {
    throw new Error(`install.sh printed no usable code-server path: ${JSON.stringify(r.stdout)}`);
  }
  return bin;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(0);
    });
  });
}

/** The environment that keeps code-server and Chromium out of the home directory. */
function isolatedEnv(runDir) {
  const env = { ...process.env };
  for (const [k, sub] of [
    ['XDG_CONFIG_HOME', 'xdg/config'],
    ['XDG_DATA_HOME', 'xdg/data'],
    ['XDG_CACHE_HOME', 'xdg/cache'],
    ['TMPDIR', 'tmp'],
  ]) {
    env[k] = path.join(runDir, sub);
    fs.mkdirSync(env[k], { recursive: true });
  }
  return env;
}

/**
 * Starts code-server on `folder`. Returns { port, host, pid, log, url(folder, payload), stop() }.
 * `settings` are merged into the user settings.
 */
async function start({ bin, runDir, folder, settings = {}, port, host = '127.0.0.1' }) {
  fs.mkdirSync(path.join(runDir, 'ud', 'User'), { recursive: true });
  fs.mkdirSync(path.join(runDir, 'exts'), { recursive: true });
  const userSettings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'workbench.enableExperiments': false,
    'chat.commandCenter.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'git.openRepositoryInParentFolders': 'never',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    ...settings,
  };
  fs.writeFileSync(path.join(runDir, 'ud', 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  port = port ?? (await freePort());
  const config = path.join(runDir, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: ${host}:${port}\nauth: none\ncert: false\n`);
  const log = path.join(runDir, 'code-server.log');
  const out = fs.openSync(log, 'a');
  const args = [
    '--config', config,
    '--auth', 'none',
    '--bind-addr', `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', path.join(runDir, 'ud'),
    '--extensions-dir', path.join(runDir, 'exts'),
    folder,
  ];
  // detached: its own process group (setsid), stopped as a whole.
  const child = spawn(bin, args, { cwd: runDir, env: isolatedEnv(runDir), detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const stop = () => stopGroup(child.pid);
  process.once('exit', stop);
  const deadline = Date.now() + 60_000;
  while ((await get(`http://${host}:${port}/healthz`)) !== 200) {
    if (exited || Date.now() > deadline) {
      stop();
      const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-3000) : '';
      throw new Error(`code-server did not start on ${host}:${port}${exited ? ' (it exited)' : ''}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const authority = `${host}:${port}`;
  return {
    port,
    host,
    pid: child.pid,
    log,
    /** The workbench URL for `folder`, loading the extension at `extensionPath` from source. */
    url(folderPath, { extensionPath = ROOT, testsPath } = {}) {
      const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`]];
      if (testsPath) {
        payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsPath}`]);
      }
      return `http://${authority}/?folder=${encodeURIComponent(folderPath)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
    stop,
  };
}

/** Stops a process group: SIGTERM, then SIGKILL for what is left. */
function stopGroup(pid) {
  if (!pid) {
    return;
  }
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const end = Date.now() + 3000;
  while (Date.now() < end) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    spawnSync('sleep', ['0.1']);
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // gone
  }
}

module.exports = { ROOT, install, start, stopGroup, freePort, isolatedEnv };

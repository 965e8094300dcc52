// Starts and stops code-server (VS Code's workbench served to a browser) the way
// docs/e2e.md describes: isolated user-data, extensions and XDG folders, a random password
// (never `--auth none`: the workbench has a terminal), a free loopback port, no workspace
// trust prompt unless asked for (the Restricted Mode run), its own process group so that
// stopping it stops its file watcher and extension hosts too. Used by the e2e runner and
// by `npm start`.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
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

/** A password for one run of code-server: 144 random bits. */
function randomPassword() {
  return crypto.randomBytes(18).toString('base64url');
}

/**
 * code-server's command line and config file for a run (no side effects, for tests).
 * The password is in the config file (written 0600), never on the command line, where
 * every local user could read it in the process list. `trust: 'ask'` leaves workspace
 * trust on: the folder opens with the trust dialog, as a fresh clone does in VS Code.
 */
function serverArgs({ runDir, folder, host, port, password, trust = 'off' }) {
  const config = path.join(runDir, 'config.yaml');
  const configText = `bind-addr: ${host}:${port}\nauth: password\npassword: ${JSON.stringify(password)}\ncert: false\n`;
  const args = [
    '--config', config,
    '--auth', 'password',
    '--bind-addr', `${host.includes(':') ? `[${host}]` : host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(trust === 'ask' ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', path.join(runDir, 'ud'),
    '--extensions-dir', path.join(runDir, 'exts'),
    folder,
  ];
  return { args, config, configText };
}

/** Installs a VSIX into an extensions folder with code-server, as `code --install-extension` does. */
function installVsix({ bin, runDir, vsix, extensionsDir = path.join(runDir, 'exts') }) {
  fs.mkdirSync(extensionsDir, { recursive: true });
  const r = spawnSync(bin, ['--extensions-dir', extensionsDir, '--user-data-dir', path.join(runDir, 'ud'), '--install-extension', vsix, '--force'], {
    cwd: runDir,
    env: isolatedEnv(runDir),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  return `${r.stdout}${r.stderr}`.trim();
}

/**
 * Starts code-server on `folder`. Returns { port, host, pid, log, password, url(folder, payload), open(page, url), stop() }.
 * `settings` are merged into the user settings; `trust: 'ask'` leaves workspace trust on.
 */
async function start({ bin, runDir, folder, settings = {}, port, host = '127.0.0.1', trust = 'off' }) {
  fs.mkdirSync(path.join(runDir, 'ud', 'User'), { recursive: true });
  fs.mkdirSync(path.join(runDir, 'exts'), { recursive: true });
  const userSettings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': trust === 'ask',
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
  const password = randomPassword();
  const { args, config, configText } = serverArgs({ runDir, folder, host, port, password, trust });
  fs.rmSync(config, { force: true });
  fs.writeFileSync(config, configText, { mode: 0o600 });
  const log = path.join(runDir, 'code-server.log');
  const out = fs.openSync(log, 'a');
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
  const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  while ((await get(`http://${authority}/healthz`)) !== 200) {
    if (exited || Date.now() > deadline) {
      stop();
      const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-3000) : '';
      throw new Error(`code-server did not start on ${host}:${port}${exited ? ' (it exited)' : ''}:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    port,
    host,
    pid: child.pid,
    log,
    password,
    /** Opens `url` in a Playwright page, logging in with the password when code-server asks. */
    async open(page, url) {
      await page.goto(url);
      const field = page.locator('input[name="password"]');
      if (new URL(page.url()).pathname.endsWith('/login')) {
        await field.fill(password);
        await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login'), { timeout: 30_000 }), field.press('Enter')]);
      }
    },
    /**
     * The workbench URL for `folder`: with `extensionPath`, the extension in that folder is
     * loaded as under development (the unpacked VSIX), with `testsPath` the in-host suite
     * runs; without, the installed extensions run.
     */
    url(folderPath, { extensionPath, testsPath } = {}) {
      const payload = [];
      if (extensionPath) {
        payload.push(['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath}`]);
      }
      if (testsPath) {
        payload.push(['extensionTestsPath', `vscode-remote://${authority}${testsPath}`]);
      }
      const query = `folder=${encodeURIComponent(folderPath)}${payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
      return `http://${authority}/?${query}`;
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

module.exports = { ROOT, install, start, stopGroup, freePort, isolatedEnv, serverArgs, installVsix, randomPassword };

// `npm start` serves a workbench with a terminal: never without a password, never beyond
// this machine unless asked (issue 15, item 10). What scripts/start.js and
// test/e2e/codeserver.js decide, checked without starting code-server.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const start = require(path.join(ROOT, 'scripts', 'start.js')) as {
  serveOptions(env: Record<string, string>): { host: string; port: number; warning?: string };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cs = require(path.join(ROOT, 'test', 'e2e', 'codeserver.js')) as {
  serverArgs(o: { runDir: string; folder: string; host: string; port: number; password: string; trust?: string }): { args: string[]; config: string; configText: string };
  randomPassword(): string;
};

test('npm start serves on 127.0.0.1:8080 by default; loopback hosts are accepted as they are', () => {
  assert.deepEqual(start.serveOptions({}), { host: '127.0.0.1', port: 8080 });
  for (const host of ['localhost', '127.0.0.2', '::1', '[::1]']) {
    assert.deepEqual(start.serveOptions({ DDR_HOST: host, DDR_PORT: '9000' }), { host, port: 9000 });
  }
  assert.throws(() => start.serveOptions({ DDR_PORT: '80x' }), /DDR_PORT="80x" is not a port number/);
});

test('a host that is not loopback is refused unless DDR_ALLOW_REMOTE=1, and then served with a warning', () => {
  for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.com']) {
    assert.throws(
      () => start.serveOptions({ DDR_HOST: host }),
      new RegExp(`^Error: refusing DDR_HOST=${host.replace(/\./g, '\\.')}: it is not a loopback address.*Set DDR_ALLOW_REMOTE=1`),
    );
    assert.throws(() => start.serveOptions({ DDR_HOST: host, DDR_ALLOW_REMOTE: 'yes' }), /refusing/, 'only 1 says yes');
    const ok = start.serveOptions({ DDR_HOST: host, DDR_ALLOW_REMOTE: '1' });
    assert.equal(ok.host, host);
    assert.match(ok.warning ?? '', /reachable from other machines.*plain HTTP/);
  }
});

test('`DDR_HOST=0.0.0.0 npm start` stops before building anything: exit 2 and the reason', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'start.js')], {
    cwd: ROOT,
    env: { ...process.env, DDR_HOST: '0.0.0.0', DDR_ALLOW_REMOTE: '' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, '', 'nothing built or started');
  assert.match(r.stderr, /^npm start: refusing DDR_HOST=0\.0\.0\.0: it is not a loopback address/);
});

test('code-server is started with a password (from its 0600 config file, not the command line), never --auth none', () => {
  const password = cs.randomPassword();
  assert.match(password, /^[A-Za-z0-9_-]{24}$/);
  assert.notEqual(cs.randomPassword(), password, 'a new one for every run');
  const { args, config, configText } = cs.serverArgs({ runDir: '/run', folder: '/ws', host: '127.0.0.1', port: 8080, password });
  assert.deepEqual(args.slice(args.indexOf('--auth'), args.indexOf('--auth') + 2), ['--auth', 'password']);
  assert.ok(!args.join(' ').includes('none'), args.join(' '));
  assert.ok(!args.some((a) => a.includes(password)), 'the password is not on the command line');
  assert.equal(args[args.indexOf('--config') + 1], config);
  assert.equal(configText, `bind-addr: 127.0.0.1:8080\nauth: password\npassword: "${password}"\ncert: false\n`);
  assert.ok(args.includes('--disable-workspace-trust'));
  const ask = cs.serverArgs({ runDir: '/run', folder: '/ws', host: '::1', port: 8080, password, trust: 'ask' });
  assert.ok(!ask.args.includes('--disable-workspace-trust'), 'the Restricted Mode run keeps workspace trust on');
  assert.equal(ask.args[ask.args.indexOf('--bind-addr') + 1], '[::1]:8080');
});

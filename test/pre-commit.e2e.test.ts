// The pre-commit hook (.pre-commit-hooks.yaml), tried with Debian's `pre-commit` as a user
// runs it: `pre-commit try-repo <this repository> ddr` in another repository with designs,
// then, with the hook installed from .pre-commit-config.yaml, a commit refused and one
// accepted. Each try-repo installs the hook afresh (a store of its own): one is enough. pre-commit installs the hook's package with
// npm from this repository's committed HEAD (uncommitted changes to tracked files too):
// it needs the npm registry, and nothing beyond it (node is the system's: no download).
// Installs pre-commit with apt when it is missing (as root); fails loudly when it cannot.
import { strict as assert } from 'node:assert';
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from './support/tempDir';

const ROOT = path.join(__dirname, '..', '..');
const DDR = path.join(ROOT, 'bin', 'ddr.js');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15 * 60_000 });
}

function ensurePreCommit(): void {
  if (run('pre-commit', ['--version'], ROOT).status === 0) {
    return;
  }
  assert.equal(process.getuid?.(), 0, 'pre-commit is not installed and this test is not root: run `apt-get install -y pre-commit`');
  let r = run('apt-get', ['install', '-y', '--no-install-recommends', 'pre-commit'], ROOT, { DEBIAN_FRONTEND: 'noninteractive' });
  if (r.status !== 0) {
    run('apt-get', ['update'], ROOT);
    r = run('apt-get', ['install', '-y', '--no-install-recommends', 'pre-commit'], ROOT, { DEBIAN_FRONTEND: 'noninteractive' });
  }
  assert.equal(r.status, 0, `apt-get install pre-commit failed:\n${r.stdout}\n${r.stderr}`);
  assert.equal(run('pre-commit', ['--version'], ROOT).status, 0, 'pre-commit does not run after its install');
}

/** The lines pre-commit prints for the hook (after its header), without its install chatter. */
function hookReport(stdout: string): string {
  const i = stdout.indexOf('ddr design review');
  assert.ok(i >= 0, `no ddr hook in the output:\n${stdout}`);
  return stdout.slice(i);
}

describe('the pre-commit hook', () => {
  test('pre-commit try-repo runs `ddr lint` on the design files; the installed hook refuses a commit with an error finding', () => {
    ensurePreCommit();
    const examples = (f: string) => fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8');
    const repo = tempDir(
      {
        'designs/checkout.design.yaml': examples('checkout.design.yaml'),
        'designs/retries.design.yaml': examples('retries.design.yaml'),
        'config/settings.yaml': 'not: a design\n', // not a design: the hook is not given it
        'README.md': '# A service\n',
      },
      'ddr-pre-commit-user-',
    );
    const home = tempDir({}, 'ddr-pre-commit-home-');
    const git = { GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.com', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.com' };
    const env = { ...git, PRE_COMMIT_HOME: home, NO_COLOR: '1' };
    assert.equal(run('git', ['init', '-q'], repo).status, 0);
    assert.equal(run('git', ['add', '.'], repo).status, 0);

    // What `ddr lint` itself says about the two designs: the hook must print the same.
    const direct = run(process.execPath, [DDR, 'lint', 'designs/checkout.design.yaml', 'designs/retries.design.yaml'], repo);
    assert.equal(direct.status, 1, direct.stderr);

    const tried = run('pre-commit', ['try-repo', ROOT, 'ddr', '--all-files', '--color', 'never'], repo, env);
    assert.equal(tried.status, 1, `${tried.stdout}\n${tried.stderr}\n${fs.existsSync(path.join(home, 'pre-commit.log')) ? fs.readFileSync(path.join(home, 'pre-commit.log'), 'utf8') : ''}`);
    assert.equal(hookReport(tried.stdout), `ddr design review${'.'.repeat(56)}Failed\n- hook id: ddr\n- exit code: 1\n\n${direct.stdout}\n`);

    // As a user sets it up: .pre-commit-config.yaml naming this repository at a commit.
    // A file that is not a design (config/settings.yaml) is committed too: not reviewed.
    const rev = run('git', ['rev-parse', 'HEAD'], ROOT).stdout.trim();
    fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), `repos:\n  - repo: ${ROOT}\n    rev: ${rev}\n    hooks:\n      - id: ddr\n`);
    assert.equal(run('git', ['add', '.pre-commit-config.yaml'], repo).status, 0);
    assert.equal(run('pre-commit', ['install'], repo, env).status, 0);
    const refused = run('git', ['commit', '-qm', 'designs'], repo, env);
    assert.equal(refused.status, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout + refused.stderr, /ddr design review\.+Failed/);
    assert.match(refused.stdout + refused.stderr, /designs\/retries\.design\.yaml:37:17 {2}error {2}RTY003 /);
    assert.equal(run('git', ['rev-parse', '--verify', '-q', 'HEAD'], repo).status, 1, 'nothing was committed');

    assert.equal(run('git', ['rm', '-q', '--cached', 'designs/retries.design.yaml'], repo).status, 0);
    const accepted = run('git', ['commit', '-qm', 'the clean design'], repo, env);
    assert.equal(accepted.status, 0, accepted.stdout + accepted.stderr);
    assert.equal(hookReport(accepted.stdout + accepted.stderr), `ddr design review${'.'.repeat(56)}Passed\n`);
    assert.equal(run('git', ['show', '--name-only', '--format=', 'HEAD'], repo).stdout, '.pre-commit-config.yaml\nREADME.md\nconfig/settings.yaml\ndesigns/checkout.design.yaml\n');
  });
});

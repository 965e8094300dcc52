// The editor snippets of docs/editors.md, tried against the real server in the editors
// themselves (headless). .ci/run installs both editors; where one is missing the test
// fails with the command that installs it: it never passes or skips without having run.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './support/lspClient';

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function run(script: string): { status: number | null; out: string } {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'test', 'editors', script)], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

test('Neovim 0.7: the plain start_client snippet shows the server’s diagnostic and hover', () => {
  assert.ok(has('nvim'), 'nvim is not installed: apt-get install -y neovim (as .ci/run does) to try the Neovim snippet');
  const r = run('neovim.sh');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^diagnostic 139:11 DLV001 ddr channel `order-events` does not declare its delivery guarantee/m);
  assert.match(r.out, /^hover \*\*DLV001 delivery-undeclared\*\* · \[DLV001 documentation\]\(file:\/\/\/.*\/docs\/rules\/DLV001\.md\)$/m);
});

test('Emacs with eglot: the snippet shows the server’s diagnostic through Flymake', () => {
  assert.ok(has('emacs'), 'emacs is not installed: apt-get install -y emacs-nox elpa-eglot (as .ci/run does) to try the eglot snippet');
  const r = run('emacs.sh');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /^diagnostic 139 ddr \[DLV001\]: channel `order-events` does not declare its delivery guarantee/m);
});

// The extension in a real VS Code workbench, from the VSIX users install: runs
// test/e2e/run.js (code-server + Chromium via playwright-core; see docs/e2e.md): the
// in-host suite, the workbench steps, every rule's example hover measured, and Restricted
// Mode. It installs what is missing and fails, never skips, when a tool cannot be
// installed. Screenshots: test-artifacts/e2e/.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.join(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'e2e');

test('the extension from its VSIX in code-server: in-host suite, every workbench step, readable hovers and rows, Restricted Mode', { timeout: 20 * 60_000 }, async () => {
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'test', 'e2e', 'run.js')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      const s = chunk.toString();
      output.push(s);
      // Progress, so that a slow first install (apt, npm) shows what it is doing.
      process.stderr.write(s.replace(/^/gm, '  | '));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', resolve);
  });
  const text = output.join('');
  assert.equal(code, 0, `test/e2e/run.js failed (exit ${code}); screenshots in test-artifacts/e2e/:\n${text.slice(-6000)}`);
  assert.match(text, /IN-HOST TESTS PASSED|in-host suite passed/);
  assert.match(text, /VSIX: \d+ files, \d+ KB; unpacked into /);
  assert.match(text, /workbench UI test passed/);
  assert.match(text, /hover of every rule's example fits: \d+ rules/);
  assert.match(text, /Restricted Mode test passed/);
  // One screenshot per step a person would look at.
  const shots = fs.readdirSync(ARTIFACTS).filter((f) => f.endsWith('.png'));
  for (const step of [
    'in-host-suite',
    'example-opened-highlighting',
    'squiggles',
    'problems-panel',
    'hover-enum-value',
    'hover-finding-rule-doc',
    'quick-fix-menu',
    'quick-fix-applied',
    'snippet-expanded',
    'checklist-areas-counts',
    'checklist-finding-revealed',
    'mark-done-confirm',
    'mark-done-applied',
    'checklist-readable-default-width',
    'trust-dialog',
    'diagnostics',
  ]) {
    assert.ok(shots.some((f) => f.endsWith(`-${step}.png`)), `no screenshot of ${step}`);
  }
});

// Hostile workspaces (issue 15, items 8 and 9): what the server reads from disk. Only
// regular files inside a workspace folder, within the size limit, each read without
// blocking: FIFOs named *.design.yaml once held every thread of libuv's pool, so that no
// file was read again; a `..` in an event's URI once crossed the folder's boundary and
// published the diagnostics of a file outside it.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, uriOf } from './support/lspClient';

/** A design with findings on its channel (DLV001, ORD001), so that a publish is never empty. */
const DESIGN = (name: string) => `design: ${name}\ndsl: 1\nchannels:\n  - name: events\n`;
const FINDINGS = ['DLV001', 'ORD001'];
const CHANGED = 2;
const CREATED = 1;

let root: string;
let ws: string;
let outside: string;
let c: LspClient;

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-lsp-hostile-'));
  ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'first.design.yaml'), DESIGN('first'));
  outside = path.join(root, 'outside.design.yaml');
  fs.writeFileSync(outside, DESIGN('outside'));
  c = await LspClient.start({ workspaceFolders: [ws], settings: { limits: { maxFileSize: 200 } } });
  // The initial scan is done once the design already there is published.
  await c.diagnosticsFor(uriOf(path.join(ws, 'first.design.yaml')), null);
});

after(async () => {
  await c?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

const published = () => [...c.diagnostics.keys()];

/** Announces `uris` and then a new design: once the new design is published, every event before it was handled. */
async function announceThenSync(changes: Array<{ uri: string; type: number }>, marker: string): Promise<void> {
  const file = path.join(ws, `${marker}.design.yaml`);
  fs.writeFileSync(file, DESIGN(marker));
  const t0 = Date.now();
  await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [...changes, { uri: uriOf(file), type: CREATED }] });
  const d = await c.diagnosticsFor(uriOf(file), null, 10_000);
  assert.deepEqual(
    d.map((x) => x.code),
    FINDINGS,
    `the new design is analysed and published (after ${Date.now() - t0} ms)`,
  );
}

describe('FIFOs and devices named like designs', () => {
  test('watched-file events for five FIFOs f1..f5.design.yaml: a new design is still analysed and published promptly', { timeout: 30_000 }, async () => {
    const fifos = ['f1', 'f2', 'f3', 'f4', 'f5'].map((n) => path.join(ws, `${n}.design.yaml`));
    // coreutils' mkfifo: Node has no call for it.
    execFileSync('mkfifo', fifos);
    const t0 = Date.now();
    await announceThenSync(
      fifos.map((f) => ({ uri: uriOf(f), type: CREATED })),
      'after-fifos',
    );
    assert.ok(Date.now() - t0 < 5000, `published in ${Date.now() - t0} ms`);
    // And again: no thread of the pool is still waiting on a FIFO.
    await announceThenSync(
      fifos.map((f) => ({ uri: uriOf(f), type: CHANGED })),
      'after-fifos-again',
    );
    assert.deepEqual(
      published().filter((u) => /\/f\d\.design\.yaml$/.test(u)),
      [],
      'nothing is published for a FIFO',
    );
    assert.ok(
      fifos.every((f) => c.logs.some((l) => l.message === `not read: ${f}: not a regular file`)),
      `the log says why each was not read: ${c.logs.map((l) => l.message).join(' | ')}`,
    );
  });

  test('a design over three bytes per character of limits.maxFileSize is not read; one under it is reported too large', async () => {
    const huge = path.join(ws, 'huge.design.yaml');
    fs.writeFileSync(huge, DESIGN('huge') + `# ${'x'.repeat(700)}\n`);
    const big = path.join(ws, 'big.design.yaml');
    fs.writeFileSync(big, DESIGN('big') + `# ${'x'.repeat(300)}\n`);
    await announceThenSync(
      [
        { uri: uriOf(huge), type: CREATED },
        { uri: uriOf(big), type: CREATED },
      ],
      'after-sizes',
    );
    assert.equal(c.diagnostics.get(uriOf(huge)), undefined, 'nothing published for a file not read');
    assert.ok(c.logs.some((l) => l.message === `not read: ${huge}: over 3 bytes per character of the 200-character limit (setting limits.maxFileSize)`));
    const d = await c.diagnosticsFor(uriOf(big), null);
    assert.deepEqual(
      d.map((x) => [x.code, x.message]),
      [['DSN001', 'not analysed: the file is 349 characters, over the 200-character limit (setting limits.maxFileSize)']],
    );
  });
});

describe('the workspace boundary', () => {
  test('a watched-file event for file:///ws/../outside.design.yaml publishes nothing for a file outside every folder (also %2e%2e and backslashes)', async () => {
    const wsUri = uriOf(ws);
    const hostile = [
      `${wsUri}/../outside.design.yaml`,
      `${wsUri}/sub/../../outside.design.yaml`,
      `${wsUri}/%2e%2e/outside.design.yaml`,
      `${wsUri}/%2E%2E/outside.design.yaml`,
      `${wsUri}/.%2e/outside.design.yaml`,
      `${wsUri}/..\\outside.design.yaml`,
      `${wsUri}/sub\\..\\..\\outside.design.yaml`,
      `${wsUri}/..%2foutside.design.yaml`,
      `${wsUri}/..%5coutside.design.yaml`,
    ];
    await announceThenSync(
      hostile.map((uri) => ({ uri, type: CHANGED })),
      'after-dots',
    );
    assert.deepEqual(
      published().filter((u) => u.includes('outside')),
      [],
      'nothing published for the file outside the folder',
    );
  });

  test('a symlink in the folder to a design outside it is not followed', async () => {
    const link = path.join(ws, 'link.design.yaml');
    fs.symlinkSync(outside, link);
    await announceThenSync([{ uri: uriOf(link), type: CREATED }], 'after-link');
    assert.equal(c.diagnostics.get(uriOf(link)), undefined);
    assert.ok(c.logs.some((l) => l.message === `not read: ${link}: it leads outside the workspace folders (to ${fs.realpathSync(outside)})`));
  });

  test('a `..` that stays inside the folder names the file by its plain path', async () => {
    const inside = path.join(ws, 'inside.design.yaml');
    fs.writeFileSync(inside, DESIGN('inside'));
    await announceThenSync([{ uri: `${uriOf(ws)}/sub/../inside.design.yaml`, type: CREATED }], 'after-inside');
    assert.deepEqual(
      (await c.diagnosticsFor(uriOf(inside), null)).map((d) => d.code),
      FINDINGS,
    );
    assert.deepEqual(
      published().filter((u) => u.includes('/sub/..')),
      [],
      'one key per file',
    );
  });
});

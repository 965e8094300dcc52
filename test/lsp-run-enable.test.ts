// `ddr.run` and `ddr.enable`, as the server honours them over stdio (settings.ts,
// documents.ts). onSave: a design is analysed when it is opened and when it is saved, not
// on each change (which analyses ran is read from the server's log, DDR_TEST_LOG_ANALYSES).
// enable off: nothing published but empty diagnostics, no hover, no checklist entry, for
// open designs and for the workspace's designs on disk; turned on again, everything is back.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, REPO_ROOT, uriOf } from './support/lspClient';

const CHECKOUT = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'checkout.design.yaml'), 'utf8');
/** DLV001 on the channel that lost its `delivery`. */
const NO_DELIVERY = CHECKOUT.replace('    delivery: at-least-once\n', '');
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code).sort();
const settle = () => new Promise((r) => setTimeout(r, 300));

const clients: LspClient[] = [];
const dirs: string[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  for (const d of dirs) {
    fs.rmSync(d, { recursive: true, force: true });
  }
});

async function start(settings: unknown, workspaceFolders: string[] = []): Promise<LspClient> {
  const c = await LspClient.start({ settings: { ...(settings as object) }, env: { DDR_TEST_LOG_ANALYSES: '1' }, workspaceFolders });
  clients.push(c);
  return c;
}

const analysed = (c: LspClient, uri: string) => c.logs.filter((l) => l.message.startsWith(`analysed ${uri} `)).map((l) => l.message.slice(`analysed ${uri} `.length));
const published = (c: LspClient, uri: string) => (c.diagnostics.get(uri) ?? []).map((p) => `v${p.version} ${codes(p.diagnostics).join(',') || 'none'}`);

test('ddr.run onSave: analysed when opened and when saved; changes in between are not analysed or published', async () => {
  const c = await start({ run: 'onSave' });
  const uri = 'file:///virtual/run-on-save.design.yaml';
  await c.open(uri, NO_DELIVERY);
  assert.deepEqual(codes(await c.diagnosticsFor(uri, 1)), ['DLV001']);

  // Three keystrokes' worth of changes: the last one fixes the finding.
  await c.replaceText(uri, NO_DELIVERY + '# one\n');
  await c.replaceText(uri, NO_DELIVERY + '# two\n');
  const v4 = await c.replaceText(uri, CHECKOUT);
  await settle();
  // (v1 may be analysed twice: first under the settings the server guesses while the
  // client answers, lsp-settings.test.ts.)
  assert.deepEqual(analysed(c, uri).filter((v) => v !== 'v1'), [], 'a change is not analysed under onSave');
  assert.deepEqual(published(c, uri), ['v1 DLV001'], 'nothing is published before the save');

  await c.conn.sendNotification('textDocument/didSave', { textDocument: { uri } });
  assert.deepEqual(await c.diagnosticsFor(uri, v4), []);
  assert.deepEqual(analysed(c, uri).filter((v) => v !== 'v1'), [`v${v4}`], 'the save analyses the current text once');
  assert.deepEqual(published(c, uri), ['v1 DLV001', `v${v4} none`]);

  // A hover between saves answers from the current text (analysed for it, not published).
  await c.replaceText(uri, NO_DELIVERY);
  const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: c.positionOf(uri, 'order-events', 2) });
  assert.ok(hover, 'a hover answers under onSave');
  await settle();
  assert.deepEqual(published(c, uri), ['v1 DLV001', `v${v4} none`]);
});

test('ddr.run back to onType: the open design is analysed again, then every change is', async () => {
  const c = await start({ run: 'onSave' });
  const uri = 'file:///virtual/run-switch.design.yaml';
  await c.open(uri, NO_DELIVERY);
  await c.diagnosticsFor(uri, 1);
  const v2 = await c.replaceText(uri, CHECKOUT);
  await settle();
  assert.deepEqual(published(c, uri), ['v1 DLV001']);

  c.settings = { run: 'onType' };
  await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  assert.deepEqual(await c.diagnosticsFor(uri, v2), [], 'the change of setting analyses the current text');
  const v3 = await c.replaceText(uri, NO_DELIVERY);
  assert.deepEqual(codes(await c.diagnosticsFor(uri, v3)), ['DLV001'], 'a change is analysed under onType');
});

test('ddr.run and ddr.enable: a value of the wrong kind is logged and the default kept', async () => {
  const c = await start({ run: 'sometimes', enable: 'no' });
  const uri = 'file:///virtual/run-invalid.design.yaml';
  await c.open(uri, NO_DELIVERY);
  assert.deepEqual(codes(await c.diagnosticsFor(uri, 1)), ['DLV001'], 'enabled, as by default');
  const v2 = await c.replaceText(uri, CHECKOUT);
  assert.deepEqual(await c.diagnosticsFor(uri, v2), [], 'analysed on change, as by default');
  const logs = c.logs.map((l) => l.message);
  assert.ok(logs.includes('ddr.run: `sometimes` is not onType or onSave; ignored'), logs.join('\n'));
  assert.ok(logs.includes('ddr.enable: `no` is not true or false; ignored'), logs.join('\n'));
});

test('ddr.enable off: empty diagnostics, no hover, no checklist entry, open or on disk; on again, all back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-enable-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'disk.design.yaml'), NO_DELIVERY);
  const disk = uriOf(path.join(dir, 'disk.design.yaml'));
  const c = await start({ enable: false }, [dir]);
  const uri = uriOf(path.join(dir, 'open.design.yaml'));
  await c.open(uri, NO_DELIVERY);
  assert.deepEqual(await c.diagnosticsFor(uri, 1), []);
  assert.deepEqual(await c.diagnosticsFor(disk, null), []);
  const v2 = await c.replaceText(uri, NO_DELIVERY + '# edited\n');
  assert.deepEqual(await c.diagnosticsFor(uri, v2), []);
  await settle();
  // (Only v1 may have been, under the settings guessed while the client answered; never published.)
  assert.deepEqual(analysed(c, uri).filter((v) => v !== 'v1'), [], 'a change of a disabled design is not analysed');
  const position = c.positionOf(uri, 'order-events', 2);
  assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position }), null);
  const list = await c.request<{ designs: Array<{ uri: string }> }>('ddr/checklist', {});
  assert.deepEqual(list.designs, [], 'no checklist entry');

  const before = c.diagnostics.get(uri)!.length;
  c.settings = { enable: true };
  await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  await c.waitFor(() => c.diagnostics.get(uri)!.length > before, 'the open design published again');
  assert.deepEqual(published(c, uri).at(-1), `v${v2} DLV001`);
  await c.waitFor(() => (c.diagnostics.get(disk)?.at(-1)?.diagnostics.length ?? 0) > 0, 'the design on disk published again');
  assert.deepEqual(codes(c.diagnostics.get(disk)!.at(-1)!.diagnostics), ['DLV001']);
  assert.ok(await c.request('textDocument/hover', { textDocument: { uri }, position }));
  const again = await c.request<{ designs: Array<{ uri: string }> }>('ddr/checklist', {});
  assert.deepEqual(again.designs.map((d) => d.uri).sort(), [disk, uri].sort());
});

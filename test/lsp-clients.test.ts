// Clients differ: Neovim 0.7 answers workspace/configuration with null and knows fewer
// capabilities; some clients push settings instead of answering for them; VS Code talks
// over node IPC. The server serves each of them. And a rule that throws is logged while
// the other rules still report.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CodeAction, SymbolInformation, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { createProtocolConnection, IPCMessageReader, IPCMessageWriter, InitializeResult } from 'vscode-languageserver-protocol/node';
import { defineRule } from '../server/src/engine/rule';
import { mergeSettings } from '../server/src/engine/analyze';
import { runAnalysis } from '../server/src/lsp/documents';
import { toEngineSettings } from '../server/src/lsp/settings';
import { LspClient, REPO_ROOT } from './support/lspClient';

const CHECKOUT = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'checkout.design.yaml'), 'utf8');
const NO_DELIVERY = CHECKOUT.replace('    delivery: at-least-once\n', '');
const URI = 'file:///virtual/client.design.yaml';

test('a client that answers workspace/configuration with null (Neovim 0.7) gets the default review', async () => {
  const c = await LspClient.start({ settings: null });
  try {
    await c.open(URI, NO_DELIVERY);
    assert.deepEqual((await c.diagnosticsFor(URI, 1)).map((d) => [d.code, d.severity]), [['DLV001', 1]]);
    assert.ok(!c.logs.some((l) => l.type === 1), JSON.stringify(c.logs));
  } finally {
    await c.stop();
  }
});

test('a client that pushes settings with didChangeConfiguration (no workspace/configuration)', async () => {
  const c = await LspClient.start({ noConfigurationCapability: true });
  try {
    await c.open(URI, NO_DELIVERY);
    await c.diagnosticsFor(URI, 1);
    const n = c.diagnostics.get(URI)!.length;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { ddr: { severity: { DLV001: 'info', NOPE01: 'error' }, 'timeouts.interactiveMax': 'soon' } } });
    await c.waitFor(() => c.diagnostics.get(URI)!.length > n, 're-published diagnostics');
    assert.deepEqual(c.diagnostics.get(URI)!.at(-1)!.diagnostics.map((d) => [d.code, d.severity]), [['DLV001', 3]]);
    // Bad settings are logged and ignored, never fatal.
    const infos = c.logs.map((l) => l.message);
    assert.ok(infos.some((m) => m.includes('`NOPE01` is not a rule id')), infos.join('\n'));
    assert.ok(infos.some((m) => m.includes('ddr.timeouts.interactiveMax: `soon` is not a duration')), infos.join('\n'));
  } finally {
    await c.stop();
  }
});

test('a client without documentChanges, hierarchical symbols, resolve or prepareRename support', async () => {
  const c = await LspClient.start({
    capabilities: {
      workspace: { configuration: true, applyEdit: true, workspaceEdit: { documentChanges: false } },
      textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } }, rename: {}, documentSymbol: {} },
    },
  });
  try {
    assert.equal(c.initializeResult!.capabilities.renameProvider, true);
    const text = NO_DELIVERY.replace('backoff: exponential-jitter\n              initial_delay: 50ms', 'backoff: fixed\n              initial_delay: 50ms');
    await c.open(URI, text);
    const diags = await c.diagnosticsFor(URI, 1);
    const rty = diags.find((d) => d.code === 'RTY006')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: URI }, range: rty.range, context: { diagnostics: [rty] } });
    const fix = actions[0];
    assert.deepEqual(Object.keys(fix.edit!), ['changes']);
    const fixAllAction = actions.find((a) => a.kind === 'source.fixAll.ddr')!;
    assert.ok(fixAllAction.edit, 'without resolve support, "fix all" comes with its edit');
    await c.applyEdit(fix.edit!);
    assert.equal(c.text(URI), text.replace('backoff: fixed', 'backoff: exponential-jitter'));
    const symbols = await c.request<SymbolInformation[]>('textDocument/documentSymbol', { textDocument: { uri: URI } });
    assert.deepEqual(symbols.slice(6, 9).map((s) => [s.name, s.containerName]), [
      ['orders', undefined],
      ['place-order', 'orders'],
      ['get-order', 'orders'],
    ]);
    const rename = await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: URI }, position: c.positionOf(URI, '- id: R1', 6), newName: 'R10' });
    assert.deepEqual(Object.keys(rename), ['changes']);
    assert.equal(rename.changes![URI].length, 3);
  } finally {
    await c.stop();
  }
});

test('the VS Code transport: --node-ipc', async () => {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'ddr.js'), 'lsp', '--node-ipc'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
  const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  conn.listen();
  try {
    const r = await conn.sendRequest<InitializeResult>('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(r.serverInfo?.name, 'ddr');
    assert.equal(r.capabilities.textDocumentSync && typeof r.capabilities.textDocumentSync === 'object' && r.capabilities.textDocumentSync.change, 2);
    await conn.sendRequest('shutdown');
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    await conn.sendNotification('exit');
    assert.equal(await exited, 0);
  } finally {
    conn.dispose();
    child.kill('SIGKILL');
  }
});

test('without a transport, `ddr lsp` prints its usage and exits 2', async () => {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'ddr.js'), 'lsp'], { cwd: REPO_ROOT });
  let err = '';
  child.stderr.on('data', (d) => (err += String(d)));
  const code = await new Promise<number | null>((res) => child.once('exit', res));
  assert.equal(code, 2);
  assert.equal(err, 'usage: ddr lsp --stdio | --node-ipc | --socket=PORT | --pipe=NAME\n');
});

test('a rule that throws is logged with its id; the other rules still report', () => {
  const errors: string[] = [];
  const faulty = defineRule({
    id: 'TST999',
    name: 'always-throws',
    area: 'structure',
    severity: 'error',
    waivable: true,
    contract: { quote: 'x', section: 'x' },
    docs: { summary: 'x', why: 'x', example: { bad: '', good: '' }, fix: 'x' },
    on: 'channel',
    check() {
      throw new Error('boom');
    },
  });
  const a = runAnalysis(NO_DELIVERY, mergeSettings(null), { error: (m) => errors.push(m), info: () => undefined }, { extraRules: [faulty] });
  assert.deepEqual(a.findings.map((f) => f.ruleId), ['DLV001']);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /^rule TST999 failed; the other rules still reported: boom\n/);
});

test('a document the engine cannot analyse at all gets one DSN001 and a logged error, not a crash', () => {
  const errors: string[] = [];
  const broken = { ...mergeSettings(null) };
  Object.defineProperty(broken, 'severity', {
    get() {
      throw new Error('engine bug');
    },
  });
  const a = runAnalysis(NO_DELIVERY, broken, { error: (m) => errors.push(m), info: () => undefined });
  assert.deepEqual(
    a.findings.map((f) => [f.ruleId, f.severity, f.range, f.message]),
    [['DSN001', 'error', [0, 0], 'not analysed: the analysis failed (engine bug); the server log has the details']],
  );
  assert.equal(a.text, NO_DELIVERY);
  assert.match(errors[0], /^the analysis failed: engine bug\n/);
});

test('settings: every shape a client sends maps to the engine settings', () => {
  assert.deepEqual(toEngineSettings(null), mergeSettings(null));
  assert.deepEqual(toEngineSettings({}), mergeSettings(null));
  const s = toEngineSettings({
    severity: { dlv001: 'warning', RTY006: 'off', TMO005: 'information' },
    timeouts: { interactiveMax: '3s', batchMin: '500ms' },
    limits: { maxFileSize: 1000, maxFindings: 7 },
    trace: { server: 'verbose' },
  });
  assert.deepEqual(s.severity, { DLV001: 'warning', RTY006: 'off', TMO005: 'info' });
  assert.equal(s.interactiveTimeoutMaxMs, 3000);
  assert.equal(s.batchTimeoutMinMs, 500);
  assert.equal(s.limits.maxFileSize, 1000);
  assert.equal(s.limits.maxFindings, 7);
  assert.equal(s.limits.maxNestingDepth, mergeSettings(null).limits.maxNestingDepth);
  const logged: string[] = [];
  const bad = toEngineSettings({ severity: { DLV001: 'loud' }, limits: { maxFindings: -1 } }, (m) => logged.push(m));
  assert.deepEqual(bad, mergeSettings(null));
  assert.deepEqual(logged, ['ddr.severity.DLV001: `loud` is not one of error, warning, info, off; ignored', 'ddr.limits.maxFindings: `-1` is not a positive whole number; ignored']);
});

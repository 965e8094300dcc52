// The language server under the faults real editors and real clients produce (issue 7):
// edits racing ahead of analysis, requests for documents it does not have, cancelled
// requests, a rule that throws, malformed JSON-RPC, and every way a session ends. Each test
// drives the real server process over stdio.
import { strict as assert } from 'node:assert';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { CancellationTokenSource, CodeAction, Diagnostic, ResponseError, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { analyze, fixAll } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';
import { LspClient, REPO_ROOT, serverCommand } from './support/lspClient';

const RETRIES = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'retries.design.yaml'), 'utf8');
const DOC = 'file:///virtual/faults.design.yaml';
const UNKNOWN = 'file:///virtual/never-opened.design.yaml';
const REQUEST_CANCELLED = -32800;

const clients: LspClient[] = [];
after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
});

async function start(options: Parameters<typeof LspClient.start>[0] = {}): Promise<LspClient> {
  const c = await LspClient.start(options);
  clients.push(c);
  return c;
}

/** What the engine says about a text, as the diagnostics a client must end up with. */
function expected(text: string) {
  const map = new LineMap(text);
  return analyze(text).findings.map((f) => ({ code: f.ruleId, range: map.range(f.range), message: f.message, severity: f.severity }));
}

const SEVERITY: Record<number, string> = { 1: 'error', 2: 'warning', 3: 'info' };
function shown(ds: Diagnostic[]) {
  return ds.map((d) => ({ code: d.code, range: d.range, message: d.message, severity: SEVERITY[d.severity ?? 0] }));
}

/** A design with `n` calls that retry at a fixed interval: n safe RTY006 fixes, seconds of "fix all". */
function manyFixes(n: number): string {
  let t = 'design: many-fixes\ndsl: 1\nservices:\n';
  for (let i = 0; i < n; i++) {
    t += `  - name: s${i}\n    operations:\n      - name: op\n        type: query\n        timeout: 5s\n        calls:\n          - to: x.y\n            external: true\n            idempotent: true\n            timeout: 1s\n            retry: {max_attempts: 3, backoff: fixed, initial_delay: 100ms, budget: 10%, respect_retry_after: true}\n            circuit_breaker: {failure_threshold: 50%, open_for: 30s}\n`;
  }
  return t;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    return { resolved: await p };
  } catch (e) {
    return e;
  }
}

describe('edits racing ahead of analysis', () => {
  test('200 changes in a burst: versions are published in order, the last diagnostics match the last text, a stale code action is refused', async () => {
    const c = await start();
    await c.open(DOC, RETRIES);
    const first = await c.diagnosticsFor(DOC, 1);
    assert.ok(first.some((d) => d.code === 'RTY006'), 'the example has a fixed backoff to fix');
    const rty006 = first.find((d) => d.code === 'RTY006')!;
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: DOC }, range: rty006.range, context: { diagnostics: [rty006] } });
    const staleFix = actions.find((a) => a.kind === 'quickfix' && a.edit && a.isPreferred);
    assert.ok(staleFix, 'a preferred quick fix for RTY006 at version 1');

    // Typing: characters into a description, a line added and removed, a key mistyped and
    // repaired, the backoff toggled — 200 notifications without waiting for any answer.
    const line = (needle: string) => c.positionOf(DOC, needle);
    for (let i = 0; i < 200; i++) {
      const doc = c.docs.get(DOC)!;
      const text = doc.getText();
      switch (i % 5) {
        case 0:
          await c.change(DOC, [{ range: { start: line('one checkout'), end: line('one checkout') }, text: 'x' }]);
          break;
        case 1: {
          const at = text.indexOf('xone checkout');
          await c.change(DOC, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at + 1) }, text: '' }]);
          break;
        }
        case 2: {
          const at = text.indexOf('backoff: fixed');
          const to = text.includes('backoff: fixed') ? 'backoff: exponential' : 'backoff: fixed';
          const from = at >= 0 ? at : text.indexOf('backoff: exponential ');
          const len = at >= 0 ? 'backoff: fixed'.length : 'backoff: exponential'.length;
          await c.change(DOC, [{ range: { start: doc.positionAt(from), end: doc.positionAt(from + len) }, text: to }]);
          break;
        }
        case 3:
          await c.change(DOC, [{ range: { start: line('owners:'), end: line('owners:') }, text: i % 2 ? 'ownrs: [x]\n' : '# typing\n' }]);
          break;
        default: {
          const at = Math.max(text.indexOf('ownrs: [x]\n'), text.indexOf('# typing\n'));
          const len = text.startsWith('ownrs', at) ? 'ownrs: [x]\n'.length : '# typing\n'.length;
          await c.change(DOC, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at + len) }, text: '' }]);
        }
      }
    }
    const last = c.docs.get(DOC)!.version;
    assert.equal(last, 201);
    const final = await c.diagnosticsFor(DOC, last, 30_000);
    assert.deepEqual(shown(final), expected(c.text(DOC)), 'the last diagnostics are the engine findings of the last text');
    const versions = (c.diagnostics.get(DOC) ?? []).map((p) => p.version as number);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions in order: ${versions.join(', ')}`);

    // The fix computed for version 1 must not apply to version 201.
    const before = c.text(DOC);
    const r = await c.applyEdit(staleFix!.edit as WorkspaceEdit);
    assert.deepEqual(r, { applied: false, failureReason: `version 1 is not the document's version ${last}` });
    assert.equal(c.text(DOC), before);
    // Asked again with version 1's diagnostic, the server offers no fix for it.
    const again = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: DOC }, range: rty006.range, context: { diagnostics: [rty006] } });
    assert.deepEqual(again.filter((a) => a.edit), [], 'no edit for a diagnostic of another version');
    // A "fix all" resolved for version 1 comes back without an edit.
    const resolved = await c.request<CodeAction>('codeAction/resolve', { title: 'Fix all auto-fixable findings', kind: 'source.fixAll.ddr', data: { uri: DOC, version: 1 } });
    assert.equal(resolved.edit, undefined);
    // The fix-all command works on the current version.
    const fixed = fixAll(c.text(DOC)).text;
    const result = await c.request<{ applied: boolean }>('workspace/executeCommand', { command: 'ddr.fixAll', arguments: [DOC] });
    assert.equal(result.applied, true);
    await c.waitFor(() => c.text(DOC) === fixed, 'the fix-all edit applied');
    assert.deepEqual(shown(await c.diagnosticsFor(DOC, c.docs.get(DOC)!.version)), expected(fixed));
  });
});

describe('documents the server does not have', () => {
  const pos = { line: 0, character: 0 };
  const range = { start: pos, end: pos };
  const ask = (c: LspClient, uri: string) =>
    Promise.all([
      c.request('textDocument/hover', { textDocument: { uri }, position: pos }),
      c.request('textDocument/completion', { textDocument: { uri }, position: pos }),
      c.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } }),
      c.request('textDocument/documentSymbol', { textDocument: { uri } }),
      c.request('textDocument/definition', { textDocument: { uri }, position: pos }),
      c.request('textDocument/references', { textDocument: { uri }, position: pos, context: { includeDeclaration: true } }),
      c.request('textDocument/prepareRename', { textDocument: { uri }, position: pos }),
      c.request('textDocument/rename', { textDocument: { uri }, position: pos, newName: 'x' }),
      c.request('codeAction/resolve', { title: 'Fix all auto-fixable findings', kind: 'source.fixAll.ddr', data: { uri, version: 3 } }),
      c.request('ddr/checklist', { uri }),
      rejection(c.request('workspace/executeCommand', { command: 'ddr.fixAll', arguments: [uri] })),
    ]);
  const EMPTY = [
    null,
    { isIncomplete: false, items: [] },
    [],
    [],
    null,
    null,
    null,
    null,
    { title: 'Fix all auto-fixable findings', kind: 'source.fixAll.ddr', data: { uri: UNKNOWN, version: 3 } },
    { designs: [] },
  ];

  test('every request about an unknown document answers empty; commands on it fail with InvalidParams', async () => {
    const c = await start();
    // Notifications about it are ignored, not fatal.
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: UNKNOWN, version: 7 }, contentChanges: [{ text: 'design: x\n' }] });
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: UNKNOWN } });
    const got = await ask(c, UNKNOWN);
    assert.deepEqual(got.slice(0, 10), EMPTY);
    const err = got[10] as ResponseError<unknown>;
    assert.equal(err.code, -32602);
    assert.equal(err.message, `unknown design ${UNKNOWN}`);
    assert.deepEqual(await c.request('textDocument/hover', { textDocument: { uri: UNKNOWN }, position: pos }), null, 'still answering');
  });

  test('a closed document: its diagnostics are cleared and requests about it answer as for an unknown one', async () => {
    const c = await start();
    const uri = 'file:///virtual/closed.design.yaml';
    await c.open(uri, RETRIES);
    assert.ok((await c.diagnosticsFor(uri, 1)).length > 0);
    await c.close(uri);
    await c.waitFor(() => (c.diagnostics.get(uri) ?? []).some((p) => p.version === undefined || p.version === null), 'diagnostics cleared');
    assert.deepEqual(c.diagnostics.get(uri)!.at(-1)!.diagnostics, []);
    const got = await ask(c, uri);
    assert.deepEqual(got.slice(0, 8), EMPTY.slice(0, 8));
    assert.equal((got[10] as ResponseError<unknown>).code, -32602);
  });
});

describe('cancellation', () => {
  test('a long "fix all" stops when cancelled, and the server answers the next request at once', async () => {
    const c = await start();
    const uri = 'file:///virtual/many-fixes.design.yaml';
    // 300 fixes: several seconds of fix-all, cancelled after a tenth of a second.
    const text = manyFixes(300);
    await c.open(uri, text);
    const ds = await c.diagnosticsFor(uri, 1, 30_000);
    assert.equal(ds.filter((d) => d.code === 'RTY006').length, 300);
    const source = new CancellationTokenSource();
    const t0 = Date.now();
    const pending = rejection(
      c.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: ds[0].range, context: { diagnostics: [], only: ['source.fixAll.ddr'] } }, source.token),
    );
    await new Promise((r) => setTimeout(r, 100));
    source.cancel();
    const outcome = (await pending) as ResponseError<unknown>;
    const ms = Date.now() - t0;
    assert.equal(outcome.code, REQUEST_CANCELLED, `cancelled, not completed: ${JSON.stringify(outcome)}`);
    assert.ok(ms < 5_000, `the cancellation took effect after ${ms} ms (the whole fix-all takes far longer)`);
    const h0 = Date.now();
    const hover = await c.request<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri }, position: ds[0].range.start });
    assert.ok(hover, 'the next request is answered');
    assert.ok(Date.now() - h0 < 2_000, 'and answered at once');
  });

  test('requests cancelled while they wait are answered RequestCancelled, the others normally', async () => {
    const c = await start();
    await c.open(DOC, RETRIES);
    const ds = await c.diagnosticsFor(DOC, 1);
    const sources = Array.from({ length: 30 }, () => new CancellationTokenSource());
    const pending = sources.map((s) =>
      rejection(c.conn.sendRequest('textDocument/hover', { textDocument: { uri: DOC }, position: ds[0].range.start }, s.token)),
    );
    for (const s of sources) {
      s.cancel();
    }
    const outcomes = await Promise.all(pending);
    let cancelled = 0;
    for (const o of outcomes) {
      if (o instanceof ResponseError) {
        assert.equal(o.code, REQUEST_CANCELLED);
        cancelled++;
      } else {
        assert.ok((o as { resolved: unknown }).resolved, 'a hover that ran answers normally');
      }
    }
    assert.ok(cancelled >= 15, `${cancelled} of 30 queued hovers were skipped`);
    assert.ok(await c.request('textDocument/hover', { textDocument: { uri: DOC }, position: ds[0].range.start }));
  });
});

describe('a rule that throws (DDR_TEST_THROWING_RULE=1)', () => {
  test('is logged with its id; the other rules report as usual; the server keeps answering', async () => {
    const c = await start({ env: { DDR_TEST_THROWING_RULE: '1' } });
    await c.open(DOC, RETRIES);
    const ds = await c.diagnosticsFor(DOC, 1);
    assert.deepEqual(shown(ds), expected(RETRIES));
    await c.waitFor(() => c.logs.some((l) => l.message.includes('rule TST999 failed')), 'the failure logged');
    const log = c.logs.find((l) => l.message.includes('rule TST999 failed'))!;
    assert.equal(log.type, 1);
    assert.match(log.message, /^rule TST999 failed; the other rules still reported: injected fault \(DDR_TEST_THROWING_RULE\)/);
    const v = await c.replaceText(DOC, RETRIES.replace('backoff: fixed', 'backoff: exponential-jitter'));
    assert.deepEqual(shown(await c.diagnosticsFor(DOC, v)), expected(c.text(DOC)));
    assert.ok(await c.request('textDocument/hover', { textDocument: { uri: DOC }, position: ds[0].range.start }));
    assert.equal(c.child.exitCode, null, 'alive');
  });
});

describe('limits as settings (ddr.limits.*)', () => {
  test('each limit hit gives one diagnostic that names its setting; the defaults analyse these designs whole', async () => {
    const docs: Record<string, string> = {
      'file:///virtual/big.design.yaml': `design: big\ndsl: 1\ndescription: ${'x'.repeat(150)}\n`,
      'file:///virtual/bomb.design.yaml': 'design: bomb\ndsl: 1\na: &a [1, 2, 3]\nb: [*a, *a, *a]\n',
      'file:///virtual/deep.design.yaml': 'design: deep\ndsl: 1\ndescription: [[[[[1]]]]]\n',
      'file:///virtual/many.design.yaml': 'design: many\ndsl: 1\nchannels:\n  - name: a\n  - name: b\n',
    };
    const want: Record<string, string[]> = {
      'file:///virtual/big.design.yaml': ['DSN001 0:0 not analysed: the file is 183 characters, over the 100-character limit (setting limits.maxFileSize)'],
      'file:///virtual/bomb.design.yaml': ['DSN001 3:8 aliases expand the document past 5 nodes at *a (a possible alias bomb): the design is not analysed (setting limits.maxAliasExpansion)'],
      'file:///virtual/deep.design.yaml': ['DSN001 2:16 nesting deeper than 3 levels (setting limits.maxNestingDepth); the design is not analysed'],
      'file:///virtual/many.design.yaml': [
        'DLV001 3:10 channel `a` does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)',
        'ORD001 3:10 channel `a` does not declare its ordering guarantee (per-partition, global or none)',
        'DSN001 0:0 2 more findings are not shown (setting limits.maxFindings is 2)',
      ],
    };
    const c = await start({ settings: { limits: { maxFileSize: 100, maxAliasExpansion: 5, maxNestingDepth: 3, maxFindings: 2 } } });
    for (const [uri, text] of Object.entries(docs)) {
      await c.open(uri, text);
    }
    for (const [uri, lines] of Object.entries(want)) {
      const ds = await c.diagnosticsFor(uri, 1);
      assert.deepEqual(
        ds.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`),
        lines,
        uri,
      );
    }
    const plain = await start();
    for (const [uri, text] of Object.entries(docs)) {
      await plain.open(uri, text);
      const ds = await plain.diagnosticsFor(uri, 1);
      assert.ok(!ds.some((d) => /setting limits\./.test(String(d.message))), `${uri} within the defaults: ${ds.map((d) => String(d.message)).join(' | ')}`);
    }
  });
});

// --- raw JSON-RPC ------------------------------------------------------------------------

/** The server with a raw pipe: bytes in, frames out. */
class RawServer {
  readonly child: ChildProcess;
  private out = Buffer.alloc(0);
  readonly messages: Array<Record<string, unknown>> = [];
  stderr = '';
  private wake?: () => void;

  constructor(env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, serverCommand(), { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child.stderr!.on('data', (d) => (this.stderr += String(d)));
    this.child.stdout!.on('data', (d: Buffer) => {
      this.out = Buffer.concat([this.out, d]);
      for (;;) {
        const head = this.out.indexOf('\r\n\r\n');
        if (head < 0) {
          break;
        }
        const len = Number(/Content-Length: (\d+)/i.exec(this.out.subarray(0, head).toString('latin1'))?.[1]);
        if (this.out.length < head + 4 + len) {
          break;
        }
        this.messages.push(JSON.parse(this.out.subarray(head + 4, head + 4 + len).toString('utf8')));
        this.out = this.out.subarray(head + 4 + len);
      }
      this.wake?.();
    });
  }

  write(data: string | Buffer): void {
    this.child.stdin!.write(data);
  }

  send(message: Record<string, unknown>): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
    this.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]));
  }

  async response(id: number, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.find((x) => x.id === id && ('result' in x || 'error' in x));
      if (m) {
        return m;
      }
      if (Date.now() > deadline) {
        throw new Error(`no response to request ${id}; stderr: ${this.stderr}`);
      }
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }

  exited(timeoutMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return new Promise((resolve, reject) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        resolve({ code: this.child.exitCode, signal: this.child.signalCode });
        return;
      }
      const timer = setTimeout(() => reject(new Error(`the server did not exit; stderr: ${this.stderr}`)), timeoutMs);
      this.child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
  }
}

const raws: RawServer[] = [];
after(() => {
  for (const r of raws) {
    r.kill();
  }
});

function raw(env?: Record<string, string>): RawServer {
  const r = new RawServer(env);
  raws.push(r);
  return r;
}

const INITIALIZE = { method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } };

/** Processes whose parent is `pid` (Linux /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) {
      continue;
    }
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) {
        out.push(Number(d));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('malformed JSON-RPC', () => {
  test('bad frames, bad JSON, non-messages, unknown methods and bad params: each answered or dropped, the session goes on', async () => {
    const s = raw();
    s.write('Content-Length: 10\r\n\r\n{not json}');
    s.send({ foo: 1 });
    s.send({ id: 1, ...INITIALIZE });
    assert.ok((await s.response(1)).result, 'initialize answered after a body that is not JSON and a message that is not JSON-RPC');
    s.send({ method: 'initialized', params: {} });
    s.send({ id: 2, method: 'nonexistent/method', params: {} });
    assert.deepEqual((await s.response(2)).error, { code: -32601, message: 'Unhandled method nonexistent/method' });
    s.send({ id: 3, method: 'textDocument/hover', params: null });
    assert.equal(((await s.response(3)).error as { code: number }).code, -32603, 'hover without params: an error response');
    s.send({ id: 4, method: 'textDocument/hover', params: { textDocument: {}, position: 'top' } });
    assert.ok('result' in (await s.response(4)) || 'error' in (await s.response(4)));
    s.send({ id: 99, result: 'a response nobody asked for' });
    s.send({ method: 'no/such/notification', params: [1, 2, 3] });
    // Bytes outside any frame: a header without Content-Length, binary junk, a lone CRLF.
    s.write('X-Foo: bar\r\n\r\n');
    s.write(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x0a, 0x0d, 0x0a]));
    s.write('Content-Length: nine\r\n\r\n');
    s.send({ id: 5, method: 'textDocument/documentSymbol', params: { textDocument: { uri: UNKNOWN } } });
    assert.deepEqual((await s.response(5)).result, [], 'answered after junk between frames');
    // A frame split into single bytes, and two frames in one write.
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: 6, method: 'ddr/checklist', params: {} }));
    for (const b of Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body])) {
      s.write(Buffer.from([b]));
    }
    assert.deepEqual((await s.response(6)).result, { designs: [] });
    s.write(`Content-Length: 5\r\n\r\n[1,2]Content-Length: 2\r\n\r\n{}`);
    s.send({ id: 7, method: 'shutdown' });
    assert.deepEqual((await s.response(7)).result, null);
    s.send({ method: 'exit' });
    assert.deepEqual(await s.exited(), { code: 0, signal: null });
    assert.match(s.stderr, /ddr lsp: dropped \d+ bytes of input/);
  });
});

describe('how a session ends', () => {
  test('shutdown then exit: exit code 0, no process left behind', async () => {
    const s = raw();
    s.send({ id: 1, ...INITIALIZE });
    await s.response(1);
    const pid = s.child.pid!;
    assert.deepEqual(childrenOf(pid), [], 'the server starts no process of its own');
    s.send({ id: 2, method: 'shutdown' });
    await s.response(2);
    s.send({ method: 'exit' });
    assert.deepEqual(await s.exited(), { code: 0, signal: null });
    assert.equal(alive(pid), false);
  });

  test('exit without shutdown: exit code 1 (the LSP contract)', async () => {
    const s = raw();
    s.send({ id: 1, ...INITIALIZE });
    await s.response(1);
    s.send({ method: 'exit' });
    assert.deepEqual(await s.exited(), { code: 1, signal: null });
  });

  test('the client goes away (stdin closes): the server exits', async () => {
    const s = raw();
    s.send({ id: 1, ...INITIALIZE });
    await s.response(1);
    s.child.stdin!.end();
    const e = await s.exited();
    assert.equal(e.signal, null);
    assert.equal(e.code, 1);
  });

  test('the editor process dies without a word (initialize.processId): the server exits within seconds', async () => {
    const editor = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const s = raw();
    s.send({ id: 1, method: 'initialize', params: { processId: editor.pid, rootUri: null, capabilities: {} } });
    await s.response(1);
    s.send({ method: 'initialized', params: {} });
    editor.kill('SIGKILL');
    const e = await s.exited(15_000);
    assert.equal(e.signal, null, 'it exits by itself, not killed');
    assert.equal(alive(s.child.pid!), false);
  });
});

// `ddr lsp --stdio` at the end of its input (issue 14): what a pipe gives it, it answers
// before it exits. `printf <initialize> | ddr lsp --stdio` prints the initialize answer;
// before, the server exited (code 1) the moment stdin ended, with the request unanswered.
// Run through the repo's own bin/ddr.js, as an editor starts it.
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { serverCommand } from './support/lspClient';
import { answerTo, frames, stdioSession } from './support/stdioSession';

const DOC = 'file:///virtual/stdin-end.design.yaml';
/** One call that retries at a fixed interval: one safe RTY006 fix for "fix all". */
const TEXT =
  'design: stdin-end\ndsl: 1\nservices:\n  - name: s\n    operations:\n      - name: op\n        type: query\n        timeout: 5s\n        calls:\n          - to: x.y\n            external: true\n            idempotent: true\n            timeout: 1s\n            retry: {max_attempts: 3, backoff: fixed, initial_delay: 100ms, budget: 10%, respect_retry_after: true}\n            circuit_breaker: {failure_threshold: 50%, open_for: 30s}\n';

describe('ddr lsp --stdio at the end of its input', () => {
  test('initialize, then the end of the input in the same write: the answer is printed, then exit code 1 (no shutdown)', async () => {
    const s = await stdioSession(serverCommand(), frames([{ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }]));
    assert.equal(s.stderr, '');
    assert.deepEqual({ code: s.code, signal: s.signal }, { code: 1, signal: null });
    const answer = answerTo(s.messages, 1) as { result?: { capabilities?: Record<string, unknown>; serverInfo?: { name: string } } };
    assert.ok(answer?.result?.capabilities?.hoverProvider, `the initialize answer, with capabilities: ${JSON.stringify(s.messages)}`);
    assert.equal(answer.result.serverInfo?.name, 'ddr');
  });

  test('requests, a command that needs the client, shutdown, then the end: every request answered, exit code 0, without waiting for the grace period', async () => {
    const s = await stdioSession(
      serverCommand(),
      frames([
        { id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: { workspace: { configuration: true, applyEdit: true } } } },
        { method: 'initialized', params: {} },
        { method: 'textDocument/didOpen', params: { textDocument: { uri: DOC, languageId: 'distributed-design', version: 1, text: TEXT } } },
        { id: 2, method: 'textDocument/hover', params: { textDocument: { uri: DOC }, position: { line: 3, character: 11 } } },
        { id: 3, method: 'textDocument/documentSymbol', params: { textDocument: { uri: DOC } } },
        // Fix all asks the client to apply the edit (workspace/applyEdit): no client will answer.
        { id: 4, method: 'workspace/executeCommand', params: { command: 'ddr.fixAll', arguments: [{ uri: DOC }] } },
        { id: 5, method: 'shutdown' },
      ]),
    );
    assert.equal(s.stderr, '');
    assert.deepEqual({ code: s.code, signal: s.signal }, { code: 0, signal: null });
    assert.ok(s.ms < 8_000, `exited after ${s.ms} ms: it waited for the grace period`);
    assert.ok((answerTo(s.messages, 1)?.result as { capabilities?: unknown })?.capabilities);
    assert.match(JSON.stringify(answerTo(s.messages, 2)?.result), /"kind":"markdown"/);
    assert.deepEqual(
      (answerTo(s.messages, 3)?.result as Array<{ name: string }>).map((x) => x.name),
      ['s', 'op'],
    );
    assert.deepEqual(answerTo(s.messages, 4)?.error, { code: -32096, message: 'the client is gone: the input ended' });
    assert.equal(answerTo(s.messages, 5)?.result, null);
    const applyEdit = s.messages.find((m) => m.method === 'workspace/applyEdit');
    assert.ok(!applyEdit, 'nothing is asked of a client that is gone');
  });

  test('nothing but the end of the input: exit code 1 at once, nothing printed', async () => {
    const s = await stdioSession(serverCommand(), Buffer.alloc(0));
    assert.deepEqual({ code: s.code, signal: s.signal, messages: s.messages, stderr: s.stderr }, { code: 1, signal: null, messages: [], stderr: '' });
  });
});

// The Node flags the server is started with (server/src/lsp/nodeFlags.ts): the young
// generation's size and V8's helper threads, one fewer than the cores and at most Node's
// own four. The tests' and the benchmark's server runs with them, as VS Code's does.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { SERVER_NODE_FLAGS, serverNodeFlags } from '../server/src/lsp/nodeFlags';
import { LspClient } from './support/lspClient';

test('one V8 helper thread per core beyond the first, at most four; a 2 MB semi-space', () => {
  assert.deepEqual(serverNodeFlags(1), ['--max-semi-space-size=2', '--v8-pool-size=1']);
  assert.deepEqual(serverNodeFlags(2), ['--max-semi-space-size=2', '--v8-pool-size=1']);
  assert.deepEqual(serverNodeFlags(4), ['--max-semi-space-size=2', '--v8-pool-size=3']);
  assert.deepEqual(serverNodeFlags(64), ['--max-semi-space-size=2', '--v8-pool-size=4']);
});

test('the server the tests and the benchmark start runs with those flags (read from /proc)', async () => {
  const c = await LspClient.start();
  try {
    const argv = fs.readFileSync(`/proc/${c.child.pid}/cmdline`, 'utf8').split('\0');
    for (const flag of SERVER_NODE_FLAGS) {
      assert.ok(argv.includes(flag), `${flag} in ${argv.join(' ')}`);
    }
  } finally {
    await c.stop();
  }
});

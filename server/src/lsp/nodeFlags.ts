// The Node flags the language server runs with wherever this project starts it: the VS
// Code client (client/src/extension.ts) and the tests and benchmark (test/support/lspClient.ts).
// Flags must be given when Node starts (v8.setFlagsFromString comes too late for the
// heap's layout or the thread pool), so an editor that runs `ddr lsp --stdio` from the
// PATH gets V8's defaults unless it starts `node` with these flags itself (docs/editors.md).
import os = require('node:os');

/**
 * - `--max-semi-space-size=2`: V8's young generation grows to two semi-spaces of 16 MB
 *   each under a burst of work and stays committed afterwards: no collection gives it
 *   back (idleGc.ts returns the rest of the heap). For an interactive server holding one
 *   design that was a third of its memory: with a 1k-line design open, 32 of ~100 MB. A
 *   2 MB semi-space keeps it small at the cost of more frequent young collections during
 *   a full analysis (docs/performance.md has both figures).
 * - `--v8-pool-size`: Node starts four helper threads for V8 (parallel and concurrent
 *   garbage collection, background compilation) whatever the machine; each keeps its own
 *   malloc arena and stack, ~3 MB of RSS apiece. One fewer than the cores, at most
 *   Node's four: on the 2-core machines CI and the benchmark run on, one helper, 9–10 MB
 *   less at every design size and no slower (docs/performance.md, "Memory").
 */
export function serverNodeFlags(cores: number = availableCores()): string[] {
  return ['--max-semi-space-size=2', `--v8-pool-size=${Math.max(1, Math.min(4, cores - 1))}`];
}

function availableCores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export const SERVER_NODE_FLAGS: readonly string[] = serverNodeFlags();

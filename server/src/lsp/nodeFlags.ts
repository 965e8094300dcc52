// The Node flags the language server runs with wherever this project starts it: the VS
// Code client (client/src/extension.ts) and the tests and benchmark (test/support/lspClient.ts).
//
// V8's young generation grows to two semi-spaces of 16 MB each under a burst of work and
// stays committed afterwards: no collection gives it back (idleGc.ts returns the rest of
// the heap). For an interactive server holding one design that is a third of its memory:
// with a 1k-line design open, 32 of ~100 MB. A 2 MB semi-space keeps it small at the cost
// of more frequent young collections during a full analysis (docs/performance.md has both
// figures). Flags must be given when Node starts (v8.setFlagsFromString comes too late
// for the heap's layout), so an editor that runs `ddr lsp --stdio` from the PATH gets
// V8's defaults unless it starts `node` with these flags itself (docs/editors.md).
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

#!/usr/bin/env node
// The language server as one file: `npm run build` runs this after `tsc`.
//
// Started as ~230 modules (ours, vscode-languageserver's, yaml's), the server spent ~120 ms
// of its start-up finding, reading and compiling them: a third of spawn → first
// diagnostics. One file, with the same modules inside (esbuild keeps each CommonJS module
// lazy: it runs on its first require, as before), takes ~50 ms (docs/performance.md).
// `ddr lsp` (bin/ddr.js → cli/main.ts), which the VS Code client and other editors start,
// loads it; the unbundled out/server/src/lsp/server.js stays for the tests that import
// the server's modules directly.
//
// The bundle sits beside server.js, so that `__dirname` in the modules it holds is the
// directory they were compiled to (diagnostics.ts finds the package root from it).
'use strict';
const path = require('node:path');
const esbuild = require('esbuild');

const dir = path.join(__dirname, '..', 'out', 'server', 'src', 'lsp');
esbuild.buildSync({
  entryPoints: [path.join(dir, 'server.js')],
  outfile: path.join(dir, 'server.bundle.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Not minified: a stack trace in the server's log keeps readable names, and minifying
  // made start-up no faster (V8 pre-parses either in about the same time).
  minify: false,
  // For `node --enable-source-maps`: stack traces in TypeScript positions. Node reads the
  // map only with that flag, so it costs nothing otherwise.
  sourcemap: 'linked',
  logLevel: 'warning',
});

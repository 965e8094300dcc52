#!/usr/bin/env node
'use strict';
// The `ddr` command. The TypeScript sources compile to out/ (`npm run build`, which
// `npm install` runs through `prepare`).
let cli;
try {
  cli = require('../out/server/src/cli/main.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /out[\\/]server[\\/]src[\\/]cli[\\/]main/.test(String(e.message))) {
    process.stderr.write('ddr: not built yet: run `npm run build` in ' + require('path').resolve(__dirname, '..') + '\n');
    process.exit(2);
  }
  throw e;
}
cli.run(process.argv.slice(2));

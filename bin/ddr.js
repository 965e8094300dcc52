#!/usr/bin/env node
'use strict';
// The `ddr` command. `npm run build` (which `npm test`, `npm start` and, through `prepack`,
// `npm pack` run) compiles the TypeScript sources to out/ and bundles the
// command into one file, out/server/src/cli/main.bundle.js (scripts/bundle.js): the npm
// package holds that bundle, not the compiled modules. After `tsc` alone, the modules.
const fs = require('fs');
const path = require('path');

const cliDir = path.join(__dirname, '..', 'out', 'server', 'src', 'cli');
const bundle = path.join(cliDir, 'main.bundle.js');
let cli;
try {
  cli = require(fs.existsSync(bundle) ? bundle : path.join(cliDir, 'main.js'));
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /out[\\/]server[\\/]src[\\/]cli[\\/]main/.test(String(e.message))) {
    process.stderr.write('ddr: not built yet: run `npm run build` in ' + path.resolve(__dirname, '..') + '\n');
    process.exit(2);
  }
  throw e;
}
cli.run(process.argv.slice(2));

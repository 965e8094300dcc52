#!/usr/bin/env node
// `npm run gen [-- --check]`: every generator, each given the same arguments (npm appends
// them to the last command of a script only, so `--check` would reach one generator).
// Exits with the worst exit code.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const out = path.join(__dirname, '..', 'out');
const generators = [
  path.join(out, 'server', 'src', 'cli', 'gen.js'),
  path.join(out, 'server', 'src', 'cli', 'jsonSchema.js'), // schemas/design.schema.json
  path.join(out, 'client', 'src', 'build', 'generate.js'),
];
let status = 0;
for (const g of generators) {
  const r = spawnSync(process.execPath, [g, ...process.argv.slice(2)], { stdio: 'inherit' });
  status = Math.max(status, r.status === null ? 1 : r.status);
}
process.exit(status);

#!/usr/bin/env node
// Runs every compiled *.test.js under out/test with node's own test runner. Node 20's
// `node --test <dir>` would also run every other file under a `test` folder (the
// benchmarks, the helpers), and takes no glob, so the files are listed here.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', 'out', 'test');
const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      walk(p);
    } else if (e.name.endsWith('.test.js')) {
      files.push(p);
    }
  }
};
if (!fs.existsSync(root)) {
  console.error('out/test does not exist: run `npm run build` first');
  process.exit(1);
}
walk(root);
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
if (!selected.length) {
  console.error('no test file matches ' + only.join(' '));
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);

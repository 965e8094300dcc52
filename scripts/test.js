#!/usr/bin/env node
// Runs the compiled tests of one tier under out/test with node's own test runner. Node 20's
// `node --test <dir>` would also run every other file under a `test` folder (the
// benchmarks, the helpers), and takes no glob, so the files are listed here.
//
// Tiers, by the test file's name:
//   *.test.ts             unit (default): self-contained on a bare clone, as a normal user
//   *.e2e.test.ts         e2e: the workbench, other editors, Debian tools installed on demand
//   *.contract.test.ts    contract: reads ../shared/seed (the knowledge contract)
//   *.privileged.test.ts  privileged: needs root (device nodes, chown, a throwaway user)
//
// Usage: node scripts/test.js [--tier unit|e2e|contract|privileged|all] [substring …]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const TIERS = ['unit', 'e2e', 'contract', 'privileged'];
const HOW = {
  e2e: 'npm run test:e2e',
  contract: 'npm run test:contract',
  privileged: 'sudo npm run test:privileged',
};

function tierOf(file) {
  const m = /\.(e2e|contract|privileged)\.test\.js$/.exec(file);
  return m ? m[1] : 'unit';
}

function parseArgs(argv) {
  let tier = 'unit';
  const only = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tier') {
      tier = argv[++i];
    } else if (argv[i].startsWith('--tier=')) {
      tier = argv[i].slice('--tier='.length);
    } else {
      only.push(argv[i]);
    }
  }
  if (tier !== 'all' && !TIERS.includes(tier)) {
    console.error(`unknown tier ${JSON.stringify(tier)}: one of ${TIERS.join(', ')}, all`);
    process.exit(2);
  }
  return { tier, only };
}

function listTests(root) {
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
  walk(root);
  return files;
}

function main() {
  const { tier, only } = parseArgs(process.argv.slice(2));
  const root = path.join(__dirname, '..', 'out', 'test');
  if (!fs.existsSync(root)) {
    console.error('out/test does not exist: run `npm run build` first');
    process.exit(1);
  }
  const files = listTests(root);
  // Named files run whatever their tier; otherwise the tier's own files.
  const selected = only.length
    ? files.filter((f) => only.some((o) => f.includes(o)))
    : files.filter((f) => tier === 'all' || tierOf(f) === tier);
  if (!selected.length) {
    console.error(only.length ? 'no test file matches ' + only.join(' ') : `no test file in tier ${tier}`);
    process.exit(1);
  }
  if (tier === 'privileged' && typeof process.getuid === 'function' && process.getuid() !== 0) {
    console.error('the privileged tier needs root (device nodes, chown, a throwaway user): run it with sudo');
    process.exit(1);
  }
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...selected], { stdio: 'inherit' });
  if (tier === 'unit' && !only.length) {
    const left = TIERS.filter((t) => t !== 'unit')
      .map((t) => ({ t, n: files.filter((f) => tierOf(f) === t).length }))
      .filter((x) => x.n > 0);
    if (left.length) {
      // One visible line: what `npm test` did not run, and how to run it.
      console.log(
        '\nNOT RUN by npm test: ' + left.map((x) => `${x.t} tier (${x.n} file${x.n > 1 ? 's' : ''}: ${HOW[x.t]})`).join('; '),
      );
    }
  }
  process.exit(r.status === null ? 1 : r.status);
}

main();

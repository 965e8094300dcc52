#!/usr/bin/env node
// `npm run bless`: rewrites the rule fixtures (test/rules/<rule-name>/<case>.yaml's caret
// annotations and <case>.fixed.yaml) from the engine's actual output, then runs their tests;
// review the diff. The same as `DDR_BLESS=1 node scripts/test.js rules`, on every platform's
// shell. `RULES=RTY006,fixed-backoff npm run bless` blesses only those rules' fixtures.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const r = spawnSync(process.execPath, [path.join(__dirname, 'test.js'), 'rules.test.js'], {
  stdio: 'inherit',
  env: { ...process.env, DDR_BLESS: '1' },
});
process.exit(r.status === null ? 1 : r.status);

// One generic runner for every rule fixture: test/rules/<rule-name>/<case>.yaml, with the
// expected findings as caret annotations (see support/annotations.ts), and optionally
// <case>.fixed.yaml, the exact text after applying the rule's fixes.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { analyze, fixesFor } from '../server/src/engine/analyze';
import { RULES_BY_NAME } from '../server/src/engine/registry';
import { applyEdits } from '../server/src/engine/types';
import { actuals, checkScope, describe, parseAnnotations } from './support/annotations';
import { blessFixtures, formatReport } from './support/bless';
import { applyRuleFixes } from './support/fixes';

const RULE_FIXTURES = path.join(__dirname, '..', '..', 'test', 'rules');

const only = process.env.RULES ? new Set(process.env.RULES.split(',')) : undefined;

// `npm run bless` (DDR_BLESS=1): first rewrite the fixtures from the actual output
// (support/bless.ts), then test them as always; review the diff.
if (process.env.DDR_BLESS === '1') {
  const report = blessFixtures(RULE_FIXTURES, (id, dir) => !only || !id || only.has(id) || only.has(dir));
  console.log(formatReport(report, path.join(RULE_FIXTURES, '..', '..')));
}

for (const dir of fs.existsSync(RULE_FIXTURES) ? fs.readdirSync(RULE_FIXTURES).sort() : []) {
  const rule = RULES_BY_NAME.get(dir);
  if (only && rule && !only.has(rule.id) && !only.has(dir)) {
    continue;
  }
  suite(`rule ${rule ? rule.id + ' ' : ''}${dir}`, () => {
    test('is a rule of the registry', () => {
      assert.ok(rule, `test/rules/${dir} names no rule of the registry`);
    });
    const cases = fs.readdirSync(path.join(RULE_FIXTURES, dir)).filter((f) => /\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f));
    for (const file of cases.sort()) {
      const full = path.join(RULE_FIXTURES, dir, file);
      const text = fs.readFileSync(full, 'utf8');
      test(`${file}: findings are exactly the annotated ones`, () => {
        const a = analyze(text);
        assert.deepEqual(a.ruleErrors, []);
        // `# check: RTY006, RTY001` on the first lines limits the comparison to those rules.
        const ids = checkScope(text);
        const expected = parseAnnotations(text);
        const got = actuals(text, a.findings.filter((f) => !ids || ids.has(f.ruleId)));
        const exp = expected.map((e) => describe(e)).sort();
        const act = got.map((g) => {
          const withMsg = expected.find((e) => e.message !== undefined && e.ruleId === g.ruleId && e.line === g.line && e.startCol === g.startCol);
          return describe({ ...g, message: withMsg ? g.message : undefined });
        });
        assert.deepEqual(act.sort(), exp, `findings of ${dir}/${file}`);
      });
      const fixedPath = full.replace(/\.(ya?ml)$/, '.fixed.$1');
      if (fs.existsSync(fixedPath)) {
        test(`${file}: the fix gives ${path.basename(fixedPath)}, and a second fix changes nothing`, () => {
          const expected = fs.readFileSync(fixedPath, 'utf8');
          const fixed = applyRuleFixes(text, rule!.id);
          assert.equal(fixed, expected);
          assert.ok(!analyze(fixed).findings.some((f) => f.ruleId === rule!.id && f.fixable && fixesFor(analyze(fixed), f).length), 'a fixable finding is left');
          assert.equal(applyRuleFixes(fixed, rule!.id), fixed, 'applying the fix twice changed the text');
        });
      }
    }
  });
}

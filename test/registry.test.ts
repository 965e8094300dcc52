// Every rule of the registry is complete: its docs, a quote of the knowledge contract and
// its section, a fixture folder with a positive and a negative case, examples that behave as
// their labels say — and the generated docs are up to date. Needs nothing beside the clone:
// that each quote stands verbatim in the contract is test/contract.contract.test.ts
// (`npm run test:contract`, which reads ../shared/seed/distributed-system-basics.md).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { analyze, fixesFor } from '../server/src/engine/analyze';
import { RULES } from '../server/src/engine/registry';
import { AREAS } from '../server/src/engine/types';
import { generatedFiles, staleFiles } from '../server/src/cli/gen';
import { helpMarkdown, helpText, ruleSourcePath } from '../server/src/cli/ruleDocs';
import { EXPLAIN_USAGE, RULES_USAGE } from '../server/src/cli/rules';
import { LINT_USAGE } from '../server/src/cli/lint';
import { USAGE } from '../server/src/cli/main';
import { findingMarkdown, ruleMarkdown } from '../server/src/engine/hover';
import { SCHEMA } from '../server/src/engine/schema';
import { parseAnnotations } from './support/annotations';

const repoRoot = path.join(__dirname, '..', '..');

const PREFIX: Record<string, string> = {
  structure: 'DSN',
  delivery: 'DLV',
  retries: 'RTY',
  duplicates: 'DUP',
  timeouts: 'TMO',
  'partial-failure': 'PAR',
  consistency: 'CNS',
  ordering: 'ORD',
};

test('the generated rule docs and the README table are what `npm run gen` writes', () => {
  const { stale, extra } = staleFiles(repoRoot);
  assert.deepEqual({ stale, extra }, { stale: [], extra: [] }, 'generated files are stale: run `npm run gen` and commit the result');
});

test('no user-facing text says "seed": it is the knowledge contract (distributed-system-basics)', () => {
  const texts: Array<[string, string]> = [
    ['ddr --help', USAGE],
    ['ddr lint --help', LINT_USAGE],
    ['ddr rules --help', RULES_USAGE],
    ['ddr explain --help', EXPLAIN_USAGE],
  ];
  for (const r of RULES) {
    texts.push(
      [`${r.id} docs`, [r.docs.summary, r.docs.why, r.docs.fix].join('\n')],
      [`${r.id} SARIF help`, helpText(r) + '\n' + helpMarkdown(r)],
      [`${r.id} hovers`, findingMarkdown(r.id, () => 'x') + '\n' + ruleMarkdown(r, () => 'x')],
    );
  }
  for (const [kind, spec] of Object.entries(SCHEMA)) {
    for (const k of spec.keys) {
      const values = k.type.t === 'enum' ? k.type.values.map((v) => [v.doc, v.useWhen, v.tradeOff].join(' ')) : [];
      texts.push([`${kind}.${k.key} hover`, [k.doc, ...values].join(' ')]);
    }
  }
  for (const [file, text] of generatedFiles(repoRoot)) {
    texts.push([file, text]);
  }
  const said = texts.filter(([, t]) => /\bseed/i.test(t)).map(([where]) => where);
  assert.deepEqual(said, []);
  assert.match(generatedFiles(repoRoot).get('docs/rules/RTY006.md')!, /^> — the knowledge contract \(distributed-system-basics\), \*Retry Behavior › Retry Strategy Parameters\*$/m);
});

test('rule ids and names are unique, ids carry their area prefix, names are kebab-case', () => {
  const ids = RULES.map((r) => r.id);
  const names = RULES.map((r) => r.name);
  assert.deepEqual(ids.filter((x, i) => ids.indexOf(x) !== i), [], 'duplicate rule ids');
  assert.deepEqual(names.filter((x, i) => names.indexOf(x) !== i), [], 'duplicate rule names');
  for (const r of RULES) {
    assert.ok(AREAS.includes(r.area), `${r.id}: unknown area ${r.area}`);
    assert.match(r.id, new RegExp(`^${PREFIX[r.area]}\\d{3}$`), `${r.id}: the id of a ${r.area} rule starts with ${PREFIX[r.area]}`);
    assert.match(r.name, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, `${r.id}: name \`${r.name}\` is not kebab-case`);
  }
});

test('the registry lists each area in id order', () => {
  for (const area of AREAS) {
    const ids = RULES.filter((r) => r.area === area).map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort(), `${area}: rules out of id order`);
  }
});

for (const rule of RULES) {
  suite(`rule ${rule.id} ${rule.name}`, () => {
    test('has every doc field', () => {
      const fields: Array<[string, unknown]> = [
        ['contract.quote', rule.contract?.quote],
        ['contract.section', rule.contract?.section],
        ['docs.summary', rule.docs?.summary],
        ['docs.why', rule.docs?.why],
        ['docs.example.bad', rule.docs?.example?.bad],
        ['docs.example.good', rule.docs?.example?.good],
        ['docs.fix', rule.docs?.fix],
      ];
      const empty = fields.filter(([, v]) => typeof v !== 'string' || !v.trim()).map(([k]) => k);
      assert.deepEqual(empty, [], `${rule.id} lacks ${empty.join(', ')}`);
    });

    test('lives in its own file, named after the rule', () => {
      const src = ruleSourcePath(rule);
      assert.ok(fs.existsSync(path.join(repoRoot, src)), `${rule.id}: expected ${src}`);
    });

    test('has a fixture folder with a positive and a negative case', () => {
      const dir = path.join(repoRoot, 'test', 'rules', rule.name);
      assert.ok(fs.existsSync(dir), `${rule.id}: no fixture folder test/rules/${rule.name}/`);
      const cases = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f));
      const marks = (f: string) => parseAnnotations(fs.readFileSync(path.join(dir, f), 'utf8')).some((e) => e.ruleId === rule.id);
      assert.ok(cases.some(marks), `${rule.id}: no case in test/rules/${rule.name}/ annotates ${rule.id}`);
      assert.ok(cases.some((f) => !marks(f)), `${rule.id}: no case in test/rules/${rule.name}/ without ${rule.id} (a negative case)`);
    });

    test('example.bad fires the rule', () => {
      const a = analyze(rule.docs.example.bad);
      assert.deepEqual(a.ruleErrors, []);
      assert.ok(
        a.findings.some((f) => f.ruleId === rule.id),
        `${rule.id}: example.bad does not fire it; it reports ${a.findings.map((f) => f.ruleId).join(', ') || 'nothing'}`,
      );
    });

    test('example.good fires neither the rule nor any structure rule', () => {
      const a = analyze(rule.docs.example.good);
      assert.deepEqual(a.ruleErrors, []);
      const bad = a.findings.filter((f) => f.ruleId === rule.id || f.ruleId.startsWith('DSN')).map((f) => `${f.ruleId}: ${f.message}`);
      assert.deepEqual(bad, [], `${rule.id}: example.good is reported`);
    });

    if (rule.fix) {
      test('offers its fix on example.bad (so its page can show it)', () => {
        const a = analyze(rule.docs.example.bad);
        const offered = a.findings.filter((f) => f.ruleId === rule.id).flatMap((f) => fixesFor(a, f));
        assert.ok(offered.length > 0, `${rule.id} has a fix, but offers none on example.bad`);
      });
    }
  });
}

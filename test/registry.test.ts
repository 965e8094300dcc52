// Every rule of the registry is complete: its docs, a seed quote that stands verbatim in
// the seed, in the section it names, a fixture folder with a positive and a negative case,
// examples that behave as their labels say — and the generated docs are up to date.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { analyze, fixesFor } from '../server/src/engine/analyze';
import { RULES } from '../server/src/engine/registry';
import { AREAS } from '../server/src/engine/types';
import { staleFiles } from '../server/src/cli/gen';
import { ruleSourcePath } from '../server/src/cli/ruleDocs';
import { parseAnnotations } from './support/annotations';

const repoRoot = path.join(__dirname, '..', '..');
// CI runs on a clean clone with shared/ beside it: the seed is ../shared, not inside the repo.
const SEED_PATH = path.join(repoRoot, '..', 'shared', 'seed', 'distributed-system-basics.md');

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

function readSeed(): string {
  assert.ok(
    fs.existsSync(SEED_PATH),
    `the seed is missing: expected ${SEED_PATH} (the repository's sibling folder shared/ must be checked out beside it)`,
  );
  return fs.readFileSync(SEED_PATH, 'utf8');
}

/** The text under a heading, up to the next heading of the same or a higher level. */
function sectionText(seed: string, heading: string): string | undefined {
  const lines = seed.split('\n');
  const at = lines.findIndex((l) => /^#{1,6}\s/.test(l) && l.replace(/^#+\s*/, '').trim() === heading);
  if (at < 0) {
    return undefined;
  }
  const level = /^#+/.exec(lines[at])![0].length;
  let end = lines.length;
  for (let i = at + 1; i < lines.length; i++) {
    const m = /^(#+)\s/.exec(lines[i]);
    if (m && m[1].length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(at, end).join('\n');
}

/** A lead-in line (`Handling strategies:`) and the lines under it, up to a blank line or a heading. */
function block(text: string, lead: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => !/^#/.test(l) && l.trim().replace(/:$/, '') === lead);
  if (at < 0) {
    return undefined;
  }
  let end = at + 1;
  while (end < lines.length && lines[end].trim() && !/^#/.test(lines[end])) {
    end++;
  }
  return lines.slice(at, end).join('\n');
}

test('the generated rule docs and the README table are what `npm run gen` writes', () => {
  const { stale, extra } = staleFiles(repoRoot);
  assert.deepEqual({ stale, extra }, { stale: [], extra: [] }, 'generated files are stale: run `npm run gen` and commit the result');
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
        ['seed.quote', rule.seed?.quote],
        ['seed.section', rule.seed?.section],
        ['docs.summary', rule.docs?.summary],
        ['docs.why', rule.docs?.why],
        ['docs.example.bad', rule.docs?.example?.bad],
        ['docs.example.good', rule.docs?.example?.good],
        ['docs.fix', rule.docs?.fix],
      ];
      const empty = fields.filter(([, v]) => typeof v !== 'string' || !v.trim()).map(([k]) => k);
      assert.deepEqual(empty, [], `${rule.id} lacks ${empty.join(', ')}`);
    });

    test('quotes the seed verbatim, inside the section it names', () => {
      const seed = readSeed();
      assert.ok(seed.includes(rule.seed.quote), `${rule.id}: the seed does not contain "${rule.seed.quote}"`);
      // `Heading › Sub-heading › Lead-in line`: each part narrows the text to search.
      let text: string | undefined = seed;
      for (const part of rule.seed.section.split('›').map((s) => s.trim())) {
        const narrowed: string | undefined = sectionText(text, part) ?? block(text, part);
        assert.ok(narrowed !== undefined, `${rule.id}: the seed's ${text === seed ? 'text' : 'section'} has no heading or lead-in line "${part}"`);
        text = narrowed;
      }
      assert.ok(text.includes(rule.seed.quote), `${rule.id}: "${rule.seed.quote}" is not in the seed's section "${rule.seed.section}"`);
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

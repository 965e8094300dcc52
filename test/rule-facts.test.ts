// Facts about rules are fields of their declarations (issue 16, item 4), and they hold
// where users meet them: `--fix` and "Fix all" apply only safe fixes (rules.md, "Fix
// classes"), a suggestion is never preferred and says it decides, a waiver of a rule that
// is not waivable waives nothing, tags come from the rule.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { analyze, fixAll, fixesFor, SUGGESTION_TITLE_SUFFIX } from '../server/src/engine/analyze';
import { RULES, RULES_BY_ID } from '../server/src/engine/registry';

const FIXTURES = path.join(__dirname, '..', '..', 'test', 'rules');

/**
 * The rules whose fix rules.md's table classes `safe`, or `safe if …` (then a suggestion
 * where the condition does not hold). Written here from rules.md, not read from the rules:
 * every other rule's fixes are suggestions, which `--fix` must never apply.
 */
const MAY_BE_SAFE = new Set(['DSN006', 'RTY001', 'RTY002', 'RTY006', 'RTY007', 'RTY008', 'RTY009', 'RTY010']);

function fixtures(): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  for (const dir of fs.readdirSync(FIXTURES).sort()) {
    for (const f of fs.readdirSync(path.join(FIXTURES, dir)).sort()) {
      if (/\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f)) {
        out.push({ name: `${dir}/${f}`, text: fs.readFileSync(path.join(FIXTURES, dir, f), 'utf8') });
      }
    }
  }
  return out;
}

suite('fix classes (rules.md): over every rule fixture', () => {
  const all = fixtures();

  test('the fixtures are there', () => {
    assert.ok(all.length > 100, `${all.length} fixtures`);
  });

  test('"Fix all" and `ddr lint --fix` (one engine: fixAll) apply no fix of a suggestion class', () => {
    const wrong: string[] = [];
    let applied = 0;
    for (const { name, text } of all) {
      for (const a of fixAll(text).applied) {
        applied++;
        if (!MAY_BE_SAFE.has(a.ruleId) || a.title.endsWith(SUGGESTION_TITLE_SUFFIX)) {
          wrong.push(`${name}: ${a.ruleId} ${a.title}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(applied > 10, `some safe fixes are applied (${applied})`);
  });

  test('a suggestion is never preferred and its title says it changes the design; a safe fix is one rules.md classes safe', () => {
    const wrong: string[] = [];
    const seen = { safe: 0, suggestion: 0 };
    for (const { name, text } of all) {
      const a = analyze(text);
      for (const f of a.findings) {
        for (const x of fixesFor(a, f)) {
          seen[x.applicability]++;
          const ok = x.applicability === 'safe' ? MAY_BE_SAFE.has(f.ruleId) && !x.title.endsWith(SUGGESTION_TITLE_SUFFIX) : !x.preferred && x.title.endsWith(SUGGESTION_TITLE_SUFFIX);
          if (!ok) {
            wrong.push(`${name}: ${f.ruleId} ${x.applicability}${x.preferred ? ' preferred' : ''}: ${x.title}`);
          }
        }
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(seen.safe > 10 && seen.suggestion > 50, JSON.stringify(seen));
  });

  test('"safe if …" is decided per finding: RTY006 is safe with a deadline, a suggestion when the retries may outlast the caller', () => {
    const design = (policy: string) =>
      `design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place\n        type: query\n        timeout: 5s\n        calls:\n          - to: x.y\n            external: true\n            idempotent: true\n            timeout: 1s\n            retry: {max_attempts: 3, backoff: fixed, budget: 10%, ${policy}}\n`;
    const classOf = (text: string) => {
      const a = analyze(text);
      const f = a.findings.find((x) => x.ruleId === 'RTY006')!;
      return fixesFor(a, f).map((x) => `${x.applicability}: ${x.title}`);
    };
    assert.deepEqual(classOf(design('deadline: 4s')), ['safe: Use `backoff: exponential-jitter`']);
    // 3 attempts × 1s + 100ms + 200ms of backoff = 3.3s < the caller's 5s.
    assert.deepEqual(classOf(design('initial_delay: 100ms')), ['safe: Use `backoff: exponential-jitter`']);
    // 3 × 1s + 2s + 4s = 9s ≥ 5s: the new backoff may outlast the caller.
    assert.deepEqual(classOf(design('initial_delay: 2s')), ['suggestion: Use `backoff: exponential-jitter` (changes the design)']);
    // No initial_delay: W is only a lower bound.
    assert.deepEqual(classOf(design('respect_retry_after: true')), ['suggestion: Use `backoff: exponential-jitter` (changes the design)']);
    const text = design('initial_delay: 2s');
    assert.equal(fixAll(text).text, text, '--fix leaves the suggestion');
  });
});

suite('waivable', () => {
  test('every rule says whether it is waivable; a syntax error and a waiver without a reason are not', () => {
    assert.deepEqual(
      RULES.filter((r) => !r.waivable).map((r) => r.id),
      ['DSN001', 'DSN007'],
    );
    assert.ok(RULES.every((r) => typeof r.waivable === 'boolean'));
  });

  test('a waiver of a rule that is not waivable waives nothing: its findings are reported, none is listed as waived', () => {
    const text = [
      'design: shop',
      'dsl: 1',
      '# review-ignore DSN001: the parser is wrong',
      'description: one',
      'description: two',
      'review:',
      '  waivers:',
      '    - {rule: DSN007, reason: we know}',
      '    - {rule: DSN001, reason: we know}',
      '# review-ignore DSN007: this one too',
      'channels:',
      '  # review-ignore DLV001',
      '  - name: events',
      '    ordering: none',
      '    out_of_order: versioned',
      '',
    ].join('\n');
    const a = analyze(text);
    assert.deepEqual(a.waived, []);
    const ids = a.findings.map((f) => f.ruleId);
    assert.ok(ids.includes('DSN001'), ids.join());
    assert.ok(ids.includes('DSN007'), ids.join());
    // A waivable rule is waived as before.
    const ok = analyze(text.replace('# review-ignore DLV001', '# review-ignore DLV001: the broker guarantees it'));
    assert.deepEqual(ok.waived.map((f) => f.ruleId), ['DLV001']);
  });
});

suite('tags and reading an unread design', () => {
  test('tags are declared by the rule, by the engine’s names', () => {
    assert.deepEqual(
      RULES.filter((r) => r.tags?.length).map((r) => `${r.id} ${r.tags!.join()}`),
      ['DSN002 unnecessary', 'DSN007 unnecessary'],
    );
  });

  test('the rules that run on text that is no design report there, the others do not', () => {
    assert.deepEqual(
      RULES.filter((r) => r.runsOnUnreadDesign).map((r) => r.id),
      ['DSN001', 'DSN003'],
    );
    const a = analyze('- a list\n- not a design\n');
    assert.deepEqual([...new Set(a.findings.map((f) => f.ruleId))], ['DSN003']);
    assert.equal(RULES_BY_ID.get('DSN001')!.reportsInsideSyntaxErrors, true);
  });
});

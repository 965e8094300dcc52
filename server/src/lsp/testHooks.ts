// Test-only fault injection, honoured only when an environment variable asks for it
// (test/faults-lsp.test.ts starts the server with it). Without the variable nothing here
// has any effect.
//
// DDR_TEST_THROWING_RULE=1 adds a rule, TST999, that throws on every design: the server
// must log it, keep the other rules' findings and keep answering.
// DDR_TEST_LOG_ANALYSES=1 logs every analysis of an open document (`analysed <uri> v<n>`),
// so that a test sees when the server analysed and how often (test/lsp-settings.test.ts).
import type { AnalyzeOptions } from '../engine/analyze';
import { defineRule, Rule } from '../engine/rule';

export const THROWING_RULE_ID = 'TST999';

const throwingRule: Rule = defineRule({
  id: THROWING_RULE_ID,
  name: 'test-throwing-rule',
  area: 'structure',
  severity: 'error',
  waivable: true,
  contract: { quote: 'test only', section: 'test only' },
  docs: { summary: 'Throws, to test that one failing rule leaves the others reporting.', why: 'test only', example: { bad: '', good: '' }, fix: 'none' },
  on: 'design',
  check() {
    throw new Error('injected fault (DDR_TEST_THROWING_RULE)');
  },
});

/** The analysis options the environment asks for, or undefined (always, outside tests). */
export function testAnalyzeOptions(env: NodeJS.ProcessEnv = process.env): AnalyzeOptions | undefined {
  return env.DDR_TEST_THROWING_RULE === '1' ? { extraRules: [throwingRule] } : undefined;
}

/** Whether to log each analysis of an open document (DDR_TEST_LOG_ANALYSES=1): false outside tests. */
export function logAnalyses(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.DDR_TEST_LOG_ANALYSES === '1';
}

import { analyze, fixesFor } from '../../server/src/engine/analyze';
import { applyEdits } from '../../server/src/engine/types';

/** Applies the rule's first offered (preferred) fix to its findings until none is left or none applies. */
export function applyRuleFixes(text: string, ruleId: string): string {
  let current = text;
  for (let i = 0; i < 50; i++) {
    const a = analyze(current);
    const f = a.findings.find((x) => x.ruleId === ruleId && fixesFor(a, x).length > 0);
    if (!f) {
      return current;
    }
    const fixes = fixesFor(a, f);
    const chosen = fixes.find((x) => x.preferred) ?? fixes[0];
    current = applyEdits(current, chosen.edits);
  }
  throw new Error('fixes did not converge');
}


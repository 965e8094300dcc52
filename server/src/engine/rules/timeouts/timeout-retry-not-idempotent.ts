import { defineRule } from '../../rule';
import { callTarget, targetIdempotent } from '../../designIndex';
import { str } from '../../model';
import type { Related } from '../../types';

export const timeoutRetryNotIdempotent = defineRule({
  id: 'TMO003',
  name: 'timeout-retry-not-idempotent',
  area: 'timeouts',
  severity: 'error',
  waivable: true,
  contract: { quote: 'For timeouts, retry with idempotency or check state before retrying', section: 'Timeout vs Failure › Design implications' },
  docs: {
    summary: 'A call with `on_timeout: retry` toward a target that is not idempotent: a `command` without `idempotency`, or an external system without `idempotent: true`.',
    why: 'After a timeout "The operation may have succeeded; you just do not know". Repeating it is safe only when a duplicate is harmless: "For timeouts, retry with idempotency or check state before retrying". Retrying a non-idempotent target after a timeout repeats an effect that may already have happened, which is "Retrying without idempotency", an anti-pattern of the knowledge contract.',
    example: {
      bad: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: query\n        timeout: 5s\n        calls:\n          - to: card-gateway.capture\n            external: true\n            timeout: 2s\n            on_timeout: retry\n',
      good: 'design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place-order\n        type: query\n        timeout: 5s\n        calls:\n          - to: card-gateway.capture\n            external: true\n            timeout: 2s\n            on_timeout: reconcile\n',
    },
    fix: 'Replaces `retry` with `reconcile` (check the state before retrying), keeping the value\'s quotes: a suggestion, since how to handle an unknown outcome is the author\'s decision. The other cure, making the target idempotent, is DUP001\'s fix on the target (or `idempotent: true` on an external call, when the external system deduplicates).',
  },
  on: 'call',
  check(el, ctx) {
    if (str(el, 'on_timeout') !== 'retry') {
      return;
    }
    // Unresolved targets, operations of unknown type and invalid values: undefined, silent.
    if (targetIdempotent(ctx.index, el) !== false) {
      return;
    }
    const t = callTarget(ctx.index, el)!;
    let what: string;
    let related: Related;
    if (t.kind === 'operation') {
      what = `\`${t.name}\`, a command without idempotency`;
      related = { range: t.op.anchor, message: `\`${t.name}\` is a command with neither an idempotency \`key\` nor \`natural: true\`` };
    } else {
      what = `\`${t.name}\`, an external system not declared \`idempotent: true\``;
      const idem = el.fields.get('idempotent');
      related = idem
        ? { range: idem.range, message: `the call declares \`${t.name}\` not idempotent` }
        : { range: el.fields.get('to')!.range, message: `\`${t.name}\` is external, and the call does not declare it \`idempotent: true\`` };
    }
    ctx.report({
      range: el.fields.get('on_timeout')!.range,
      message: `\`on_timeout: retry\` repeats the call to ${what}, after a timeout: if the first attempt succeeded, its effect happens twice`,
      related: [related],
    });
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const call = ctx.design.calls.find((c) => c.path === finding.path && c.fields.get('on_timeout')?.range[0] === finding.range[0]);
    const f = call?.fields.get('on_timeout');
    if (!f) {
      return undefined;
    }
    return [{ title: 'Check the state before retrying: `on_timeout: reconcile`', edits: [ctx.edit.replaceScalar(f, 'reconcile')], preferred: true }];
  },
});

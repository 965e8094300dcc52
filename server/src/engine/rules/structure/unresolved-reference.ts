import { defineRule } from '../../rule';
import type { Index } from '../../designIndex';
import { bool, Element, str } from '../../model';
import { RefKind } from '../../schema';
import { closest } from '../../text';
import { ignoreComments, resolveWaiverPath } from '../../waivers';

function candidates(ix: Index, kind: RefKind, ruleIds: ReadonlySet<string>): string[] {
  switch (kind) {
    case 'operation':
      return [...ix.operations.keys()];
    case 'channel':
      return [...ix.channels.keys()];
    case 'data':
      return [...ix.data.keys()];
    case 'requirement':
      return [...ix.requirements.keys()];
    case 'service':
      return [...ix.services.keys()];
    case 'workflow':
      return [...ix.workflows.keys()];
    case 'rule':
      return [...ruleIds];
  }
}

function known(ix: Index, kind: RefKind, name: string, ruleIds: ReadonlySet<string>): boolean {
  switch (kind) {
    case 'operation':
      return ix.operations.has(name);
    case 'channel':
      return ix.channels.has(name);
    case 'data':
      return ix.data.has(name);
    case 'requirement':
      return ix.requirements.has(name);
    case 'service':
      return ix.services.has(name);
    case 'workflow':
      return ix.workflows.has(name);
    case 'rule':
      return ruleIds.has(name.toUpperCase());
  }
}

const KIND_WORDS: Record<RefKind, string> = {
  operation: 'operation',
  channel: 'channel',
  data: 'data',
  requirement: 'requirement',
  service: 'service',
  workflow: 'workflow',
  rule: 'rule',
};

export const unresolvedReference = defineRule({
  id: 'DSN004',
  name: 'unresolved-reference',
  area: 'structure',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Map partial failure scenarios to PRD edge cases', section: 'Partial Failure' },
  docs: {
    summary: 'A reference (`to`, `handler`, `operation`, `compensation`, `writes`, `publishes`, `requirements`, `requirement`, a waiver\'s `rule` or `at`) that names nothing in the design.',
    why: 'Rules read across the design: a call\'s target decides whether its retries are safe, a cited requirement decides which guarantee is required. A reference that names nothing cannot be checked, so no other rule guesses about it; this one reports it, with the closest existing name. A call to a system outside the design says `external: true`.',
    example: {
      bad: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: query\n        timeout: 2s\n        calls:\n          - to: fraud.scroe\n            timeout: 500ms\n  - name: fraud\n    operations:\n      - name: score\n        type: query\n        timeout: 1s\n',
      good: 'design: checkout\ndsl: 1\nservices:\n  - name: payments\n    operations:\n      - name: charge\n        type: query\n        timeout: 2s\n        calls:\n          - to: fraud.score\n            timeout: 500ms\n  - name: fraud\n    operations:\n      - name: score\n        type: query\n        timeout: 1s\n',
    },
    fix: 'Replaces the reference with the closest existing name of the right kind: a suggestion, since the author confirms the target. Declines when none is close.',
  },
  on: 'any',
  check(el, ctx) {
    const ix = ctx.index;
    const check = (value: unknown, range: [number, number], kind: RefKind, field: string) => {
      const name = String(value);
      if (known(ix, kind, name, ctx.ruleIds)) {
        return;
      }
      // The candidates are listed only for a reference that names nothing.
      const suggestion = closest(name, candidates(ix, kind, ctx.ruleIds));
      const hint = kind === 'operation' && el.kind === 'call' ? ' (a system outside the design: add `external: true`)' : '';
      ctx.report({
        range,
        message: `\`${field}\` names ${kind === 'operation' ? 'an' : 'a'} ${KIND_WORDS[kind]} \`${name}\` that does not exist` + (suggestion ? `; did you mean \`${suggestion}\`?` : hint),
        data: suggestion ? { suggestion } : undefined,
      });
    };
    for (const f of el.fields.values()) {
      const t = f.spec?.type;
      if (!t || !f.valid) {
        continue;
      }
      if (t.t === 'ref') {
        if (el.kind === 'call' && f.key === 'to' && bool(el, 'external') === true) {
          continue;
        }
        check(f.value, f.range, t.ref, f.key);
      } else if (t.t === 'list' && t.of.t === 'ref' && f.items) {
        for (const it of f.items) {
          if (it.valid) {
            check(it.value, it.range, t.of.ref, f.key);
          }
        }
      }
    }
    if (el.kind === 'waiver') {
      const at = str(el, 'at');
      if (at !== undefined && !resolveWaiverPath(ctx.design, at)) {
        ctx.report({ range: el.fields.get('at')!.range, message: `\`at\` names a place \`${at}\` that does not exist in the design` });
      }
    }
    if (el.kind === 'design') {
      for (const c of ignoreComments(ctx.design.parsed)) {
        for (const r of c.rules) {
          if (!ctx.ruleIds.has(r.id)) {
            const suggestion = closest(r.id, [...ctx.ruleIds]);
            ctx.report({
              range: r.range,
              message: `\`review-ignore\` names a rule \`${r.id}\` that does not exist` + (suggestion ? `; did you mean \`${suggestion}\`?` : ''),
              data: suggestion ? { suggestion } : undefined,
            });
          }
        }
      }
    }
  },
  fixApplicability: 'suggestion',
  fix(ctx, finding) {
    const s = finding.data?.suggestion;
    if (typeof s !== 'string') {
      return undefined;
    }
    return [{ title: `Replace with \`${s}\``, edits: [ctx.edit.replaceText(finding.range, s)], preferred: true }];
  },
});

export type { Element };

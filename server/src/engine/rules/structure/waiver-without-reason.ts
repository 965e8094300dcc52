import { defineRule } from '../../rule';
import { str } from '../../model';
import { ignoreComments } from '../../waivers';

export const waiverWithoutReason = defineRule({
  id: 'DSN007',
  name: 'waiver-without-reason',
  area: 'structure',
  severity: 'warning',
  waivable: false,
  tags: ['unnecessary'],
  contract: { quote: 'Document recovery procedures for each partial failure scenario', section: 'Partial Failure' },
  docs: {
    summary: 'A `review.waivers` entry or a `# review-ignore` comment without a reason.',
    why: 'A waiver accepts a risk on the record; without the reason, the next reader cannot tell an accepted risk from a silenced one. A waiver without a reason waives nothing.',
    example: {
      bad: 'design: checkout\ndsl: 1\nreview:\n  waivers:\n    - rule: RTY005\n',
      good: "design: checkout\ndsl: 1\nreview:\n  waivers:\n    - rule: RTY005\n      reason: the provider's SLA asks for 6 attempts\n",
    },
    fix: 'None: only the author knows the reason.',
  },
  on: 'design',
  check(_el, ctx) {
    for (const w of ctx.design.waivers) {
      if (!str(w, 'reason')?.trim()) {
        const rule = str(w, 'rule');
        ctx.report({ range: w.anchor, message: `the waiver${rule ? ` of ${rule}` : ''} has no \`reason\`, so it waives nothing` });
      }
    }
    for (const c of ignoreComments(ctx.design.parsed)) {
      if (!c.reason) {
        const ids = c.rules.map((r) => r.id).join(', ');
        ctx.report({
          range: c.range,
          message: `\`review-ignore${ids ? ' ' + ids : ''}\` has no reason (write \`# review-ignore ${ids || 'RULE'}: why\`), so it waives nothing`,
        });
      }
    }
  },
});

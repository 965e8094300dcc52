import { defineRule } from '../../rule';
import type { Element } from '../../model';

export const duplicateName = defineRule({
  id: 'DSN005',
  name: 'duplicate-name',
  area: 'structure',
  severity: 'error',
  waivable: true,
  contract: { quote: 'Define ordering guarantees per queue/topic', section: 'Ordering Guarantees' },
  docs: {
    summary: 'Two elements of one kind share a `name` (or a requirement `id`); operations are compared within their service.',
    why: 'Guarantees are declared per element and references resolve by name: with two channels called `order-events`, a consumer, a publisher or a waiver points at one of them and the review of the other is silently lost.',
    example: {
      bad: 'design: checkout\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: none\n    out_of_order: ignore\n  - name: order-events\n    delivery: at-most-once\n    ordering: none\n    out_of_order: ignore\n',
      good: 'design: checkout\ndsl: 1\nchannels:\n  - name: order-events\n    delivery: at-most-once\n    ordering: none\n    out_of_order: ignore\n  - name: order-audit\n    delivery: at-most-once\n    ordering: none\n    out_of_order: ignore\n',
    },
    fix: 'None: which of the two to rename is the author\'s choice.',
  },
  on: 'design',
  check(_el, ctx) {
    const d = ctx.design;
    const groups: Array<[string, Element[], string]> = [
      ['requirement', d.requirements, 'id'],
      ['service', d.services, 'name'],
      ['channel', d.channels, 'name'],
      ['data', d.data, 'name'],
      ['workflow', d.workflows, 'name'],
    ];
    // Operations are compared within their service: grouped in one pass.
    const perService = new Map<Element, Element[]>();
    for (const o of d.operations) {
      const list = perService.get(o.service);
      if (list) {
        list.push(o);
      } else {
        perService.set(o.service, [o]);
      }
    }
    for (const s of d.services) {
      groups.push(['operation', perService.get(s) ?? [], 'name']);
    }
    for (const [what, els, key] of groups) {
      const first = new Map<string, Element>();
      for (const e of els) {
        if (e.name === undefined) {
          continue;
        }
        const prev = first.get(e.name);
        if (!prev) {
          first.set(e.name, e);
          continue;
        }
        const where = what === 'operation' && e.parent?.name ? ` in service \`${e.parent.name}\`` : '';
        ctx.report({
          range: e.anchor,
          message: `another ${what}${where} already has the ${key} \`${e.name}\``,
          related: [{ range: prev.anchor, message: `the first ${what} named \`${e.name}\`` }],
        });
      }
    }
  },
});

// The contract tier (`npm run test:contract`): every rule's quote stands verbatim in the
// knowledge contract, ../shared/seed/distributed-system-basics.md beside the clone, inside
// the section it names. Where the contract is missing, every test fails and says where it
// looked: this tier never skips.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe as suite, test } from 'node:test';
import { RULES } from '../server/src/engine/registry';

const repoRoot = path.join(__dirname, '..', '..');
// CI checks out shared/ beside the clone: the contract is ../shared, not inside the repo.
export const CONTRACT_PATH = path.join(repoRoot, '..', 'shared', 'seed', 'distributed-system-basics.md');

let contract: string | undefined;

function readContract(): string {
  assert.ok(
    fs.existsSync(CONTRACT_PATH),
    `the knowledge contract is missing: expected ${CONTRACT_PATH} (check out the sibling folder shared/ beside the repository)`,
  );
  contract ??= fs.readFileSync(CONTRACT_PATH, 'utf8');
  return contract;
}

/** The text under a heading, up to the next heading of the same or a higher level. */
function sectionText(text: string, heading: string): string | undefined {
  const lines = text.split('\n');
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

test('the knowledge contract is where the contract tier reads it', () => {
  assert.ok(readContract().length > 0, `${CONTRACT_PATH} is empty`);
});

for (const rule of RULES) {
  suite(`rule ${rule.id} ${rule.name}`, () => {
    test('quotes the knowledge contract verbatim, inside the section it names', () => {
      const whole = readContract();
      assert.ok(whole.includes(rule.contract.quote), `${rule.id}: the knowledge contract does not contain "${rule.contract.quote}"`);
      // `Heading › Sub-heading › Lead-in line`: each part narrows the text to search.
      let text: string | undefined = whole;
      for (const part of rule.contract.section.split('›').map((s) => s.trim())) {
        const narrowed: string | undefined = sectionText(text, part) ?? block(text, part);
        assert.ok(narrowed !== undefined, `${rule.id}: the contract's ${text === whole ? 'text' : 'section'} has no heading or lead-in line "${part}"`);
        text = narrowed;
      }
      assert.ok(text.includes(rule.contract.quote), `${rule.id}: "${rule.contract.quote}" is not in the contract's section "${rule.contract.section}"`);
    });
  });
}

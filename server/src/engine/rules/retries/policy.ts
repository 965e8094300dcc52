// Facts about a retry policy that several retry rules share: the call it belongs to,
// whether it retries at all, how its facts read in a message, and how a fix finds and
// edits it without touching a policy that other calls share.
import type { FixContext } from '../../rule';
import { callerOf, callTarget } from '../../designIndex';
import { durationMs, Element, Field, Item, num, str } from '../../model';
import type { Applicability, Finding, FixProposal, Range, TextEdit } from '../../types';
import type { Value } from '../../yaml/edit';

/** The call a retry policy belongs to. */
export function callOf(retry: Element): Element | undefined {
  return retry.kind === 'retry' && retry.parent?.kind === 'call' ? retry.parent : undefined;
}

/**
 * Whether a policy retries at all: `max_attempts: 1` is one attempt in all, the first,
 * so no retry rule applies to it (as to a call with no `retry`).
 */
export function retries(retry: Element): boolean {
  return num(retry, 'max_attempts') !== 1;
}

/** How the call names its target, for messages: `payments.charge`. */
export function targetLabel(call: Element | undefined): string {
  const to = str(call, 'to');
  return to !== undefined ? '`' + to + '`' : 'its target';
}

/** ` up to 3 attempts`, ` with unlimited attempts`, or nothing when `max_attempts` is missing or invalid. */
export function attemptsPhrase(retry: Element | undefined): string {
  const n = num(retry, 'max_attempts');
  if (n !== undefined) {
    return ` up to ${n} attempts`;
  }
  return str(retry, 'max_attempts') === 'unlimited' ? ' with unlimited attempts' : '';
}

/** The element a finding is about: the one at its path whose text holds the finding (paths repeat under DSN005). */
export function findElement(ctx: FixContext, finding: Finding, kind: Element['kind']): Element | undefined {
  const at = ctx.design.all.filter((e) => e.kind === kind && e.path === finding.path);
  const inside = (r: Range, outer: Range) => r[0] >= outer[0] && r[1] <= outer[1];
  return at.find((e) => inside(finding.range, e.range) || (e.anchor[0] === finding.range[0] && e.anchor[1] === finding.range[1])) ?? at[0];
}

/** A field written in the element's own mapping, not merged in from a `<<` source. */
function ownField(el: Element, key: string): Field | undefined {
  const f = el.fields.get(key);
  return f && f.keyRange[0] >= el.range[0] && f.keyRange[1] <= el.range[1] ? f : undefined;
}

/** Whether the element's mapping is an alias (`retry: *standard`): then it is shared by other places. */
export function isAliased(ctx: FixContext, el: Element): boolean {
  const pf = el.parentField;
  return !!pf && pf.range[1] > pf.range[0] && ctx.text[pf.range[0]] === '*';
}

/**
 * Sets a key of the element's own mapping: replaces an own value, and overrides a value
 * merged in from a `<<` source by adding the key to the element itself, so that the
 * shared source is left alone.
 */
export function setOwnKey(ctx: FixContext, el: Element, key: string, value: Value): TextEdit {
  if (el.fields.has(key) && !ownField(el, key)) {
    return ctx.edit.insertKey(el, key, value);
  }
  return ctx.edit.setKey(el, key, value);
}

/** The raw index (in the YAML sequence) of every valid item of a list field that `pick` selects. */
export function pickItems(f: Field | undefined, pick: (it: Item) => boolean): Array<{ item: Item; index: number }> {
  if (!f?.valid || !f.items) {
    return [];
  }
  const out: Array<{ item: Item; index: number }> = [];
  f.items.forEach((item, index) => {
    if (item.valid && pick(item)) {
      out.push({ item, index });
    }
  });
  return out;
}


/** The fix of RTY001 and RTY002: remove every item of the finding's value from `retry_on`. */
export function removeFromRetryOn(ctx: FixContext, finding: Finding): FixProposal[] | undefined {
  const el = findElement(ctx, finding, 'retry');
  const f = el?.fields.get('retry_on');
  const value = finding.data?.value;
  const picked = pickItems(f, (it) => it.value === value);
  const edits = f && picked.length ? ctx.edit.removeItems(f, picked.map((p) => p.index)) : undefined;
  if (!edits?.length) {
    return undefined;
  }
  return [{ title: `Remove \`${String(value)}\` from \`retry_on\``, edits, preferred: true }];
}

/**
 * Joins insertions at one offset into one edit, in the order given: two keys added to
 * nested mappings that end on the same line (`max_attempts` into `retry`, then
 * `circuit_breaker` into its call) must not depend on how edits are sorted.
 */
export function joinInsertions(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const e of edits) {
    const same = out.find((o) => o.range[0] === o.range[1] && e.range[0] === e.range[1] && o.range[0] === e.range[0]);
    if (same) {
      same.newText += e.newText;
    } else {
      out.push({ range: [e.range[0], e.range[1]], newText: e.newText });
    }
  }
  return out;
}

/** The fix of RTY006 and RTY007: `backoff: exponential-jitter`, in place, keeping the value's quotes. */
export function replaceBackoff(ctx: FixContext, finding: Finding): FixProposal[] | undefined {
  const el = findElement(ctx, finding, 'retry');
  const f = el?.fields.get('backoff');
  if (!f) {
    return undefined;
  }
  return [{ title: 'Use `backoff: exponential-jitter`', edits: [ctx.edit.replaceScalar(f, 'exponential-jitter')], preferred: true }];
}

/**
 * W(c) of rules.md ("Timing over the call graph") for a policy whose backoff becomes
 * exponential (with or without jitter): n·a + Σd, where n is `max_attempts`, a the call's
 * `timeout` (else its target operation's), and d_i = min(initial_delay × 2^(i−1),
 * max_delay). Undefined where it is no upper bound: unbounded or unknown attempts, no
 * bound on one attempt, or no `initial_delay` (a missing delay counts 0: a lower bound).
 */
export function worstCaseWithExponentialBackoffMs(ctx: FixContext, retry: Element): number | undefined {
  const call = callOf(retry);
  const n = num(retry, 'max_attempts');
  const target = call && callTarget(ctx.index, call);
  const a = durationMs(call, 'timeout') ?? (target?.kind === 'operation' ? durationMs(target.op, 'timeout') : undefined);
  const initial = durationMs(retry, 'initial_delay');
  if (n === undefined || a === undefined || initial === undefined) {
    return undefined;
  }
  const max = durationMs(retry, 'max_delay') ?? Infinity;
  let delays = 0;
  for (let i = 1; i < n; i++) {
    delays += Math.min(initial * 2 ** (i - 1), max);
  }
  return n * a + delays;
}

/**
 * rules.md's "safe if the policy has a `deadline` or W(c) stays below the caller's
 * `timeout`" (RTY006, RTY008), W evaluated on the fixed policy: an exponential backoff.
 * Otherwise the fix may lengthen the retries past what the caller waits for: a suggestion.
 */
export function safeIfBoundedBackoff(ctx: FixContext, finding: Finding): Applicability {
  const retry = findElement(ctx, finding, 'retry');
  if (!retry) {
    return 'suggestion';
  }
  if (durationMs(retry, 'deadline') !== undefined) {
    return 'safe';
  }
  const call = callOf(retry);
  const t = durationMs(call && callerOf(call), 'timeout');
  const w = worstCaseWithExponentialBackoffMs(ctx, retry);
  return t !== undefined && w !== undefined && w < t ? 'safe' : 'suggestion';
}

/** rules.md's "safe if the policy has a `deadline`" (RTY009): waiting for Retry-After is then bounded. */
export function safeIfDeadline(ctx: FixContext, finding: Finding): Applicability {
  const retry = findElement(ctx, finding, 'retry');
  return retry && durationMs(retry, 'deadline') !== undefined ? 'safe' : 'suggestion';
}

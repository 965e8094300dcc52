// Hovers, in the knowledge contract's words (distributed-system-basics) plus the design's
// own facts: every key, every enum value, every reference, durations in the context of the
// caller's timeout, and every finding.
// Pure: an Analysis and an offset in, Markdown and the range it is about out.
import type { Analysis } from './analyze';
import { callerOf, callTarget, operationIdempotency } from './designIndex';
import { bool, child, durationMs, Element, Field, items, num, Operation, str } from './model';
import { locate, Located } from './navigation';
import { RULES_BY_ID } from './registry';
import { CONTRACT_CREDIT, docsUrl as defaultDocsUrl, Rule } from './rule';
import { CHECKLIST_STATE_VALUES, checklistStatesText, DEFAULT_CHECKLIST_STATE, describeType, EnumValue, KeySpec, RETRY_SYMBOLS, SCHEMA, ValueType } from './schema';
import { formatMs } from './text';
import { AREA_TITLES, AREAS, Area, Range } from './types';

export interface HoverOptions {
  /** The URL of a rule's documentation page (the language server passes a file:// URI). */
  docsUrl?: (ruleId: string) => string;
}

export interface HoverResult {
  range: Range;
  markdown: string;
}

const SEPARATOR = '\n\n---\n\n';

/**
 * The hover at an offset. Over a finding: the finding alone (what the key or value means
 * would push it past the hover's height, and often quotes the same line of the contract).
 * Elsewhere: what the key, value or reference means.
 */
export function hoverAt(a: Analysis, offset: number, options: HoverOptions = {}): HoverResult | undefined {
  const url = options.docsUrl ?? ((id: string) => defaultDocsUrl({ id }));
  const here = a.findings.filter((f) => offset >= f.range[0] && (offset < f.range[1] || offset === f.range[0]));
  if (here.length) {
    let range = here[0].range;
    for (const f of here) {
      range = [Math.min(range[0], f.range[0]), Math.max(range[1], f.range[1])];
    }
    // Two findings of one rule at one place would say the same twice.
    const rules = [...new Set(here.map((f) => f.ruleId))];
    return { range: [range[0], range[1]], markdown: rules.map((id) => findingMarkdown(id, url)).join(SEPARATOR) };
  }
  const l = locate(a, offset);
  const about = l ? locatedMarkdown(a, l, url) : undefined;
  return about ? { range: l!.range, markdown: about } : undefined;
}

// --- findings ---------------------------------------------------------------------------

/** How much of a rule's `why` and `fix` a finding's hover shows (see `lead`). */
export const HOVER_WHY_CHARS = 220;
export const HOVER_FIX_CHARS = 140;

/**
 * A finding's hover, under the message VS Code already shows: the rule, why it matters, how
 * to fix it, the link to its page. Not the message again, nor the contract's quote (the
 * `why` quotes it): short enough for VS Code's hover (500 px wide, at least 250 px tall,
 * the message included) without scrolling. The page says the rest.
 */
export function findingMarkdown(ruleId: string, url: (id: string) => string): string {
  const rule = RULES_BY_ID.get(ruleId);
  if (!rule) {
    return `**${ruleId}**`;
  }
  return [
    `**${rule.id} ${rule.name}**`,
    `**Why it matters:** ${lead(rule.docs.why, HOVER_WHY_CHARS)}`,
    `**How to fix it:** ${lead(rule.docs.fix, HOVER_FIX_CHARS)}`,
    `[${rule.id} documentation](${url(rule.id)})`,
  ].join('\n\n');
}

/**
 * The sentences of a text: split after `.`, `!` or `?` (and a closing quote or bracket)
 * before a space and a capital, a quote or a backtick, never inside quotes or code.
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let code = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '`') {
      code = !code;
    } else if (c === '"' && !code) {
      quoted = !quoted;
    }
    const ends = /[.!?]/.test(c) || (/["”)\]]/.test(c) && /[.!?]/.test(text[i - 1] ?? ''));
    if (ends && !quoted && !code && /^ +["“`A-Z]/.test(text.slice(i + 1, i + 4))) {
      out.push(text.slice(start, i + 1).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter(Boolean);
}

/**
 * The first sentences of a text that fit in `max` characters. A first sentence longer than
 * that is cut, outside brackets, quotes and code, after the last `;`, `:` or `,` that fits
 * (else before the last space), and ends with `…`.
 */
export function lead(text: string, max: number): string {
  const all = sentences(text);
  let out = all[0] ?? '';
  if (out.length > max) {
    return cut(out, max);
  }
  for (const s of all.slice(1)) {
    if (out.length + 1 + s.length > max) {
      break;
    }
    out += ' ' + s;
  }
  return out;
}

function cut(sentence: string, max: number): string {
  let depth = 0;
  let quoted = false;
  let code = false;
  let clause = -1;
  let space = -1;
  for (let i = 0; i < max; i++) {
    const c = sentence[i];
    if (c === '`') {
      code = !code;
    } else if (code) {
      continue;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && (c === '(' || c === '[' || c === '{')) {
      depth++;
    } else if (!quoted && (c === ')' || c === ']' || c === '}')) {
      depth--;
    } else if (c === ' ' && !quoted && depth === 0) {
      space = i;
      if (/[;:,]/.test(sentence[i - 1])) {
        clause = i - 1;
      }
    }
  }
  const at = clause >= max * 0.4 ? clause : space;
  return (at > 0 ? sentence.slice(0, at) : sentence.slice(0, max)) + ' …';
}

function contractQuote(rule: Rule): string {
  return `> ${rule.contract.quote}\n>\n> — ${CONTRACT_CREDIT}, *${rule.contract.section}*`;
}

export function ruleMarkdown(rule: Rule, url: (id: string) => string): string {
  return [`**${rule.id} ${rule.name}** · ${rule.area} · ${rule.severity}`, rule.docs.summary, contractQuote(rule), `[${rule.id} documentation](${url(rule.id)})`].join('\n\n');
}

// --- keys and values --------------------------------------------------------------------

function code(v: unknown): string {
  return '`' + String(v) + '`';
}

function title(el: Element): string {
  return SCHEMA[el.kind].title;
}

function contractLine(line: string | undefined): string[] {
  return line ? [`> ${line}`] : [];
}

function enumList(values: EnumValue[]): string {
  return values.map((v) => `- ${code(v.value)} — ${v.doc}`).join('\n');
}

export function keyMarkdown(spec: KeySpec, owner: string): string {
  const parts = [`**${code(spec.key)}** · ${owner}${spec.required ? ' · required' : ''}`, spec.doc];
  if (spec.type.t === 'enum') {
    parts.push('Allowed values:\n\n' + enumList(spec.type.values));
  } else {
    parts.push(`Value: ${describeType(spec.type)}.`);
  }
  parts.push(...contractLine(spec.seed));
  return parts.join('\n\n');
}

export function enumValueMarkdown(key: string, v: EnumValue): string {
  const parts = [`**${code(`${key}: ${v.value}`)}**${v.seed ? ` — *${v.seed}*` : ''}`, v.doc];
  if (v.useWhen) {
    parts.push(`**Use when:** ${v.useWhen}`);
  }
  if (v.tradeOff) {
    parts.push(`**Trade-off:** ${v.tradeOff}`);
  }
  return parts.join('\n\n');
}

function locatedMarkdown(a: Analysis, l: Located, url: (id: string) => string): string | undefined {
  switch (l.type) {
    case 'comment-rule': {
      const rule = RULES_BY_ID.get(l.id);
      return rule ? ruleMarkdown(rule, url) : undefined;
    }
    case 'checklist-area': {
      if (!(AREAS as readonly string[]).includes(l.area)) {
        return undefined;
      }
      const area = l.area as Area;
      const counts = { error: 0, warning: 0, info: 0 };
      for (const f of a.findings) {
        if (RULES_BY_ID.get(f.ruleId)?.area === area) {
          counts[f.severity]++;
        }
      }
      return [
        `**${AREA_TITLES[area]}** · checklist`,
        `Live findings: ${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info} info.`,
        `State: ${checklistStatesText()} (absent = ${DEFAULT_CHECKLIST_STATE}).`,
      ].join('\n\n');
    }
    case 'checklist-state': {
      const v = CHECKLIST_STATE_VALUES.find((s) => s.value === l.state);
      return v ? enumValueMarkdown(l.area, v) : undefined;
    }
    case 'key':
      return l.spec && !l.unknown ? keyMarkdown(l.spec, title(l.element)) : undefined;
    case 'value':
      return valueMarkdown(a, l.element, l.field, l.value, l.item !== undefined, url) ?? (l.field.spec ? keyMarkdown(l.field.spec, title(l.element)) : undefined);
  }
}

function valueMarkdown(a: Analysis, el: Element, f: Field, value: unknown, isItem: boolean, url: (id: string) => string): string | undefined {
  const spec = f.spec;
  if (!spec) {
    return undefined;
  }
  const type: ValueType = isItem && spec.type.t === 'list' ? spec.type.of : spec.type;
  // The name of an element: what the design says about it.
  if (SCHEMA[el.kind].idKey === f.key && !isItem && el.name !== undefined && type.t === 'string') {
    const summary = elementSummary(a, el);
    if (summary) {
      return summary;
    }
  }
  switch (type.t) {
    case 'enum': {
      const v = type.values.find((x) => x.value === value);
      return v ? enumValueMarkdown(f.key, v) : undefined;
    }
    case 'ref':
      return referenceMarkdown(a, el, f, type.ref, value, url);
    case 'duration':
      return durationMarkdown(a, el, f);
    case 'retryCode':
      return retryCodeMarkdown(a, el, value);
    case 'attempts': {
      if (value === 'unlimited') {
        return `**${code('max_attempts: unlimited')}**\n\nRetries never stop on their own: only a \`circuit_breaker\` bounds them.\n\n> Infinite retries without a circuit breaker`;
      }
      return typeof value === 'number' ? `**${code(`max_attempts: ${value}`)}**\n\n${value} attempt${value === 1 ? '' : 's'} in all, the first included (${Math.max(0, value - 1)} retr${value - 1 === 1 ? 'y' : 'ies'}).\n\n> Maximum retries: define per operation (typically 2-5)` : undefined;
    }
    default:
      if ((el.kind === 'consumer' && f.key === 'service') || (el.kind === 'data' && f.key === 'owner')) {
        const s = typeof value === 'string' ? a.index.services.get(value) : undefined;
        return s ? serviceSummary(a, s) : undefined;
      }
      return undefined;
  }
}

// --- references -------------------------------------------------------------------------

function referenceMarkdown(a: Analysis, el: Element, f: Field, kind: string, value: unknown, url: (id: string) => string): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') {
    return undefined;
  }
  const name = String(value);
  const ix = a.index;
  switch (kind) {
    case 'operation': {
      if (el.kind === 'call' && f.key === 'to') {
        const t = callTarget(ix, el);
        if (t?.kind === 'external') {
          const idem = bool(el, 'idempotent') === true;
          return [
            `**external system ${code(name)}**`,
            idem
              ? '- idempotent: `true` (declared on this call): repeating it is safe'
              : '- not declared idempotent (`idempotent: true` is absent): retrying it may repeat its effect',
          ].join('\n\n');
        }
      }
      const op = ix.operations.get(name);
      return op ? operationSummary(a, op) : `${code(name)} names no operation of this design.`;
    }
    case 'channel': {
      const c = ix.channels.get(name);
      return c ? channelSummary(a, c) : `${code(name)} names no channel of this design.`;
    }
    case 'data': {
      const d = ix.data.get(name);
      return d ? dataSummary(d) : `${code(name)} names no data of this design.`;
    }
    case 'requirement': {
      const r = ix.requirements.get(name);
      return r ? requirementSummary(r) : `${code(name)} names no requirement of this design.`;
    }
    case 'rule': {
      const rule = RULES_BY_ID.get(name.toUpperCase());
      return rule ? ruleMarkdown(rule, url) : `${code(name)} names no rule.`;
    }
    default:
      return undefined;
  }
}

function elementSummary(a: Analysis, el: Element): string | undefined {
  switch (el.kind) {
    case 'operation':
      return operationSummary(a, el as Operation);
    case 'channel':
      return channelSummary(a, el);
    case 'data':
      return dataSummary(el);
    case 'requirement':
      return requirementSummary(el);
    case 'service':
      return serviceSummary(a, el);
    default:
      return undefined;
  }
}

function fact(label: string, v: string | undefined, missing: string): string {
  return `- ${label}: ${v !== undefined ? code(v) : missing}`;
}

export function operationSummary(a: Analysis, op: Operation): string {
  const type = str(op, 'type');
  const lines = [
    fact('type', type, '*not declared*') + (type === 'query' ? ' — reads only: naturally idempotent' : type === 'command' ? ' — changes state' : ''),
    fact('interaction', str(op, 'interaction'), '*not declared*'),
    fact('timeout', str(op, 'timeout'), '*not documented*'),
  ];
  const idem = operationIdempotency(op);
  const ic = child(op, 'idempotency');
  switch (idem) {
    case 'key': {
      const retention = str(ic, 'retention');
      lines.push(`- idempotency: key ${code(str(ic, 'key'))}${retention ? `, kept ${code(retention)}` : ''}`);
      break;
    }
    case 'natural':
      lines.push('- idempotency: natural');
      break;
    case 'query':
      lines.push('- idempotency: natural (a query)');
      break;
    case 'none':
      lines.push('- idempotency: **none** — a retried or duplicated request repeats its effect');
      break;
    default:
      lines.push('- idempotency: *not declared*');
  }
  const nonRetryable = items(child(op, 'errors'), 'non_retryable').map((i) => code(i.value));
  if (nonRetryable.length) {
    lines.push(`- non-retryable errors: ${nonRetryable.join(', ')}`);
  }
  return `**operation ${code(op.qualifiedName ?? op.name ?? '?')}**\n\n${lines.join('\n')}`;
}

function serviceSummary(a: Analysis, s: Element): string {
  const ops = a.design.operations.filter((o) => o.parent === s && o.name !== undefined).map((o) => code(o.name));
  return `**service ${code(s.name ?? '?')}**\n\n- operations: ${ops.length ? ops.join(', ') : '*none*'}`;
}

function channelSummary(a: Analysis, c: Element): string {
  const ordering = str(c, 'ordering');
  const key = str(c, 'partition_key');
  const consumers = a.design.consumers
    .filter((x) => x.parent === c)
    .map((x) => {
      const h = str(x, 'handler');
      return code(str(x, 'service') ?? '?') + (h ? ` (handler ${code(h)})` : '');
    });
  const lines = [
    fact('kind', str(c, 'kind'), '*not declared*'),
    fact('delivery', str(c, 'delivery'), '*not declared*'),
    fact('ordering', ordering, '*not declared*') + (ordering === 'per-partition' && key ? ` by ${code(key)}` : ''),
    `- consumers: ${consumers.length ? consumers.join(', ') : '*none*'}`,
  ];
  return `**channel ${code(c.name ?? '?')}**\n\n${lines.join('\n')}`;
}

function dataSummary(d: Element): string {
  const lines = [fact('category', str(d, 'category'), '*not declared*'), fact('consistency', str(d, 'consistency'), '*not declared*')];
  const bound = str(d, 'staleness_bound');
  if (bound) {
    lines.push(fact('staleness bound', bound, ''));
  }
  const owner = str(d, 'owner');
  if (owner) {
    lines.push(fact('owner', owner, ''));
  }
  return `**data ${code(d.name ?? '?')}**\n\n${lines.join('\n')}`;
}

const REQUIREMENT_FACTS = ['duplicates', 'loss', 'consistency', 'max_staleness', 'ordering', 'ordering_key', 'partial_success', 'edge_case'];

function requirementSummary(r: Element): string {
  const text = str(r, 'text');
  const lines = REQUIREMENT_FACTS.filter((k) => r.fields.get(k)?.valid && r.fields.get(k)!.value !== undefined).map((k) => `- ${k}: ${code(r.fields.get(k)!.value)}`);
  return `**requirement ${code(r.name ?? '?')}**${text ? `: ${text}` : ''}` + (lines.length ? `\n\n${lines.join('\n')}` : '');
}

// --- durations --------------------------------------------------------------------------

/** A duration in words: `1500ms` → "1.5 s". */
export function humanDuration(ms: number): string {
  if (ms < 1000) {
    return `${ms} ms`;
  }
  if (ms < 60_000) {
    return `${+(ms / 1000).toFixed(3)} s`;
  }
  if (ms < 3_600_000) {
    return `${+(ms / 60_000).toFixed(2)} min`;
  }
  if (ms < 86_400_000) {
    return `${+(ms / 3_600_000).toFixed(2)} h`;
  }
  return `${+(ms / 86_400_000).toFixed(2)} d`;
}

function percentOf(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)}%`;
}

function durationMarkdown(a: Analysis, el: Element, f: Field): string | undefined {
  const ms = durationMs(el, f.key);
  if (ms === undefined) {
    return undefined;
  }
  const head = `**${code(`${f.key}: ${String(f.value)}`)}** = ${humanDuration(ms)}`;
  const lines: string[] = [];
  const call = el.kind === 'call' ? el : el.kind === 'retry' && el.parent?.kind === 'call' ? el.parent : undefined;
  if (call) {
    const caller = callerOf(call);
    const callerName = caller?.qualifiedName ?? caller?.name;
    const callerMs = durationMs(caller, 'timeout');
    const what = f.key === 'timeout' && el.kind === 'call' ? "this call's timeout" : f.key === 'deadline' ? 'the retries' : `\`${f.key}\``;
    if (caller && callerMs !== undefined) {
      if (ms >= callerMs) {
        lines.push(
          `The calling operation ${code(callerName ?? '?')} times out after ${code(str(caller, 'timeout'))}: ${what} ${f.key === 'deadline' ? 'may run' : 'is'} at or above it, so the caller gives up first and the outcome is unknown.`,
        );
      } else {
        lines.push(`The calling operation ${code(callerName ?? '?')} times out after ${code(str(caller, 'timeout'))}: ${what} ${f.key === 'deadline' ? 'stop after' : 'uses'} ${percentOf(ms, callerMs)} of it.`);
      }
    } else if (caller) {
      lines.push(`The calling operation ${code(callerName ?? '?')} documents no timeout, so this cannot be compared with it.`);
    }
    if (f.key === 'timeout' && el.kind === 'call') {
      const retry = child(call, 'retry');
      const attempts = num(retry, 'max_attempts');
      if (attempts !== undefined && attempts > 1) {
        const deadline = durationMs(retry, 'deadline');
        lines.push(
          `With ${code(`max_attempts: ${attempts}`)} the attempts alone may take ${attempts} × ${formatMs(ms)} = ${humanDuration(attempts * ms)}, before backoff` +
            (deadline !== undefined ? `; the retry ${code(`deadline: ${str(retry, 'deadline')}`)} bounds them.` : '; no retry `deadline` bounds them.'),
        );
      }
    }
  }
  if (el.kind === 'operation' && f.key === 'timeout') {
    const interaction = str(el, 'interaction');
    if (interaction === 'interactive') {
      lines.push(`An interactive operation: timeouts are short (over ${formatMs(a.settings.interactiveTimeoutMaxMs)} is flagged, setting \`ddr.timeouts.interactiveMax\`).`);
    } else if (interaction === 'batch') {
      lines.push(`A batch operation: timeouts are long (under ${formatMs(a.settings.batchTimeoutMinMs)} is flagged, setting \`ddr.timeouts.batchMin\`).`);
    }
    const op = el as Operation;
    const slowest = op.calls
      .map((c) => ({ to: str(c, 'to'), ms: durationMs(c, 'timeout'), raw: str(c, 'timeout') }))
      .filter((c) => c.ms !== undefined)
      .sort((x, y) => y.ms! - x.ms!)[0];
    if (slowest) {
      lines.push(`Its slowest outbound call: ${code(slowest.to ?? '?')} with ${code(slowest.raw)} (${percentOf(slowest.ms!, ms)} of this timeout).`);
    }
    const callers = a.design.calls.filter((c) => {
      const t = callTarget(a.index, c);
      return t?.kind === 'operation' && t.op === op;
    });
    for (const c of callers) {
      const by = callerOf(c);
      const t = str(c, 'timeout');
      lines.push(`Called by ${code(by?.qualifiedName ?? by?.name ?? '?')}${t ? ` with a call timeout of ${code(t)}` : ' with no call timeout'}.`);
    }
  }
  if (el.kind === 'data' && f.key === 'staleness_bound') {
    for (const it of items(el, 'requirements')) {
      const r = a.index.requirements.get(String(it.value));
      const max = durationMs(r, 'max_staleness');
      if (r && max !== undefined) {
        lines.push(`Requirement ${code(r.name)} accepts at most ${code(str(r, 'max_staleness'))}${ms > max ? ': this bound exceeds it.' : '.'}`);
      }
    }
  }
  if (el.kind === 'requirement' && f.key === 'max_staleness') {
    for (const d of a.design.data) {
      if (items(d, 'requirements').some((i) => String(i.value) === el.name)) {
        const b = str(d, 'staleness_bound');
        lines.push(`Cited by data ${code(d.name ?? '?')}${b ? ` with a staleness bound of ${code(b)}` : ''}.`);
      }
    }
  }
  const spec = f.spec;
  const tail = spec?.seed ? [`> ${spec.seed}`] : [];
  return [head, ...(spec ? [spec.doc] : []), ...lines, ...tail].join('\n\n');
}

// --- retry_on ---------------------------------------------------------------------------

const STATUS_WORDS: Record<string, string> = {
  '400': 'a client error: When NOT to Retry',
  '401': 'a client error: When NOT to Retry',
  '403': 'a client error: When NOT to Retry',
  '404': 'a client error: When NOT to Retry',
  '422': 'a client error: When NOT to Retry',
  '408': 'request timeout: the outcome is unknown (retry only with idempotency)',
  '425': 'too early: retryable',
  '429': 'Rate limit exceeded (429, with backoff)',
  '500': 'an internal server error: retry only if the target is idempotent',
  '502': 'Upstream service failures (502, 504)',
  '503': 'Temporary resource unavailability (503, timeouts)',
  '504': 'Upstream service failures (502, 504)',
};

function retryCodeMarkdown(a: Analysis, retry: Element, value: unknown): string | undefined {
  const v = String(value);
  const lines: string[] = [];
  if (v in RETRY_SYMBOLS) {
    lines.push(RETRY_SYMBOLS[v]);
  } else if (STATUS_WORDS[v]) {
    lines.push(STATUS_WORDS[v]);
  }
  const call = retry.parent?.kind === 'call' ? retry.parent : undefined;
  const t = call ? callTarget(a.index, call) : undefined;
  if (t?.kind === 'operation' && items(child(t.op, 'errors'), 'non_retryable').some((i) => String(i.value) === v)) {
    lines.push(`${code(t.name)} lists ${code(v)} in \`errors.non_retryable\`: its API contract says not to retry it.`);
  }
  return lines.length ? `**${code(`retry_on: ${v}`)}**\n\n${lines.join('\n\n')}` : undefined;
}

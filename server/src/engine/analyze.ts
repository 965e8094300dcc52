// text → parse → model → index → rules → waive → findings. The one entry point every
// surface (CLI, language server, tests) calls.
import { parseYaml, ParsedYaml, isMap, isSeq, isPair } from './yaml/parse';
import { buildDesign, Design, Element, emptyDesign, ModelCache } from './model';
import { ChunkCache } from './yaml/chunks';
import { buildIndex, Index } from './designIndex';
import { RULES, RULES_BY_ID } from './registry';
import { applicabilityOf, defaultSettings, Rule, RuleContext, Settings } from './rule';
import { Applicability, applyEdits, Finding, Fix, FixProposal, Range, Severity } from './types';
import { Editor } from './yaml/edit';
import { collectWaivers, Waivers } from './waivers';
import { moreFindingsFinding, notAnalysedFinding } from './rules/structure/yaml-syntax';

export interface RuleError {
  ruleId: string;
  message: string;
  stack?: string;
}

export interface Analysis {
  text: string;
  parsed: ParsedYaml;
  design: Design;
  index: Index;
  /** Reported findings, sorted by position. */
  findings: Finding[];
  /** Findings a waiver accepted (SARIF lists them with a suppression). */
  waived: Array<Finding & { waiver: { reason: string; range: Range } }>;
  /** Rules that threw: logged by the surfaces; the other rules still reported. */
  ruleErrors: RuleError[];
  settings: Settings;
}

const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((r) => r.id));

export function mergeSettings(partial?: Partial<Settings> | null): Settings {
  if (!partial) {
    return defaultSettings;
  }
  return {
    ...defaultSettings,
    ...partial,
    severity: { ...defaultSettings.severity, ...(partial.severity ?? {}) },
    limits: { ...defaultSettings.limits, ...(partial.limits ?? {}) },
  };
}

function tooLarge(text: string, settings: Settings): Analysis {
  const parsed = parseYaml('');
  const design = buildDesign(parsed);
  design.root = undefined;
  // MB for big files, KB or characters for small limits (a limit of 100 read "0.0 MB"),
  // exact counts when the rounded sizes would look equal.
  const size = (n: number) => (n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} characters`);
  const exact = size(text.length) === size(settings.limits.maxFileSize);
  const have = exact ? `${text.length} characters` : size(text.length);
  const limit = exact || settings.limits.maxFileSize < 1024 ? `${settings.limits.maxFileSize}-character` : size(settings.limits.maxFileSize);
  return {
    text,
    parsed,
    design,
    index: buildIndex(design),
    findings: [notAnalysedFinding(`the file is ${have}, over the ${limit} limit (setting limits.maxFileSize)`, settings)],
    waived: [],
    ruleErrors: [],
    settings,
  };
}

function severityOf(rule: Rule, settings: Settings): Severity | 'off' {
  return settings.severity[rule.id] ?? rule.severity;
}

/** Rules to run, in registry order; tests may pass extra rules (e.g. one that throws). */
export interface AnalyzeOptions {
  extraRules?: Rule[];
}

export function analyze(text: string, partialSettings?: Partial<Settings> | null, options: AnalyzeOptions = {}): Analysis {
  return analyzeText(text, partialSettings, options);
}

/**
 * Analyses a document again and again as it is edited, re-parsing and re-modelling only
 * the top-level list items an edit touched. Its results equal `analyze` of the same text
 * (test/incremental.test.ts holds it to that). Each result invalidates the previous one:
 * reused nodes and elements are moved in place.
 */
export class IncrementalAnalyzer {
  private readonly chunks = new ChunkCache();
  private readonly model = new ModelCache();
  private readonly rules = new RuleCache();
  /** The analysis whose nodes, elements and findings the caches hold in place now. */
  private current?: Analysis;
  /** How the last analysis went: for tests and the benchmark. */
  stats = { incremental: false, parsedChunks: 0, reusedChunks: 0, builtItems: 0, reusedItems: 0, checkedItems: 0, reusedFindings: 0 };

  /** Forgets everything kept: the next analysis is a full one. */
  reset(): void {
    this.current = undefined;
    this.chunks.clear();
    this.model.clear();
    this.rules.replace(new Map());
  }

  analyze(text: string, partialSettings?: Partial<Settings> | null, options: AnalyzeOptions = {}): Analysis {
    const a = this.run(text, partialSettings, options);
    this.current = options.extraRules ? undefined : a;
    if (!options.extraRules) {
      const verify: Verify = (fixed, check) => this.verify(a, fixed, check);
      Object.defineProperty(a, 'verify', { value: verify, enumerable: false });
    }
    this.stats = {
      incremental: this.chunks.lastParsed + this.chunks.lastReused > 0 && a.parsed.problems.length === 0,
      parsedChunks: this.chunks.lastParsed,
      reusedChunks: this.chunks.lastReused,
      builtItems: this.model.built,
      reusedItems: this.model.reused,
      checkedItems: this.rules.checked,
      reusedFindings: this.rules.reused,
    };
    return a;
  }

  private run(text: string, partialSettings: Partial<Settings> | null | undefined, options: AnalyzeOptions): Analysis {
    return analyzeText(text, partialSettings, options, this.chunks, this.model, options.extraRules ? undefined : this.rules);
  }

  /**
   * Checks a fix of `a`: analyses the fixed text with these caches (it differs from
   * `a.text` in one place, so the analysis is incremental), hands it to `check`, then
   * analyses `a.text` again, which moves every reused node, element and finding back to
   * where `a` has it. So a fix is checked in two incremental analyses and no second copy
   * of the caches (a separate verifier held one per open document: 60 MB at 50k lines,
   * and its first check was a full analysis). An analysis that is no longer the current
   * one is checked by a full analysis, which moves nothing.
   */
  private verify<T>(a: Analysis, fixed: string, check: (again: Analysis) => T): T {
    if (this.current !== a) {
      return check(analyze(fixed, a.settings));
    }
    this.current = undefined;
    try {
      return check(this.run(fixed, a.settings, {}));
    } finally {
      try {
        this.run(a.text, a.settings, {});
        this.current = a;
      } catch (e) {
        // Whatever was half moved cannot be trusted: start afresh (as after any failure).
        this.reset();
        throw e;
      }
    }
  }
}

/** Checks a fixed text of an analysis: `check` sees its analysis, which is valid only during the call. */
type Verify = <T>(fixed: string, check: (again: Analysis) => T) => T;

function analyzeText(
  text: string,
  partialSettings: Partial<Settings> | null | undefined,
  options: AnalyzeOptions,
  chunks?: ChunkCache,
  model?: ModelCache,
  ruleCache?: RuleCache,
): Analysis {
  const settings = mergeSettings(partialSettings);
  if (text.length > settings.limits.maxFileSize) {
    chunks?.clear();
    model?.clear();
    return tooLarge(text, settings);
  }
  // Chunks deeper than the limit are left to the full parse, which reports them.
  let parsed = chunks?.parse(text, settings.limits.maxNestingDepth);
  const fromChunks = !!parsed;
  if (!parsed) {
    // Nothing of an earlier full parse is reused: its nodes are new objects.
    model?.clear();
    parsed = parseYaml(text, { maxAliasExpansion: settings.limits.maxAliasExpansion, maxNestingDepth: settings.limits.maxNestingDepth });
  }
  const aliasBomb = parsed.problems.some((p) => p.code === 'ALIAS_BOMB');
  // Text too deep even to compose is reported by the parser (parse.ts, MAX_PARSE_DEPTH).
  const tooDeepToParse = parsed.problems.find((p) => p.code === 'TOO_DEEP')?.range;
  const tooDeep = !aliasBomb && !fromChunks && (tooDeepToParse ?? depthExceeds(parsed, settings.limits.maxNestingDepth));
  if (tooDeep && !tooDeepToParse) {
    parsed.problems.push({ range: tooDeep, code: 'TOO_DEEP', message: `nesting deeper than ${settings.limits.maxNestingDepth} levels (setting limits.maxNestingDepth); the design is not analysed` });
  }
  const design = aliasBomb || tooDeep ? emptyDesign(parsed) : buildDesign(parsed, model);
  const index = buildIndex(design);
  const raw: Finding[] = [];
  const ruleErrors: RuleError[] = [];
  const rules = options.extraRules ? [...RULES, ...options.extraRules] : RULES;
  const ids = options.extraRules ? new Set([...RULE_IDS, ...options.extraRules.map((r) => r.id)]) : RULE_IDS;
  runRules(rules, ids, text, design, index, settings, raw, ruleErrors, ruleCache);
  const tainted = taintedRanges(parsed);
  const kept = tainted.length ? raw.filter((f) => RULES_BY_ID.get(f.ruleId)?.reportsInsideSyntaxErrors || !tainted.overlaps(f.range)) : raw;
  const waivers = collectWaivers(design, (id) => (RULES_BY_ID.get(id) ?? options.extraRules?.find((r) => r.id === id))?.waivable !== false);
  const findings: Finding[] = [];
  const waived: Analysis['waived'] = [];
  for (const f of kept) {
    const w = waivers.match(f, parsed);
    if (w) {
      waived.push({ ...f, waiver: w });
    } else {
      findings.push(f);
    }
  }
  findings.sort(byPosition);
  const max = settings.limits.maxFindings;
  if (findings.length > max) {
    const rest = findings.length - max;
    findings.length = max;
    findings.push(moreFindingsFinding(rest, max));
  }
  return { text, parsed, design, index, findings, waived, ruleErrors, settings };
}

/**
 * The findings of each top-level list item, kept between analyses of one document. An
 * item whose elements were reused (ModelCache) keeps its findings, moved with it, as long
 * as nothing it can read from elsewhere changed: the cross-item facts rules read (names,
 * requirements, the facts of operations) and the settings. An item with a finding whose
 * related information points outside it is always checked again.
 */
export class RuleCache {
  private items = new Map<Element, CachedFindings>();
  private signature: readonly string[] = [];
  checked = 0;
  reused = 0;

  /** @internal */
  begin(signature: readonly string[]): boolean {
    const same = sameStrings(signature, this.signature);
    this.signature = signature;
    if (!same) {
      this.items = new Map();
    }
    this.checked = 0;
    this.reused = 0;
    return same;
  }
  /** @internal */
  get(item: Element): CachedFindings | undefined {
    return this.items.get(item);
  }
  /** @internal */
  replace(next: Map<Element, CachedFindings>): void {
    this.items = next;
  }
}

/** Equal string arrays, element by element (a reused element's signature part is the very same string). */
function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) {
    return false;
  }
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      return false;
    }
  }
  return true;
}

interface CachedFindings {
  start: number;
  path: string;
  findings: Finding[];
}

function ruleKey(rule: Rule, sev: Severity): string {
  return rule.id + ':' + sev;
}

/**
 * Runs every rule: design rules once, element rules on each element. With a RuleCache,
 * the findings of unchanged top-level list items are reused instead of checked again.
 */
function runRules(
  rules: readonly Rule[],
  ids: ReadonlySet<string>,
  text: string,
  design: Design,
  index: Index,
  settings: Settings,
  raw: Finding[],
  ruleErrors: RuleError[],
  cache?: RuleCache,
): void {
  const active: Array<{ rule: Rule; sev: Severity }> = [];
  for (const rule of rules) {
    const sev = severityOf(rule, settings);
    if (sev !== 'off') {
      active.push({ rule, sev });
    }
  }
  const byKind = new Map<string, Array<{ rule: Rule; sev: Severity }>>();
  const designRules: Array<{ rule: Rule; sev: Severity }> = [];
  for (const a of active) {
    if (a.rule.on === 'design') {
      designRules.push(a);
    }
  }
  const forKind = (kind: string) => {
    let list = byKind.get(kind);
    if (!list) {
      list = active.filter((a) => a.rule.on === 'any' || a.rule.on === kind);
      byKind.set(kind, list);
    }
    return list;
  };
  // One finding per rule per place, across every element.
  const seen = new Set<string>();
  const failed = new Set<string>();
  let sink = raw;
  let current: Element | undefined;
  let currentRule: { rule: Rule; sev: Severity } | undefined;
  const ctx: RuleContext = {
    design,
    index,
    settings,
    ruleIds: ids,
    report(r) {
      const { rule, sev } = currentRule!;
      const key = `${rule.id}@${r.range[0]}:${r.range[1]}`;
      if (seen.has(key)) {
        return;
      }
      seen.add(key);
      // Copies: a finding never shares a range array with the model, which moves in place.
      sink.push({
        ruleId: rule.id,
        severity: sev,
        range: [r.range[0], r.range[1]],
        message: r.message,
        path: current?.path ?? '',
        related: r.related?.map((x) => ({ range: [x.range[0], x.range[1]] as Range, message: x.message })),
        data: r.data,
        fixable: !!rule.fix,
      });
    },
  };
  const run = (a: { rule: Rule; sev: Severity }, el: Element): boolean => {
    currentRule = a;
    current = el;
    try {
      a.rule.check(el, ctx);
      return true;
    } catch (e) {
      if (!failed.has(a.rule.id)) {
        failed.add(a.rule.id);
        const err = e as Error;
        ruleErrors.push({ ruleId: a.rule.id, message: err?.message ?? String(e), stack: err?.stack });
      }
      return false;
    }
  };
  for (const a of designRules) {
    if (design.root || a.rule.runsOnUnreadDesign) {
      run(a, design.root ?? placeholderRoot(text));
    }
  }
  const reuse = cache ? cache.begin(signatureOf(design, settings, active)) : false;
  const next = new Map<Element, CachedFindings>();
  const all = design.all;
  for (let i = 0; i < all.length; ) {
    const el = all[i];
    const item = el.parent?.kind === 'design' && el.index !== undefined ? el : undefined;
    if (!item || !cache) {
      for (const a of forKind(el.kind)) {
        run(a, el);
      }
      i++;
      continue;
    }
    // A top-level list item: its subtree is contiguous in `all`.
    let j = i + 1;
    while (j < all.length && isInside(all[j], item)) {
      j++;
    }
    const start = item.range[0];
    const hit = reuse ? cache.get(item) : undefined;
    if (hit) {
      const delta = start - hit.start;
      for (const f of hit.findings) {
        if (delta) {
          f.range = [f.range[0] + delta, f.range[1] + delta];
          if (f.related) {
            f.related = f.related.map((r) => ({ ...r, range: [r.range[0] + delta, r.range[1] + delta] as Range }));
          }
        }
        if (hit.path !== item.path) {
          f.path = item.path + f.path.slice(hit.path.length);
        }
        seen.add(`${f.ruleId}@${f.range[0]}:${f.range[1]}`);
        raw.push(f);
      }
      hit.start = start;
      hit.path = item.path;
      next.set(item, hit);
      cache.reused++;
    } else {
      const own: Finding[] = [];
      sink = own;
      let ok = true;
      for (let k = i; k < j; k++) {
        for (const a of forKind(all[k].kind)) {
          ok = run(a, all[k]) && ok;
        }
      }
      sink = raw;
      raw.push(...own);
      cache.checked++;
      const end = item.range[1];
      const external = own.some((f) => f.related?.some((r) => r.range[0] < start || r.range[1] > end));
      if (ok && !external) {
        next.set(item, { start, path: item.path, findings: own });
      }
    }
    i = j;
  }
  cache?.replace(next);
}

function isInside(el: Element, item: Element): boolean {
  let p = el.parent;
  while (p) {
    if (p === item) {
      return true;
    }
    p = p.parent;
  }
  return false;
}

/**
 * What rules read across top-level items: names, requirements, the facts of operations
 * (their calls aside), and the settings. Equal signatures mean an unchanged item's findings
 * still hold. One part per element, kept with it: an element reused by the ModelCache has
 * the same text, so the same part (a string built and joined for the whole design was a
 * tenth of a keystroke at 50k lines).
 */
function signatureOf(design: Design, settings: Settings, active: Array<{ rule: Rule; sev: Severity }>): string[] {
  const parts: string[] = [JSON.stringify(settings), active.map((a) => ruleKey(a.rule, a.sev)).join(',')];
  const facts = (el: Element | undefined, skip: ReadonlySet<string>): string => {
    if (!el) {
      return '';
    }
    let out = '';
    for (const f of el.fields.values()) {
      if (skip.has(f.key)) {
        continue;
      }
      out += `${f.key}=${f.valid ? '' : '!'}${String(f.value)}`;
      if (f.items) {
        out += '[' + f.items.map((it) => `${it.valid ? '' : '!'}${String(it.value)}`).join(',') + ']';
      }
      if (f.element) {
        out += '{' + facts(f.element, NONE) + '}';
      }
      out += ';';
    }
    return out;
  };
  const part = (el: Element, make: () => string): string => {
    let p = PARTS.get(el);
    if (p === undefined) {
      p = make();
      PARTS.set(el, p);
    }
    return p;
  };
  for (const r of design.requirements) {
    parts.push(part(r, () => 'R' + facts(r, NONE)));
  }
  for (const s of design.services) {
    parts.push(part(s, () => 'S' + (s.name ?? '')));
  }
  // An operation is reused only with its service: the service's name is part of its text.
  for (const op of design.operations) {
    parts.push(part(op, () => 'O' + (op.service?.name ?? '') + '.' + facts(op, OP_SKIP)));
  }
  for (const list of [design.channels, design.data, design.workflows]) {
    for (const e of list) {
      parts.push(part(e, () => 'N' + e.kind + ':' + (e.name ?? '')));
    }
  }
  return parts;
}

const NONE: ReadonlySet<string> = new Set();
const PARTS = new WeakMap<Element, string>();
/**
 * Of an operation, rules read across items only what makes it safe to repeat (type,
 * idempotency, its non-retryable errors) and its name; its timeout, calls and the rest
 * are read by rules of its own item. Editing them must not re-check the whole design.
 */
const OP_READ_ELSEWHERE: ReadonlySet<string> = new Set(['name', 'type', 'idempotency', 'errors']);
const OP_SKIP: ReadonlySet<string> = {
  has: (k: string) => !OP_READ_ELSEWHERE.has(k),
} as ReadonlySet<string>;

export function byPosition(a: Finding, b: Finding): number {
  return a.range[0] - b.range[0] || a.range[1] - b.range[1] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function overlaps(a: Range, b: Range): boolean {
  return b[0] < a[1] && a[0] < b[1] || (b[0] === b[1] && b[0] >= a[0] && b[0] < a[1]);
}

function placeholderRoot(text: string): Element {
  return { kind: 'design', path: '', waiverPath: '', range: [0, text.length], anchor: [0, 0], fields: new Map(), node: null, problems: [] };
}

/**
 * The innermost collection item around each YAML error: what the parser recovered there is
 * a guess, so no rule but the one that reports the error (`reportsInsideSyntaxErrors`) reports inside it (rules.md, "How rules read imperfect input").
 * One walk for all errors (sorted by offset), so that thousands of errors in a wide mapping
 * cost no more than the walk (a walk per error took 10 s for 20,000 duplicate keys).
 */
function taintedRanges(parsed: ParsedYaml): Tainted {
  const errors = parsed.problems;
  if (!errors.length) {
    return new Tainted([]);
  }
  const ats = errors.map((e) => e.range[0]);
  const best: Array<Range | undefined> = errors.map(() => undefined);
  const byOffset = ats.map((_, i) => i).sort((a, b) => ats[a] - ats[b]);
  // `idx`: the errors inside `node`, sorted by offset. Items stand in text order, so one
  // pointer finds the errors of each item.
  const visit = (node: unknown, depth: number, idx: number[]): void => {
    if (depth > 300 || !idx.length) {
      return;
    }
    let lo = 0;
    const within = (start: number, end: number): number[] => {
      while (lo < idx.length && ats[idx[lo]] < start) {
        lo++;
      }
      let hi = lo;
      while (hi < idx.length && ats[idx[hi]] <= end) {
        hi++;
      }
      return idx.slice(lo, hi);
    };
    if (isSeq(node)) {
      for (const it of node.items) {
        const r = (it as { range?: [number, number, number] } | null)?.range;
        const inside = r ? within(r[0], r[2]) : [];
        if (inside.length) {
          for (const i of inside) {
            best[i] = [r![0], r![2]];
          }
          visit(it, depth + 1, inside);
        }
      }
    } else if (isMap(node)) {
      for (const p of node.items) {
        if (!isPair(p)) {
          continue;
        }
        const kr = (p.key as { range?: [number, number, number] } | null)?.range;
        const vr = (p.value as { range?: [number, number, number] } | null)?.range;
        const start = kr?.[0] ?? vr?.[0];
        const end = vr?.[2] ?? kr?.[2];
        const inside = start !== undefined && end !== undefined ? within(start, end) : [];
        if (inside.length) {
          if (depth === 0) {
            // A top-level key with an error and no list item around it: the pair itself.
            for (const i of inside) {
              best[i] ??= [start!, end!];
            }
          }
          visit(p.value, depth + 1, inside);
        }
      }
    }
  };
  visit(parsed.doc.contents, 0, byOffset);
  return new Tainted(errors.map((e, i) => best[i] ?? [e.range[0], Math.max(e.range[1], e.range[0] + 1)]));
}

/** Tainted ranges, merged and sorted, so that each finding is checked in logarithmic time. */
class Tainted {
  private readonly spans: Range[] = [];
  constructor(ranges: Range[]) {
    for (const r of [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1])) {
      const last = this.spans[this.spans.length - 1];
      if (last && last[0] <= r[0] && r[1] <= last[1]) {
        continue; // inside the last span: whatever overlaps it overlaps the last span too
      }
      if (last && r[0] <= last[1] && r[0] < r[1] && last[0] < last[1]) {
        last[1] = r[1];
      } else {
        this.spans.push([r[0], r[1]]);
      }
    }
  }
  get length(): number {
    return this.spans.length;
  }
  /** The last span starting at or before `offset`. */
  private lastFrom(offset: number): Range | undefined {
    let lo = 0;
    let hi = this.spans.length - 1;
    let found: Range | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[mid][0] <= offset) {
        found = this.spans[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
  overlaps(r: Range): boolean {
    // Spans are disjoint and sorted, so their ends grow too: only the last span starting
    // before the finding's end (or at its start) can reach into it.
    const a = this.lastFrom(r[0]);
    const b = this.lastFrom(Math.max(r[0], r[1] - 1));
    return (!!a && overlaps(a, r)) || (!!b && overlaps(b, r));
  }
}

function depthExceeds(parsed: ParsedYaml, max: number): Range | undefined {
  let found: Range | undefined;
  const stack: Array<[unknown, number]> = [[parsed.doc.contents, 0]];
  while (stack.length && !found) {
    const [n, d] = stack.pop()!;
    if (isMap(n) || isSeq(n)) {
      if (d > max) {
        const r = (n as { range?: [number, number, number] }).range ?? [0, 0, 0];
        found = [r[0], r[0] + 1];
        break;
      }
      for (const it of (n as { items: unknown[] }).items) {
        if (isPair(it)) {
          stack.push([it.value, d + 1]);
        } else {
          stack.push([it, d + 1]);
        }
      }
    }
  }
  return found;
}

// --- fixes ---------------------------------------------------------------------------

/** Comment texts of a document, to check that a fix kept every one. */
function commentTexts(parsed: ParsedYaml): string[] {
  return parsed.comments.map((c) => c.text).sort();
}


function findingKey(f: Finding): string {
  return `${f.ruleId}@${f.path}`;
}

/**
 * The quick fixes of one finding, each verified: applied and re-analysed, the finding is
 * gone, no new structure finding appeared, every comment is still there. A fix that fails
 * any of these is declined rather than offered.
 */
export function fixesFor(analysis: Analysis, finding: Finding): Fix[] {
  const rule = RULES_BY_ID.get(finding.ruleId);
  if (!rule?.fix) {
    return [];
  }
  const fixCtx = { text: analysis.text, design: analysis.design, index: analysis.index, edit: new Editor(analysis.text), settings: analysis.settings };
  let proposals: FixProposal[] | undefined;
  let applicability: Applicability;
  try {
    proposals = rule.fix(fixCtx, finding);
    applicability = proposals?.length ? applicabilityOf(rule, fixCtx, finding) : 'suggestion';
  } catch {
    return [];
  }
  if (!proposals?.length) {
    return [];
  }
  const before = commentTexts(analysis.parsed);
  const isStructure = (f: Finding) => RULES_BY_ID.get(f.ruleId)?.area === 'structure';
  const beforeStructure = new Set(analysis.findings.filter(isStructure).map((f) => `${f.ruleId}:${f.message}`));
  const out: Fix[] = [];
  // The recommended choice first: a suggestion is never preferred, so editors and the
  // fixture runner take the first.
  for (const proposal of [...proposals].sort((x, y) => Number(!!y.preferred) - Number(!!x.preferred))) {
    const fix = asFix(proposal, applicability);
    let after: string;
    try {
      after = applyEdits(analysis.text, fix.edits);
    } catch {
      continue;
    }
    if (after === analysis.text) {
      continue;
    }
    const accept = (again: Analysis): boolean =>
      again.parsed.problems.length <= analysis.parsed.problems.length &&
      sameStrings(before, commentTexts(again.parsed)) &&
      // The finding is gone…
      !again.findings.some((f) => f.ruleId === finding.ruleId && f.path === finding.path && f.message === finding.message) &&
      // …and no structure finding came.
      !again.findings.some((f) => isStructure(f) && !beforeStructure.has(`${f.ruleId}:${f.message}`));
    // An incremental analysis, where the analysis came from one: the same result, faster.
    const verify = (analysis as { verify?: Verify }).verify;
    if (verify ? verify(after, accept) : accept(analyze(after, analysis.settings))) {
      out.push(fix);
    }
  }
  return out;
}

/** What a suggestion's title adds: it names a decision, which only the author can make. */
export const SUGGESTION_TITLE_SUFFIX = ' (changes the design)';

/** A rule's proposal as the surfaces see it: a suggestion is never preferred, and its title says it decides. */
function asFix(p: FixProposal, applicability: Applicability): Fix {
  if (applicability === 'safe') {
    return { title: p.title, edits: p.edits, ...(p.preferred ? { preferred: true } : {}), applicability };
  }
  return { title: p.title + SUGGESTION_TITLE_SUFFIX, edits: p.edits, applicability };
}

export interface FixAllResult {
  text: string;
  applied: Array<{ ruleId: string; title: string }>;
  analysis: Analysis;
}

/**
 * Applies every safe fix (never a suggestion), one at a time, re-analysing between them (as ESLint does), so
 * that fixes that touch neighbouring text never overlap. Stops when nothing changes.
 */
export function fixAll(text: string, settings?: Partial<Settings> | null, maxPasses = 1000): FixAllResult {
  const steps = fixAllSteps(text, settings, maxPasses);
  for (;;) {
    const r = steps.next();
    if (r.done) {
      return r.value;
    }
  }
}

/**
 * `fixAll` one step at a time: it yields after each fix it verifies (a re-analysis), so
 * that a caller with an event loop (the language server) can let other work run between
 * steps and stop when the request is cancelled.
 */
export function* fixAllSteps(text: string, settings?: Partial<Settings> | null, maxPasses = 1000): Generator<void, FixAllResult> {
  // Each fix changes one place: every re-analysis, and every fix's check, is incremental.
  const incremental = new IncrementalAnalyzer();
  let analysis = incremental.analyze(text, settings);
  const applied: FixAllResult['applied'] = [];
  const declined = new Set<string>();
  let appliedSinceDeclined = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    let changed = false;
    for (const f of analysis.findings) {
      if (!f.fixable || declined.has(findingKey(f) + f.message)) {
        continue;
      }
      const fixes = fixesFor(analysis, f).filter((x) => x.applicability === 'safe');
      yield;
      const chosen = fixes.length === 1 ? fixes[0] : fixes.find((x) => x.preferred);
      if (!chosen) {
        declined.add(findingKey(f) + f.message);
        continue;
      }
      analysis = incremental.analyze(applyEdits(analysis.text, chosen.edits), settings);
      applied.push({ ruleId: f.ruleId, title: chosen.title });
      appliedSinceDeclined++;
      changed = true;
      break;
    }
    if (!changed) {
      // A fix declined earlier may apply now that later fixes changed the text (renaming
      // `reaso` to `reason` lets the rename of `rul` to `rule` pass): retry them once
      // more, so that a second run never finds more to fix.
      if (!appliedSinceDeclined || !declined.size) {
        break;
      }
      declined.clear();
      appliedSinceDeclined = 0;
    }
  }
  return { text: analysis.text, applied, analysis };
}

export type { Waivers };

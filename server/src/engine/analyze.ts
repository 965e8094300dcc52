// text → parse → model → index → rules → waive → findings. The one entry point every
// surface (CLI, language server, tests) calls.
import { parseYaml, ParsedYaml, isMap, isSeq, isPair } from './yaml/parse';
import { buildDesign, Design, Element, ModelCache } from './model';
import { ChunkCache } from './yaml/chunks';
import { buildIndex, Index } from './designIndex';
import { RULES, RULES_BY_ID } from './registry';
import { defaultSettings, Rule, RuleContext, Settings } from './rule';
import { applyEdits, Finding, Fix, Range, Severity } from './types';
import { Editor } from './yaml/edit';
import { collectWaivers, Waivers } from './waivers';

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
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  return {
    text,
    parsed,
    design,
    index: buildIndex(design),
    findings: [
      {
        ruleId: 'DSN001',
        severity: severityOf(RULES_BY_ID.get('DSN001')!, settings) as Severity,
        range: [0, 0],
        message: `not analysed: the file is ${mb(text.length)} MB, over the ${mb(settings.limits.maxFileSize)} MB limit (setting limits.maxFileSize)`,
        path: '',
      },
    ],
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
  /** How the last analysis went: for tests and the benchmark. */
  stats = { incremental: false, parsedChunks: 0, reusedChunks: 0, builtItems: 0, reusedItems: 0 };

  analyze(text: string, partialSettings?: Partial<Settings> | null, options: AnalyzeOptions = {}): Analysis {
    const a = analyzeText(text, partialSettings, options, this.chunks, this.model);
    this.stats = {
      incremental: this.chunks.lastParsed + this.chunks.lastReused > 0 && a.parsed.problems.length === 0,
      parsedChunks: this.chunks.lastParsed,
      reusedChunks: this.chunks.lastReused,
      builtItems: this.model.built,
      reusedItems: this.model.reused,
    };
    return a;
  }
}

function analyzeText(
  text: string,
  partialSettings: Partial<Settings> | null | undefined,
  options: AnalyzeOptions,
  chunks?: ChunkCache,
  model?: ModelCache,
): Analysis {
  const settings = mergeSettings(partialSettings);
  if (text.length > settings.limits.maxFileSize) {
    chunks?.clear();
    model?.clear();
    return tooLarge(text, settings);
  }
  let parsed = chunks?.parse(text);
  if (!parsed) {
    // Nothing of an earlier full parse is reused: its nodes are new objects.
    model?.clear();
    parsed = parseYaml(text, { maxAliasExpansion: settings.limits.maxAliasExpansion });
  }
  const aliasBomb = parsed.problems.some((p) => p.code === 'ALIAS_BOMB');
  const tooDeep = !aliasBomb && depthExceeds(parsed, settings.limits.maxNestingDepth);
  if (tooDeep) {
    parsed.problems.push({ range: tooDeep, code: 'TOO_DEEP', message: `nesting deeper than ${settings.limits.maxNestingDepth} levels (setting limits.maxNestingDepth); the design is not analysed` });
  }
  const design = aliasBomb || tooDeep ? emptyDesign(parsed) : buildDesign(parsed, model);
  const index = buildIndex(design);
  const raw: Finding[] = [];
  const ruleErrors: RuleError[] = [];
  const rules = options.extraRules ? [...RULES, ...options.extraRules] : RULES;
  const ids = options.extraRules ? new Set([...RULE_IDS, ...options.extraRules.map((r) => r.id)]) : RULE_IDS;
  for (const rule of rules) {
    const sev = severityOf(rule, settings);
    if (sev === 'off') {
      continue;
    }
    const seen = new Set<string>();
    let current: Element | undefined;
    const ctx: RuleContext = {
      design,
      index,
      settings,
      ruleIds: ids,
      report(r) {
        const key = `${r.range[0]}:${r.range[1]}`;
        if (seen.has(key)) {
          return;
        }
        seen.add(key);
        raw.push({
          ruleId: rule.id,
          severity: sev,
          range: r.range,
          message: r.message,
          path: current?.path ?? '',
          related: r.related,
          data: r.data,
          fixable: !!rule.fix,
        });
      },
    };
    try {
      if (rule.on === 'design') {
        if (design.root || rule.id === 'DSN001' || rule.id === 'DSN003') {
          current = design.root;
          rule.check(design.root ?? placeholderRoot(text), ctx);
        }
      } else {
        for (const el of design.all) {
          if (rule.on === 'any' || el.kind === rule.on) {
            current = el;
            rule.check(el, ctx);
          }
        }
      }
    } catch (e) {
      const err = e as Error;
      ruleErrors.push({ ruleId: rule.id, message: err?.message ?? String(e), stack: err?.stack });
    }
  }
  const tainted = taintedRanges(parsed);
  const kept = raw.filter((f) => f.ruleId === 'DSN001' || !tainted.some((t) => overlaps(t, f.range)));
  const waivers = collectWaivers(design, ids);
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
    findings.push({
      ruleId: 'DSN001',
      severity: 'info',
      range: [0, 0],
      message: `${rest} more findings are not shown (setting limits.maxFindings is ${max})`,
      path: '',
    });
  }
  return { text, parsed, design, index, findings, waived, ruleErrors, settings };
}

export function byPosition(a: Finding, b: Finding): number {
  return a.range[0] - b.range[0] || a.range[1] - b.range[1] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function overlaps(a: Range, b: Range): boolean {
  return b[0] < a[1] && a[0] < b[1] || (b[0] === b[1] && b[0] >= a[0] && b[0] < a[1]);
}

function emptyDesign(parsed: ParsedYaml): Design {
  return {
    parsed,
    requirements: [],
    services: [],
    operations: [],
    calls: [],
    channels: [],
    consumers: [],
    data: [],
    workflows: [],
    steps: [],
    scenarios: [],
    waivers: [],
    all: [],
    rootProblems: [],
  };
}

function placeholderRoot(text: string): Element {
  return { kind: 'design', path: '', waiverPath: '', range: [0, text.length], anchor: [0, 0], fields: new Map(), node: null, problems: [] };
}

/**
 * The innermost collection item around each YAML error: what the parser recovered there is
 * a guess, so no rule but DSN001 reports inside it (rules.md, "How rules read imperfect input").
 */
function taintedRanges(parsed: ParsedYaml): Range[] {
  const errors = parsed.problems.filter((p) => p.code !== 'DUPLICATE_KEY' || true);
  if (!errors.length) {
    return [];
  }
  const out: Range[] = [];
  for (const e of errors) {
    const at = e.range[0];
    let best: Range | undefined;
    const visit = (node: unknown, depth: number): void => {
      if (depth > 300) {
        return;
      }
      if (isSeq(node)) {
        for (const it of node.items) {
          const r = (it as { range?: [number, number, number] } | null)?.range;
          if (r && at >= r[0] && at <= r[2]) {
            best = [r[0], r[2]];
            visit(it, depth + 1);
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
          if (start !== undefined && end !== undefined && at >= start && at <= end) {
            if (depth === 0 && !best) {
              // A top-level key with an error and no list item around it: the pair itself.
              best = [start, end];
            }
            visit(p.value, depth + 1);
          }
        }
      }
    };
    visit(parsed.doc.contents, 0);
    out.push(best ?? [e.range[0], Math.max(e.range[1], e.range[0] + 1)]);
  }
  return out;
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

function sameMultiset(a: string[], b: string[]): boolean {
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
  let proposals: Fix[] | undefined;
  try {
    proposals = rule.fix(
      { text: analysis.text, design: analysis.design, index: analysis.index, edit: new Editor(analysis.text), settings: analysis.settings },
      finding,
    );
  } catch {
    return [];
  }
  if (!proposals?.length) {
    return [];
  }
  const before = commentTexts(analysis.parsed);
  const beforeDsn = new Set(analysis.findings.filter((f) => f.ruleId.startsWith('DSN')).map((f) => `${f.ruleId}:${f.message}`));
  const out: Fix[] = [];
  for (const fix of proposals) {
    let after: string;
    try {
      after = applyEdits(analysis.text, fix.edits);
    } catch {
      continue;
    }
    if (after === analysis.text) {
      continue;
    }
    const again = analyze(after, analysis.settings);
    if (again.parsed.problems.length > analysis.parsed.problems.length) {
      continue;
    }
    if (!sameMultiset(before, commentTexts(again.parsed))) {
      continue;
    }
    const stillThere = again.findings.some(
      (f) => f.ruleId === finding.ruleId && f.path === finding.path && f.message === finding.message,
    );
    if (stillThere) {
      continue;
    }
    const newDsn = again.findings.some((f) => f.ruleId.startsWith('DSN') && !beforeDsn.has(`${f.ruleId}:${f.message}`));
    if (newDsn) {
      continue;
    }
    out.push(fix);
  }
  return out;
}

export interface FixAllResult {
  text: string;
  applied: Array<{ ruleId: string; title: string }>;
  analysis: Analysis;
}

/**
 * Applies every safe fix, one at a time, re-analysing between them (as ESLint does), so
 * that fixes that touch neighbouring text never overlap. Stops when nothing changes.
 */
export function fixAll(text: string, settings?: Partial<Settings> | null, maxPasses = 50): FixAllResult {
  let analysis = analyze(text, settings);
  const applied: FixAllResult['applied'] = [];
  const declined = new Set<string>();
  for (let pass = 0; pass < maxPasses; pass++) {
    let changed = false;
    for (const f of analysis.findings) {
      if (!f.fixable || declined.has(findingKey(f) + f.message)) {
        continue;
      }
      const fixes = fixesFor(analysis, f).filter((x) => x.safe !== false);
      const chosen = fixes.length === 1 ? fixes[0] : fixes.find((x) => x.preferred);
      if (!chosen) {
        declined.add(findingKey(f) + f.message);
        continue;
      }
      analysis = analyze(applyEdits(analysis.text, chosen.edits), settings);
      applied.push({ ruleId: f.ruleId, title: chosen.title });
      changed = true;
      break;
    }
    if (!changed) {
      break;
    }
  }
  return { text: analysis.text, applied, analysis };
}

export type { Waivers };

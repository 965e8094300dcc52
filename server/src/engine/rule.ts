// What a rule is. Each rule is declared once with `defineRule` and listed in registry.ts;
// diagnostics, hovers, quick fixes, docs, the checklist and the CLI all read that one list.
import type { Design, Element } from './model';
import type { Index } from './designIndex';
import type { Applicability, Area, Finding, FixProposal, Range, Related, Severity } from './types';
import type { Editor } from './yaml/edit';

export interface Settings {
  /** Per-rule severity override, or `off`. */
  severity: Record<string, Severity | 'off'>;
  /** TMO005: an interactive operation's timeout above this is unfit (ms). */
  interactiveTimeoutMaxMs: number;
  /** TMO005: a batch operation's timeout below this is unfit (ms). */
  batchTimeoutMinMs: number;
  limits: Limits;
}

export interface Limits {
  /** Files larger than this (in UTF-16 code units) are not analysed: one DSN001 says so. */
  maxFileSize: number;
  /** Nodes an alias-expanded walk may visit (alias bombs). */
  maxAliasExpansion: number;
  /** Findings per file; the rest are summarised in one finding. */
  maxFindings: number;
  /** Nesting depth of collections; deeper documents are not analysed. */
  maxNestingDepth: number;
}

export const defaultSettings: Settings = {
  severity: {},
  interactiveTimeoutMaxMs: 10_000,
  batchTimeoutMinMs: 1_000,
  limits: { maxFileSize: 4 * 1024 * 1024, maxAliasExpansion: 10_000, maxFindings: 2_000, maxNestingDepth: 200 },
};

export interface Report {
  range: Range;
  message: string;
  related?: Related[];
  data?: Record<string, unknown>;
}

export interface RuleContext {
  design: Design;
  index: Index;
  settings: Settings;
  /** Every rule id of the registry (waivers name them). */
  ruleIds: ReadonlySet<string>;
  report(r: Report): void;
}

export interface FixContext {
  text: string;
  design: Design;
  index: Index;
  /** Builds minimal text edits at node ranges, keeping comments and layout. */
  edit: Editor;
  settings: Settings;
}

export interface RuleDocs {
  /** One sentence: what the rule finds. */
  summary: string;
  /** Why it matters, in the knowledge contract's words. */
  why: string;
  example: { bad: string; good: string };
  /** What the fix changes, and when it declines. */
  fix: string;
}

/** Which elements a rule visits: one kind, every element (`any`), or the design once. */
export type RuleTarget = Element['kind'] | 'any';

/**
 * Diagnostic tags, by the engine's names (the language server maps them to LSP's):
 * `unnecessary` marks text that has no effect, which editors show faded.
 */
export type FindingTag = 'unnecessary';

/** A fix's applicability, fixed for the rule or decided per finding (rules.md's "safe if …"). */
export type FixApplicability = Applicability | ((ctx: FixContext, finding: Finding) => Applicability);

interface RuleFacts {
  id: string;
  name: string;
  area: Area;
  severity: Severity;
  /**
   * The sentence of the knowledge contract (distributed-system-basics) the rule encodes,
   * verbatim, and the section it stands in (`Heading › Sub-heading › Lead-in line`).
   */
  contract: { quote: string; section: string };
  docs: RuleDocs;
  /**
   * Whether a `review.waivers` entry or a `# review-ignore` comment can waive its findings.
   * A waiver of a rule that is not waivable waives nothing, and no editor offers one.
   */
  waivable: boolean;
  /** Diagnostic tags of every finding of the rule. None when absent. */
  tags?: readonly FindingTag[];
  /**
   * Runs (as a design rule) even when the text is no design: unreadable, or not a mapping
   * at the top. Every other rule needs a design to read.
   */
  runsOnUnreadDesign?: boolean;
  /**
   * Reports inside the list item around a YAML error, where other rules' findings are
   * dropped (what the parser recovered there is a guess): the rule that reports the error.
   */
  reportsInsideSyntaxErrors?: boolean;
  on: RuleTarget;
  check(el: Element, ctx: RuleContext): void;
}

interface WithFix {
  /**
   * Quick fixes for one finding: minimal text edits. Return [] or undefined to decline
   * (never lose a comment). Fixes are re-checked by the engine before they are offered.
   */
  fix(ctx: FixContext, finding: Finding): FixProposal[] | undefined;
  /**
   * Required with `fix`, never defaulted (rules.md, "Fix classes"): `safe` fixes keep the
   * design's meaning and are applied by `ddr lint --fix` and "Fix all"; `suggestion`s
   * change a decision and are only offered in the editor. A function decides per finding
   * (a "safe if …" condition), evaluated on the design before the fix.
   */
  fixApplicability: FixApplicability;
}

interface WithoutFix {
  fix?: undefined;
  fixApplicability?: undefined;
}

export type Rule = RuleFacts & (WithFix | WithoutFix);

export function defineRule(rule: Rule): Rule {
  return rule;
}

/** The applicability of a rule's fixes for one finding. */
export function applicabilityOf(rule: Rule, ctx: FixContext, finding: Finding): Applicability {
  const a = rule.fixApplicability;
  return typeof a === 'function' ? a(ctx, finding) : a ?? 'suggestion';
}

/** The knowledge contract every rule quotes, and how a page or a hover credits a quote. */
export const CONTRACT_NAME = 'distributed-system-basics';
export const CONTRACT_CREDIT = `the knowledge contract (${CONTRACT_NAME})`;

export const DOCS_BASE_URL = 'https://github.com/distributed-design-review/ddr/blob/main/docs/rules/';

export function docsUrl(rule: Pick<Rule, 'id'>): string {
  return `${DOCS_BASE_URL}${rule.id}.md`;
}

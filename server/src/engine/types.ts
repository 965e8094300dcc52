// Types shared by every layer of the engine. No editor, LSP or `yaml` types here: the
// engine's output is plain data that the CLI and the language server turn into what
// their users see.

/** Offsets into the document text, [start, end), in UTF-16 code units. */
export type Range = [number, number];

export type Severity = 'error' | 'warning' | 'info';

/** Concern areas, in the order the checklist shows them (rules.md). */
export const AREAS = [
  'delivery',
  'retries',
  'duplicates',
  'timeouts',
  'partial-failure',
  'consistency',
  'ordering',
  'structure',
] as const;
export type Area = (typeof AREAS)[number];

export const AREA_TITLES: Record<Area, string> = {
  delivery: 'Delivery guarantees',
  retries: 'Retries',
  duplicates: 'Duplicates and idempotency',
  timeouts: 'Timeouts',
  'partial-failure': 'Partial failure',
  consistency: 'Consistency',
  ordering: 'Ordering',
  structure: 'Structure',
};

export interface Related {
  range: Range;
  message: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  range: Range;
  message: string;
  /** Path of the element the finding is about, e.g. `services[payments].operations[charge].calls[0]`. */
  path: string;
  related?: Related[];
  /** Free data a rule passes to its own fix. */
  data?: Record<string, unknown>;
  /** True when the rule offers at least one quick fix for this finding. */
  fixable?: boolean;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/**
 * Whether a fix keeps the design's meaning (rules.md, "Fix classes"):
 * - `safe`: the same attempts, caps, contracts and decisions. `ddr lint --fix`, the source
 *   action "Fix all" and fix-on-save apply only these.
 * - `suggestion`: changes a decision or asserts a fact the author must confirm. Offered
 *   only as an editor code action, never preferred, never applied in bulk; its title says
 *   so.
 */
export type Applicability = 'safe' | 'suggestion';

/** What a rule's `fix` proposes: the engine adds the applicability its rule declares. */
export interface FixProposal {
  /** Imperative, like Ruff's fix_title: "Add `outbox: true`". */
  title: string;
  edits: TextEdit[];
  /**
   * The recommended choice among a finding's fixes: listed first, and, for a safe fix,
   * the one editors may apply with a single keystroke (never for a suggestion).
   */
  preferred?: boolean;
}

/** A verified fix, as the surfaces see it. */
export interface Fix extends FixProposal {
  applicability: Applicability;
}

export interface Position {
  /** Zero-based. */
  line: number;
  /** Zero-based, UTF-16 code units. */
  character: number;
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.range[0] - a.range[0] || b.range[1] - a.range[1]);
  let out = text;
  let lastStart = Infinity;
  for (const e of sorted) {
    if (e.range[1] > lastStart) {
      throw new Error('overlapping edits');
    }
    out = out.slice(0, e.range[0]) + e.newText + out.slice(e.range[1]);
    lastStart = e.range[0];
  }
  return out;
}

// The client's side of the contract with the language server (server/src/lsp): the
// custom request and notification of the review checklist, and the server commands.
// Plain types only, so that the tree, the status bar and the tests share them.

export const CHECKLIST_REQUEST = 'ddr/checklist';
export const CHECKLIST_CHANGED = 'ddr/checklistChanged';
export const FIX_ALL_COMMAND = 'ddr.fixAll';
export const SET_CHECKLIST_STATE_COMMAND = 'ddr.setChecklistState';

export type ChecklistState = 'open' | 'done' | 'accepted-risk';
export type FindingSeverity = 'error' | 'warning' | 'info';

export interface LspPosition {
  line: number;
  character: number;
}

export interface LspRange {
  start: LspPosition;
  end: LspPosition;
}

export interface ChecklistFinding {
  ruleId: string;
  severity: FindingSeverity;
  message: string;
  range: LspRange;
}

export interface ChecklistArea {
  area: string;
  title: string;
  state: ChecklistState;
  counts: { error: number; warning: number; info: number };
  findings: ChecklistFinding[];
}

export interface ChecklistDesign {
  uri: string;
  name: string;
  /** `review.status`: draft, in-review, approved (absent when the design has none). */
  status?: string;
  areas: ChecklistArea[];
}

export interface ChecklistParams {
  uri?: string;
}

export interface ChecklistResult {
  designs: ChecklistDesign[];
}

export interface SetChecklistStateParams {
  uri: string;
  area: string;
  state: ChecklistState;
  reason?: string;
}

/** Sum of the counts of a design's areas. */
export function totals(design: ChecklistDesign): { error: number; warning: number; info: number } {
  const t = { error: 0, warning: 0, info: 0 };
  for (const a of design.areas) {
    t.error += a.counts.error;
    t.warning += a.counts.warning;
    t.info += a.counts.info;
  }
  return t;
}

/** "1 error, 2 warnings, 0 info". */
export function countsText(c: { error: number; warning: number; info: number }): string {
  return `${c.error} ${c.error === 1 ? 'error' : 'errors'}, ${c.warning} ${c.warning === 1 ? 'warning' : 'warnings'}, ${c.info} info`;
}

/** Only the non-zero counts: "2 errors, 1 warning"; nothing when there are no findings. */
export function findingsCounts(c: { error: number; warning: number; info: number }): string {
  const parts: string[] = [];
  if (c.error) {
    parts.push(`${c.error} ${c.error === 1 ? 'error' : 'errors'}`);
  }
  if (c.warning) {
    parts.push(`${c.warning} ${c.warning === 1 ? 'warning' : 'warnings'}`);
  }
  if (c.info) {
    parts.push(`${c.info} info`);
  }
  return parts.join(', ');
}

// Code actions, after vscode-eslint: for each finding its quick fixes (preferred where
// there is one right answer), "Waive RULE here with a reason", "Show documentation for
// RULE"; and the source action "Fix all auto-fixable findings". Every edit is a versioned
// TextDocumentEdit, so that a client refuses an edit computed on an older version.
import {
  CancellationToken,
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  Command,
  Diagnostic,
  LSPErrorCodes,
  OptionalVersionedTextDocumentIdentifier,
  ResponseError,
  TextEdit as LspTextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { Analysis, fixAll, fixAllSteps, fixesFor } from '../engine/analyze';
import { LineMap } from '../engine/positions';
import { RULES_BY_ID } from '../engine/registry';
import { formatWaiverComment } from '../engine/waiverComment';
import type { Finding, Fix, TextEdit } from '../engine/types';
import { DiagnosticData, lineMapOf, SOURCE, toLspRange } from './diagnostics';
import { analysedFully, Documents } from './documents';

export const COMMANDS = {
  fixAll: 'ddr.fixAll',
  setChecklistState: 'ddr.setChecklistState',
  /** Places the cursor (window/showDocument with a selection): after a waiver's colon. */
  revealPosition: 'ddr.server.revealPosition',
  showDocumentation: 'ddr.server.showDocumentation',
} as const;

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.ddr`;
export const FIX_ALL_TITLE = 'Fix all auto-fixable findings';

export interface ClientFeatures {
  documentChanges: boolean;
  resolveEdit: boolean;
}

/** One edit replacing the changed middle of a text: the smallest single edit from `before` to `after`. */
export function diffEdit(before: string, after: string): TextEdit {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) {
    start++;
  }
  let endB = before.length;
  let endA = after.length;
  while (endB > start && endA > start && before.charCodeAt(endB - 1) === after.charCodeAt(endA - 1)) {
    endB--;
    endA--;
  }
  return { range: [start, endB], newText: after.slice(start, endA) };
}

export function workspaceEdit(uri: string, version: number | null, edits: LspTextEdit[], documentChanges: boolean): WorkspaceEdit {
  const textDocument: OptionalVersionedTextDocumentIdentifier = { uri, version };
  return documentChanges ? { documentChanges: [{ textDocument, edits }] } : { changes: { [uri]: edits } };
}

function toLspEdits(map: LineMap, edits: TextEdit[]): LspTextEdit[] {
  return edits.map((e) => ({ range: toLspRange(map, e.range), newText: e.newText }));
}

/** The finding a diagnostic shows, in the current analysis; none when the diagnostic is from another version. */
function findingOf(a: Analysis, map: LineMap, version: number, d: Diagnostic): Finding | undefined {
  if (d.source !== SOURCE) {
    return undefined;
  }
  const data = d.data as Partial<DiagnosticData> | undefined;
  if (data && typeof data.version === 'number' && data.version !== version) {
    return undefined;
  }
  const start = map.offset(d.range.start);
  const end = map.offset(d.range.end);
  const id = typeof d.code === 'string' ? d.code : data?.ruleId;
  return a.findings.find((f) => f.ruleId === id && f.range[0] === start && f.range[1] === end && f.message === d.message);
}

/**
 * Verified fixes per analysis: each one costs a re-analysis, and editors ask for the code
 * actions at the cursor again on every move. Dropped with the analysis.
 */
const fixCache = new WeakMap<Analysis, Map<string, Fix[]>>();

function cachedFixes(a: Analysis, f: Finding): Fix[] {
  let m = fixCache.get(a);
  if (!m) {
    m = new Map();
    fixCache.set(a, m);
  }
  const key = `${f.ruleId}:${f.range[0]}:${f.range[1]}:${f.message}`;
  let fixes = m.get(key);
  if (!fixes) {
    fixes = fixesFor(a, f);
    m.set(key, fixes);
  }
  return fixes;
}

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
}

/** "Waive RULE here": a `# review-ignore RULE: ` line above the finding's line, with its indentation. */
export function waiverEdit(text: string, map: LineMap, f: Finding): { edit: TextEdit; cursor: { line: number; character: number } } {
  const line = map.position(f.range[0]).line;
  const start = map.lineStarts[line];
  const indent = /^[ \t]*/.exec(text.slice(start, start + 200))![0];
  const eol = /\r\n/.test(text.slice(0, 10_000)) ? '\r\n' : '\n';
  const comment = formatWaiverComment([f.ruleId]);
  return { edit: { range: [start, start], newText: indent + comment + eol }, cursor: { line, character: indent.length + comment.length } };
}

export function onCodeAction(documents: Documents, params: CodeActionParams, features: ClientFeatures, token?: CancellationToken): CodeAction[] | Promise<CodeAction[]> {
  const uri = params.textDocument.uri;
  const cur = documents.analysisOf(uri);
  if (!cur || !analysedFully(cur.analysis)) {
    return [];
  }
  const { analysis: a, version } = cur;
  const map = lineMapOf(a);
  const only = params.context.only;
  const actions: CodeAction[] = [];
  const docsShown = new Set<string>();
  if (wants(only, CodeActionKind.QuickFix)) {
    for (const d of params.context.diagnostics) {
      const f = findingOf(a, map, version, d);
      if (!f) {
        continue;
      }
      for (const fix of cachedFixes(a, f)) {
        actions.push({
          title: fix.title,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          ...(fix.preferred ? { isPreferred: true } : {}),
          edit: workspaceEdit(uri, version, toLspEdits(map, fix.edits), features.documentChanges),
        });
      }
      if (RULES_BY_ID.get(f.ruleId)?.waivable) {
        const w = waiverEdit(a.text, map, f);
        actions.push({
          title: `Waive ${f.ruleId} here with a reason`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: workspaceEdit(uri, version, toLspEdits(map, [w.edit]), features.documentChanges),
          command: Command.create('Place the cursor after the colon', COMMANDS.revealPosition, uri, w.cursor),
        });
      }
      if (!docsShown.has(f.ruleId)) {
        docsShown.add(f.ruleId);
        actions.push({
          title: `Show documentation for ${f.ruleId}`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          command: Command.create(`Show documentation for ${f.ruleId}`, COMMANDS.showDocumentation, f.ruleId),
        });
      }
    }
  }
  if (wants(only, FIX_ALL_KIND) && a.findings.some((f) => f.fixable)) {
    const action: CodeAction = { title: FIX_ALL_TITLE, kind: FIX_ALL_KIND, data: { uri, version } };
    const explicit = !!only && only.some((k) => FIX_ALL_KIND.startsWith(k));
    if (features.resolveEdit && !explicit) {
      actions.push(action);
    } else {
      return fixAllEditCancellable(a, uri, version, features.documentChanges, token).then((edit) => (edit ? [...actions, { ...action, edit }] : actions));
    }
  }
  return actions;
}

/** The text after "fix all", per analysis (several passes of re-analysis each). */
const fixAllCache = new WeakMap<Analysis, string>();

/** The edit of "fix all" for an analysis, or undefined when no safe fix applies. */
export function fixAllEdit(a: Analysis, uri: string, version: number | null, documentChanges: boolean): WorkspaceEdit | undefined {
  let fixed = fixAllCache.get(a);
  if (fixed === undefined) {
    fixed = fixAll(a.text, a.settings).text;
    fixAllCache.set(a, fixed);
  }
  return fixAllEditOf(a, fixed, uri, version, documentChanges);
}

function fixAllEditOf(a: Analysis, fixed: string, uri: string, version: number | null, documentChanges: boolean): WorkspaceEdit | undefined {
  if (fixed === a.text) {
    return undefined;
  }
  const e = diffEdit(a.text, fixed);
  return workspaceEdit(uri, version, toLspEdits(lineMapOf(a), [e]), documentChanges);
}

/**
 * `fixAllEdit` for a request that may be cancelled: a design with hundreds of fixes takes
 * seconds, so the work gives the event loop a turn every few milliseconds (other requests
 * and the cancellation are read meanwhile) and ends with RequestCancelled when asked to.
 */
export async function fixAllEditCancellable(
  a: Analysis,
  uri: string,
  version: number | null,
  documentChanges: boolean,
  token?: CancellationToken,
): Promise<WorkspaceEdit | undefined> {
  let fixed = fixAllCache.get(a);
  if (fixed === undefined) {
    const steps = fixAllSteps(a.text, a.settings);
    let turn = Date.now();
    for (;;) {
      if (token?.isCancellationRequested) {
        throw new ResponseError(LSPErrorCodes.RequestCancelled, 'fix all was cancelled');
      }
      const r = steps.next();
      if (r.done) {
        fixed = r.value.text;
        break;
      }
      if (Date.now() - turn > 10) {
        await new Promise((resolve) => setImmediate(resolve));
        turn = Date.now();
      }
    }
    fixAllCache.set(a, fixed);
  }
  return fixAllEditOf(a, fixed, uri, version, documentChanges);
}

export async function onCodeActionResolve(documents: Documents, action: CodeAction, features: ClientFeatures, token?: CancellationToken): Promise<CodeAction> {
  const data = action.data as { uri?: string; version?: number } | undefined;
  if (action.kind !== FIX_ALL_KIND || !data?.uri) {
    return action;
  }
  const cur = documents.analysisOf(data.uri);
  if (!cur || cur.version !== data.version) {
    return action; // computed for another version: no edit rather than a wrong one
  }
  const edit = await fixAllEditCancellable(cur.analysis, data.uri, cur.version, features.documentChanges, token);
  return edit ? { ...action, edit } : action;
}

// The status bar item of the active design: its review status, how many concern areas
// are reviewed, and its live findings per severity. Clicking it opens the checklist.
import * as vscode from 'vscode';
import { ChecklistProvider } from './checklist';
import { countsText, totals } from './protocol';

export const LANGUAGE_ID = 'distributed-design';

/** A document's live findings per severity: its diagnostics (they follow unsaved edits). */
export function diagnosticCounts(uri: vscode.Uri): { error: number; warning: number; info: number } {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of vscode.languages.getDiagnostics(uri)) {
    if (d.severity === vscode.DiagnosticSeverity.Error) {
      counts.error++;
    } else if (d.severity === vscode.DiagnosticSeverity.Warning) {
      counts.warning++;
    } else {
      counts.info++;
    }
  }
  return counts;
}

export class ReviewStatusBar implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly checklist: ChecklistProvider) {
    this.item = vscode.window.createStatusBarItem('ddr.reviewStatus', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Design Review';
    this.item.command = 'workbench.view.extension.ddr-review';
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      checklist.onDidUpdate(() => this.update()),
    );
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== LANGUAGE_ID) {
      this.item.hide();
      return;
    }
    const design = this.checklist.design(doc.uri);
    // The diagnostics are the live counts (they follow unsaved edits); the checklist gives
    // the review state.
    const counts = diagnosticCounts(doc.uri);
    const status = design?.status ?? 'no review status';
    const reviewed = design ? design.areas.filter((a) => a.state !== 'open').length : 0;
    const areas = design ? `${reviewed}/${design.areas.length} areas` : '';
    this.item.text = `$(checklist) ${status}${areas ? ' · ' + areas : ''} $(error) ${counts.error} $(warning) ${counts.warning} $(info) ${counts.info}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Design Review** — ${design?.name ?? vscode.workspace.asRelativePath(doc.uri)}\n\n`);
    md.appendMarkdown(`Status: \`${status}\`${design ? `; ${reviewed} of ${design.areas.length} areas reviewed` : ''}\n\n`);
    md.appendMarkdown(`${countsText(counts)}${design ? ` (checklist: ${countsText(totals(design))})` : ''}\n\n`);
    md.appendMarkdown('Click to open the review checklist.');
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `Design review: ${status}, ${areas ? areas + ' reviewed, ' : ''}${countsText(counts)}` };
    this.item.backgroundColor = counts.error > 0 ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

// The "Design Review" view: for each design of the workspace, its concern areas in the
// order of rules.md with their review state (`review.checklist`) and live findings per
// severity; under each area, its findings. The data comes from the server's
// `ddr/checklist` request, refreshed on its `ddr/checklistChanged` notification.
import * as vscode from 'vscode';
import {
  ChecklistArea,
  ChecklistDesign,
  ChecklistFinding,
  ChecklistResult,
  CHECKLIST_REQUEST,
  countsText,
  findingsCounts,
  LspRange,
  totals,
} from './protocol';
import { RULES } from '../../server/src/engine/registry';

const RULE_NAMES = new Map(RULES.map((r) => [r.id, r.name]));

/** Text from a design (names, messages) shown as Markdown, as text. */
function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&');
}

export interface ChecklistSource {
  /** Resolves once the server can answer. */
  ready(): Promise<void>;
  request(): Promise<ChecklistResult>;
}

export type Node = DesignNode | AreaNode | FindingNode;

export interface DesignNode {
  kind: 'design';
  design: ChecklistDesign;
}

export interface AreaNode {
  kind: 'area';
  design: ChecklistDesign;
  area: ChecklistArea;
}

export interface FindingNode {
  kind: 'finding';
  design: ChecklistDesign;
  area: ChecklistArea;
  finding: ChecklistFinding;
}

const STATE_LABEL: Record<string, string> = { open: 'open', done: 'done', 'accepted-risk': 'accepted risk' };

export function toRange(r: LspRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/** Error findings of areas still open: what the review has yet to deal with. */
export function openErrors(designs: ChecklistDesign[]): number {
  let n = 0;
  for (const d of designs) {
    for (const a of d.areas) {
      if (a.state === 'open') {
        n += a.counts.error;
      }
    }
  }
  return n;
}

export class ChecklistProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly updated = new vscode.EventEmitter<ChecklistDesign[]>();
  /** Fires with the new designs after every refresh. */
  readonly onDidUpdate = this.updated.event;
  private designs: ChecklistDesign[] = [];
  private loading: Promise<ChecklistDesign[]> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private view: vscode.TreeView<Node> | undefined;
  private seq = 0;
  private applied = 0;

  constructor(private readonly source: ChecklistSource) {}

  attach(view: vscode.TreeView<Node>): void {
    this.view = view;
  }

  get current(): readonly ChecklistDesign[] {
    return this.designs;
  }

  design(uri: vscode.Uri): ChecklistDesign | undefined {
    const key = uri.toString();
    return this.designs.find((d) => d.uri === key || vscode.Uri.parse(d.uri).toString() === key);
  }

  /** Refreshes soon; several notifications in a burst cost one request. */
  scheduleRefresh(delayMs = 150): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.refresh();
    }, delayMs);
  }

  async refresh(): Promise<ChecklistDesign[]> {
    const seq = ++this.seq;
    const run = (async () => {
      await this.source.ready();
      const result = await this.source.request();
      const designs = [...(result?.designs ?? [])].sort((a, b) => label(a).localeCompare(label(b)));
      if (seq < this.applied) {
        // A later request already answered: this answer is older than what is shown.
        return this.designs;
      }
      this.applied = seq;
      this.designs = designs;
      this.updateBadge();
      this.changed.fire(undefined);
      this.updated.fire(designs);
      return designs;
    })();
    this.loading = run;
    try {
      return await run;
    } finally {
      if (this.loading === run) {
        this.loading = undefined;
      }
    }
  }

  private updateBadge(): void {
    if (!this.view) {
      return;
    }
    const n = openErrors(this.designs);
    this.view.badge = n > 0 ? { value: n, tooltip: `${n} error ${n === 1 ? 'finding' : 'findings'} in open review areas` } : undefined;
    this.view.message = undefined;
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      if (this.loading) {
        await this.loading.catch(() => undefined);
      } else if (!this.designs.length) {
        await this.refresh().catch((e) => {
          if (this.view) {
            this.view.message = `The language server did not answer: ${e instanceof Error ? e.message : String(e)}`;
          }
        });
      }
      return this.designs.map((design) => ({ kind: 'design', design }));
    }
    if (node.kind === 'design') {
      return node.design.areas.map((area) => ({ kind: 'area', design: node.design, area }));
    }
    if (node.kind === 'area') {
      return node.area.findings.map((finding) => ({ kind: 'finding', design: node.design, area: node.area, finding }));
    }
    return [];
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'area') {
      return { kind: 'design', design: node.design };
    }
    if (node.kind === 'finding') {
      return { kind: 'area', design: node.design, area: node.area };
    }
    return undefined;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'design') {
      const d = node.design;
      // One design, or the one in the active editor, opens expanded; the others stay
      // collapsed so that a workspace of many designs stays readable.
      const active = vscode.window.activeTextEditor?.document.uri.toString();
      const expanded = this.designs.length === 1 || active === vscode.Uri.parse(d.uri).toString();
      const item = new vscode.TreeItem(d.name || label(d), expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      const uri = vscode.Uri.parse(d.uri);
      const done = d.areas.filter((a) => a.state !== 'open').length;
      const path = vscode.workspace.asRelativePath(uri);
      item.id = `design:${d.uri}`;
      // Short enough for the default side bar width (areas reviewed of all); the words are
      // in the tooltip and the accessible label.
      item.description = `${done}/${d.areas.length}`;
      item.resourceUri = uri;
      item.iconPath = new vscode.ThemeIcon('file-code');
      item.contextValue = 'design';
      item.tooltip = new vscode.MarkdownString(
        `**${escapeMd(d.name || path)}** — ${escapeMd(path)}\n\nReview status: \`${d.status ?? 'none'}\`; ${done} of ${d.areas.length} areas reviewed.\n\n${countsText(totals(d))}`,
      );
      item.accessibilityInformation = { label: `${d.name || path}, ${path}, ${d.status ?? 'no review status'}, ${done} of ${d.areas.length} areas reviewed` };
      item.command = { command: 'vscode.open', title: 'Open design', arguments: [uri] };
      return item;
    }
    if (node.kind === 'area') {
      const a = node.area;
      const item = new vscode.TreeItem(a.title, a.findings.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `area:${node.design.uri}#${a.area}`;
      // The state is the icon; the counts only where there are findings; the whole in the tooltip.
      item.description = findingsCounts(a.counts);
      item.contextValue = `area.${a.state}`;
      item.iconPath = areaIcon(a);
      item.tooltip = new vscode.MarkdownString(
        `**${a.title}**: ${STATE_LABEL[a.state] ?? a.state} (\`review.checklist.${a.area}\`)\n\n${countsText(a.counts)}`,
      );
      item.accessibilityInformation = { label: `${a.title}, ${STATE_LABEL[a.state] ?? a.state}, ${countsText(a.counts)}` };
      return item;
    }
    const f = node.finding;
    // The rule id and the line: the message (and even the rule's name) does not fit the
    // default side bar under an area; they are the tooltip. The icon is the severity.
    const item = new vscode.TreeItem(f.ruleId, vscode.TreeItemCollapsibleState.None);
    item.id = `finding:${node.design.uri}#${f.ruleId}@${f.range.start.line}:${f.range.start.character}-${f.range.end.line}:${f.range.end.character}`;
    item.description = `line ${f.range.start.line + 1}`;
    item.contextValue = 'finding';
    item.iconPath = new vscode.ThemeIcon(
      f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info',
      new vscode.ThemeColor(f.severity === 'error' ? 'problemsErrorIcon.foreground' : f.severity === 'warning' ? 'problemsWarningIcon.foreground' : 'problemsInfoIcon.foreground'),
    );
    const name = RULE_NAMES.get(f.ruleId);
    item.tooltip = new vscode.MarkdownString(`**${f.ruleId}${name ? ` ${name}` : ''}** (${f.severity}), line ${f.range.start.line + 1}\n\n${escapeMd(f.message)}`);
    item.accessibilityInformation = { label: `${f.ruleId}${name ? ` ${name}` : ''}, ${f.severity}, line ${f.range.start.line + 1}: ${f.message}` };
    item.command = {
      command: 'ddr.checklist.revealFinding',
      title: 'Reveal finding',
      arguments: [node],
    };
    return item;
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
    this.changed.dispose();
    this.updated.dispose();
  }
}

function label(d: ChecklistDesign): string {
  return vscode.workspace.asRelativePath(vscode.Uri.parse(d.uri));
}

function areaIcon(a: ChecklistArea): vscode.ThemeIcon {
  if (a.state === 'done') {
    return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  }
  if (a.state === 'accepted-risk') {
    return new vscode.ThemeIcon('shield', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  }
  if (a.counts.error > 0) {
    return new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  }
  return new vscode.ThemeIcon('circle-large-outline');
}

/** Reveals a finding in its editor: selects its range and scrolls it into the middle. */
export async function revealFinding(node: FindingNode): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.parse(node.design.uri);
  const doc = await vscode.workspace.openTextDocument(uri);
  const range = toRange(node.finding.range);
  const editor = await vscode.window.showTextDocument(doc, { selection: range, preserveFocus: false, preview: false });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return editor;
}

export { CHECKLIST_REQUEST };

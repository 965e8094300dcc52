// The palette's commands and the checklist's context actions. Everything that changes a
// design goes through the server (`ddr.fixAll`, `ddr.setChecklistState`), which edits the
// file with minimal text edits that keep comments and layout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AreaNode, ChecklistProvider, FindingNode, revealFinding } from './checklist';
import {
  ChecklistState,
  countsText,
  FIX_ALL_COMMAND,
  SET_CHECKLIST_STATE_COMMAND,
  SetChecklistStateParams,
  totals,
} from './protocol';

/** What the commands need of the language client, so that they can be tested without one. */
export interface ServerLink {
  ready(): Promise<void>;
  executeCommand(command: string, args: unknown[]): Promise<unknown>;
  restart(): Promise<void>;
}

export const DESIGN_GLOB = '**/*.design.{yaml,yml}';
const EXCLUDE_GLOB = '**/{node_modules,.git,out}/**';

export function registerCommands(
  context: vscode.ExtensionContext,
  server: ServerLink,
  checklist: ChecklistProvider,
  output: vscode.OutputChannel,
): void {
  const reg = (id: string, fn: (...args: any[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  reg('ddr.showOutput', () => output.show(true));
  reg('ddr.restartServer', async () => {
    await server.restart();
    checklist.scheduleRefresh(0);
  });
  reg('ddr.openRuleDocs', (arg?: string | FindingNode) => openRuleDocs(context, arg));
  reg('ddr.lintWorkspace', () => lintWorkspace(checklist));
  reg('ddr.fixAllInFile', (uri?: vscode.Uri) => fixAllInFile(server, uri));
  reg('ddr.newDesign', (opts?: { template?: string; name?: string }) =>
    newDesign(context, opts && typeof opts === 'object' && !(opts instanceof vscode.Uri) ? opts : {}),
  );
  reg('ddr.checklist.refresh', () => checklist.refresh());
  reg('ddr.checklist.revealFinding', (node: FindingNode) => revealFinding(node));
  reg('ddr.checklist.markDone', (node: AreaNode) => markDone(server, checklist, node));
  reg('ddr.checklist.acceptRisk', (node: AreaNode, reason?: string) => acceptRisk(server, checklist, node, reason));
  reg('ddr.checklist.reopen', (node: AreaNode) => setState(server, checklist, node, 'open'));
}

// --- rule documentation ----------------------------------------------------------------

/** The rule under the cursor, if a diagnostic of ours covers it. */
function ruleAtCursor(): string | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    return undefined;
  }
  const pos = editor.selection.active;
  for (const d of vscode.languages.getDiagnostics(editor.document.uri)) {
    const code = typeof d.code === 'object' ? d.code.value : d.code;
    if (d.range.contains(pos) && typeof code === 'string' && /^[A-Z]{3}\d{3}$/.test(code)) {
      return code;
    }
  }
  return undefined;
}

/** A rule as the client knows it: docs/rules/rules.json, written by `npm run gen` from the registry. */
interface RuleEntry {
  id: string;
  name: string;
  summary: string;
  docsUrl: string;
}

let rulesCache: RuleEntry[] | undefined;

/** The rules, read once from the generated list that ships with the extension (the client loads no engine). */
function rulesOf(context: vscode.ExtensionContext): RuleEntry[] {
  rulesCache ??= JSON.parse(fs.readFileSync(context.asAbsolutePath(path.join('docs', 'rules', 'rules.json')), 'utf8')) as RuleEntry[];
  return rulesCache;
}

export async function openRuleDocs(context: vscode.ExtensionContext, arg?: string | FindingNode): Promise<string | undefined> {
  const RULES = rulesOf(context);
  let id = typeof arg === 'string' ? arg : arg?.finding?.ruleId;
  if (!id) {
    const here = ruleAtCursor();
    const items = RULES.map((r) => ({ label: r.id, description: r.name, detail: r.summary, picked: r.id === here }));
    if (here) {
      items.sort((a, b) => (a.label === here ? -1 : b.label === here ? 1 : 0));
    }
    const pick = await vscode.window.showQuickPick(items, { title: 'Open Rule Documentation', placeHolder: 'Rule id or name', matchOnDescription: true, matchOnDetail: true });
    id = pick?.label;
  }
  if (!id) {
    return undefined;
  }
  id = id.toUpperCase();
  const rule = RULES.find((r) => r.id === id);
  if (!rule) {
    void vscode.window.showErrorMessage(`No rule ${id}.`);
    return undefined;
  }
  // The rule's page ships with the extension (docs/rules, generated from the registry); its
  // web address is the diagnostic's codeDescription, for a checkout without docs.
  const local = context.asAbsolutePath(path.join('docs', 'rules', `${rule.id}.md`));
  if (fs.existsSync(local)) {
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(local));
  } else {
    await vscode.env.openExternal(vscode.Uri.parse(rule.docsUrl));
  }
  return rule.id;
}

// --- lint the workspace --------------------------------------------------------------------

export async function lintWorkspace(checklist: ChecklistProvider): Promise<{ files: number; designs: number; error: number; warning: number; info: number }> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Linting design files' }, async () => {
    const files = await vscode.workspace.findFiles(DESIGN_GLOB, EXCLUDE_GLOB);
    const designs = await checklist.refresh();
    const sum = { error: 0, warning: 0, info: 0 };
    for (const d of designs) {
      const t = totals(d);
      sum.error += t.error;
      sum.warning += t.warning;
      sum.info += t.info;
    }
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const msg = `Linted ${designs.length} ${designs.length === 1 ? 'design' : 'designs'}: ${countsText(sum)}.`;
    if (designs.length < files.length) {
      void vscode.window.showWarningMessage(`${msg} ${files.length - designs.length} of ${files.length} design files were not analysed (see "Distributed Design: Show Language Server Output").`);
    } else {
      void vscode.window.showInformationMessage(msg);
    }
    return { files: files.length, designs: designs.length, ...sum };
  });
}

// --- fix all -----------------------------------------------------------------------------------

export async function fixAllInFile(server: ServerLink, uri?: vscode.Uri): Promise<unknown> {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showWarningMessage('Open a design file (*.design.yaml) to fix its findings.');
    return undefined;
  }
  await server.ready();
  const result = (await server.executeCommand(FIX_ALL_COMMAND, [{ uri: target.toString() }])) as CommandResult | undefined;
  if (result && result.applied === false) {
    void vscode.window.showInformationMessage(
      result.reason === 'nothing to fix'
        ? `No auto-fixable finding in ${vscode.workspace.asRelativePath(target)}.`
        : `The fixes were not applied to ${vscode.workspace.asRelativePath(target)}${result.reason ? `: ${result.reason}` : '.'}`,
    );
  }
  return result;
}

/** What the server's commands answer. */
interface CommandResult {
  applied: boolean;
  reason?: string;
}

// --- new design ----------------------------------------------------------------------------------

interface Template extends vscode.QuickPickItem {
  /** A snippet body (the skeleton), or the text of a bundled example. */
  snippet?: string;
  text?: string;
}

function templates(context: vscode.ExtensionContext): Template[] {
  const out: Template[] = [];
  try {
    const snippets = JSON.parse(fs.readFileSync(context.asAbsolutePath(path.join('snippets', 'distributed-design.json')), 'utf8'));
    const skeleton = snippets['Design skeleton'];
    out.push({ label: 'Design skeleton', detail: skeleton.description, snippet: [].concat(skeleton.body).join('\n') });
  } catch {
    // Without the snippets file there is no skeleton; the examples remain.
  }
  const dir = context.asAbsolutePath('examples');
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => /\.design\.ya?ml$/.test(x)).sort() : []) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const first = /^#\s*(.+)$/m.exec(text)?.[1];
    out.push({ label: `Example: ${f.replace(/\.design\.ya?ml$/, '')}`, detail: first, text });
  }
  return out;
}

export async function newDesign(context: vscode.ExtensionContext, opts: { template?: string; name?: string } = {}): Promise<vscode.Uri | undefined> {
  const all = templates(context);
  const template = opts.template
    ? all.find((t) => t.label === opts.template)
    : await vscode.window.showQuickPick(all, { title: 'New Design from Template', placeHolder: 'Template' });
  if (!template) {
    return undefined;
  }
  const name =
    opts.name ??
    (await vscode.window.showInputBox({
      title: 'New Design from Template',
      prompt: 'Name of the design (kebab-case); the file is <name>.design.yaml',
      value: 'new-design',
      validateInput: (v) => (/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v) ? undefined : 'Use kebab-case: lower-case letters, digits and dashes'),
    }));
  if (!name) {
    return undefined;
  }
  const folder = vscode.workspace.workspaceFolders?.length
    ? vscode.workspace.workspaceFolders.length === 1
      ? vscode.workspace.workspaceFolders[0]
      : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder of the new design' })
    : undefined;
  let doc: vscode.TextDocument;
  let uri: vscode.Uri | undefined;
  const content = template.text ? template.text.replace(/^design:\s*.*$/m, `design: ${name}`) : '';
  if (folder) {
    uri = vscode.Uri.joinPath(folder.uri, `${name}.design.yaml`);
    try {
      await vscode.workspace.fs.stat(uri);
      void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(uri)} exists already.`);
      return undefined;
    } catch {
      // Absent, as it should be.
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
    doc = await vscode.workspace.openTextDocument(uri);
  } else {
    doc = await vscode.workspace.openTextDocument({ language: 'distributed-design', content });
  }
  const editor = await vscode.window.showTextDocument(doc);
  if (template.snippet) {
    // The skeleton's `design:` defaults to the file name; an untitled file gets the typed name.
    await editor.insertSnippet(new vscode.SnippetString(folder ? template.snippet : template.snippet.replace(/\$\{2:\$\{TM_FILENAME_BASE[^}]*\}\}/, `\${2:${name}}`)));
  }
  return uri ?? doc.uri;
}

// --- checklist state -------------------------------------------------------------------------------

const pendingSaves = new Set<string>();

export async function setState(
  server: ServerLink,
  checklist: ChecklistProvider,
  node: AreaNode,
  state: ChecklistState,
  reason?: string,
): Promise<boolean> {
  if (!node || node.kind !== 'area') {
    return false;
  }
  const uri = vscode.Uri.parse(node.design.uri);
  const before = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const wasDirty = !!before?.isDirty;
  await server.ready();
  const params: SetChecklistStateParams = { uri: node.design.uri, area: node.area.area, state, ...(reason ? { reason } : {}) };
  let result: CommandResult | undefined;
  try {
    result = (await server.executeCommand(SET_CHECKLIST_STATE_COMMAND, [params])) as CommandResult | undefined;
  } catch (e) {
    result = { applied: false, reason: e instanceof Error ? e.message : String(e) };
  }
  if (result && result.applied === false) {
    void vscode.window.showErrorMessage(
      `Could not set ${node.area.title} to ${state} in ${vscode.workspace.asRelativePath(uri)}${result.reason ? `: ${result.reason}` : '.'}`,
    );
    return false;
  }
  // The server edited the document; a file that had no unsaved changes is saved, so that
  // the review state on disk (and in version control) follows the click.
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc && doc.isDirty && !wasDirty && !pendingSaves.has(doc.uri.toString())) {
    pendingSaves.add(doc.uri.toString());
    try {
      await doc.save();
    } finally {
      pendingSaves.delete(doc.uri.toString());
    }
  }
  await checklist.refresh();
  return true;
}

export async function markDone(server: ServerLink, checklist: ChecklistProvider, node: AreaNode): Promise<boolean> {
  if (!node || node.kind !== 'area') {
    return false;
  }
  const errors = node.area.counts.error;
  if (errors > 0) {
    const choice = await vscode.window.showWarningMessage(
      `${node.area.title} has ${errors} error ${errors === 1 ? 'finding' : 'findings'}. Mark it done anyway?`,
      { modal: true, detail: 'An area with errors is usually fixed, or its risk accepted with a reason ("Accept Risk…").' },
      'Mark Done',
    );
    if (choice !== 'Mark Done') {
      return false;
    }
  }
  return setState(server, checklist, node, 'done');
}

export async function acceptRisk(server: ServerLink, checklist: ChecklistProvider, node: AreaNode, reason?: string): Promise<boolean> {
  if (!node || node.kind !== 'area') {
    return false;
  }
  const why =
    reason ??
    (await vscode.window.showInputBox({
      title: `Accept Risk: ${node.area.title}`,
      prompt: `Why is the remaining risk of ${node.area.title.toLowerCase()} accepted? The reason is written to the design.`,
      placeHolder: 'e.g. the provider deduplicates by our idempotency key',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'A reason is required: an accepted risk without one waives nothing'),
    }));
  if (!why?.trim()) {
    return false;
  }
  return setState(server, checklist, node, 'accepted-risk', why.trim());
}

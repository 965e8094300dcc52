// The language status item of designs (the `{}` beside the language mode in the status
// bar, as vscode-eslint and vscode-go have): whether the language server runs, whether it
// analyses as you type or on save or is turned off (`ddr.enable`, `ddr.run`), and the
// active design's findings. Clicking it opens the server's output.
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { findingsCounts } from './protocol';
import { diagnosticCounts, LANGUAGE_ID } from './statusBar';

export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

export function toServerState(s: State): ServerState {
  return s === State.Running ? 'running' : s === State.Starting ? 'starting' : 'stopped';
}

export class DesignLanguageStatus implements vscode.Disposable {
  readonly item: vscode.LanguageStatusItem;
  private state: ServerState = 'starting';
  private problem: string | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor() {
    this.item = vscode.languages.createLanguageStatusItem('ddr.status', { language: LANGUAGE_ID });
    this.item.name = 'Distributed Design Review';
    this.subscriptions.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.languages.onDidChangeDiagnostics(() => this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('ddr')) {
          this.update();
        }
      }),
    );
    this.update();
  }

  setState(state: ServerState, problem?: string): void {
    this.state = state;
    this.problem = problem;
    this.update();
  }

  update(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const scope = doc && doc.languageId === LANGUAGE_ID ? doc.uri : undefined;
    const config = vscode.workspace.getConfiguration('ddr', scope);
    const enabled = config.get<boolean>('enable', true);
    const run = config.get<string>('run', 'onType') === 'onSave' ? 'on save' : 'as you type';
    const item = this.item;
    item.busy = this.state === 'starting';
    item.severity = this.state === 'failed' || this.state === 'stopped' ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Information;
    item.command = { command: 'ddr.showOutput', title: 'Show Output', tooltip: 'Show the language server’s output' };
    if (this.state !== 'running') {
      item.text = this.state === 'starting' ? 'Design review: starting' : `Design review: server ${this.state}`;
      item.detail = this.problem ?? (this.state === 'starting' ? 'the language server is starting' : 'the language server is not running');
      return;
    }
    if (!enabled) {
      item.text = 'Design review: off';
      item.detail = '`ddr.enable` is off for this file';
      item.command = { command: 'workbench.action.openSettings', title: 'Open Settings', arguments: ['ddr.enable'] };
      return;
    }
    const counts = scope ? diagnosticCounts(scope) : { error: 0, warning: 0, info: 0 };
    item.text = `Design review: ${findingsCounts(counts) || 'no findings'}`;
    item.detail = `language server running, analysing ${run}`;
  }

  dispose(): void {
    for (const s of this.subscriptions) {
      s.dispose();
    }
  }
}

// The designs the server knows — open documents (incremental sync, held as TextDocuments)
// and workspace files read from disk — and the one place that analyses them.
//
// Analysis never publishes an outdated result: a scheduled run reads the document's text
// and version at the moment it runs and publishes at once (analysis is synchronous), and
// every request answers from the latest completed analysis of the current version, or
// computes it on the spot. Each open document has its own IncrementalAnalyzer, so a
// keystroke re-parses and re-checks only the list item it touched; a new analysis
// invalidates the one before it (reused nodes move in place), so only the latest is kept.
import { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, Analysis, AnalyzeOptions, IncrementalAnalyzer } from '../engine/analyze';
import { logAnalyses, testAnalyzeOptions } from './testHooks';
import { checklistOf, ChecklistSummary } from '../engine/checklist';
import { Settings } from '../engine/rule';
import { notAnalysedFinding } from '../engine/rules/structure/yaml-syntax';
import { lineMapOf, toDiagnostics, toLspRange } from './diagnostics';
import { sameSettings, SettingsStore } from './settings';

type Log = { error(m: string): void; info(m: string): void };

/** The single call of the engine: incremental for an open document, full otherwise. */
/** Fault injection for tests (testHooks.ts); undefined unless DDR_TEST_THROWING_RULE=1. */
const TEST_OPTIONS = testAnalyzeOptions();
/** Each analysis of an open document logged, for tests (testHooks.ts); false unless DDR_TEST_LOG_ANALYSES=1. */
const LOG_ANALYSES = logAnalyses();

export function runAnalysis(text: string, settings: Settings, log: Log, options: AnalyzeOptions | undefined = TEST_OPTIONS, analyzer?: IncrementalAnalyzer): Analysis {
  try {
    const a = analyzer ? analyzer.analyze(text, settings, options) : analyze(text, settings, options);
    for (const e of a.ruleErrors) {
      log.error(`rule ${e.ruleId} failed; the other rules still reported: ${e.message}${e.stack ? '\n' + e.stack : ''}`);
    }
    return a;
  } catch (e) {
    // Whatever the analyzer kept may be half-updated: start it afresh next time.
    analyzer?.reset();
    const err = e as Error;
    log.error(`the analysis failed: ${err?.message ?? String(e)}${err?.stack ? '\n' + err.stack : ''}`);
    // The defaults, not `settings`: they may be what made the analysis fail.
    const empty = analyze('', null);
    return {
      ...empty,
      text,
      design: { ...empty.design, root: undefined, all: [] },
      findings: [notAnalysedFinding(`the analysis failed (${err?.message ?? String(e)}); the server log has the details`)],
      waived: [],
      ruleErrors: [],
    };
  }
}

/** Whether an analysis is the "file too large" stand-in: features other than diagnostics stay quiet. */
export function analysedFully(a: Analysis): boolean {
  return a.parsed.text === a.text && a.design.root !== undefined;
}

interface Latest {
  version: number;
  settings: Settings;
  analysis: Analysis;
}

interface OpenState {
  latest?: Latest;
  analyzer: IncrementalAnalyzer;
  /** The scheduled run (see schedule). */
  timer?: NodeJS.Immediate;
  /** Bumped by every change: a run scheduled before it is dropped. */
  ticket: number;
  publishedVersion?: number;
}

export interface ChecklistDesign extends Omit<ChecklistSummary, 'areas'> {
  uri: string;
  areas: Array<
    Omit<ChecklistSummary['areas'][number], 'findings'> & {
      findings: Array<{ ruleId: string; severity: string; message: string; range: ReturnType<typeof toLspRange> }>;
    }
  >;
}

interface ClosedState {
  text: string;
  summary: ChecklistDesign;
  ticket: number;
}

export class Documents {
  readonly docs = new TextDocuments(TextDocument);
  private readonly open = new Map<string, OpenState>();
  private readonly closed = new Map<string, ClosedState>();
  private changedTimer?: NodeJS.Timeout;
  /** The settings scope of a workspace file that is not open (its folder). */
  scopeOf: (uri: string) => string = (uri) => uri;
  /** Whether a closed file still belongs to the workspace's designs. */
  isWorkspaceDesign: (uri: string) => boolean = () => false;
  readFile: (uri: string) => Promise<string | undefined> = async () => undefined;
  /** Called after each analysis is published (server.ts: the idle collector's clock). */
  onWork: () => void = () => undefined;

  constructor(
    private readonly connection: Connection,
    private readonly settings: SettingsStore,
    private readonly log: Log,
  ) {
    this.docs.onDidOpen((e) => this.guard(() => this.schedule(e.document.uri)));
    this.docs.onDidChangeContent((e) => this.guard(() => this.schedule(e.document.uri)));
    this.docs.onDidClose((e) => this.guard(() => this.closedDocument(e.document.uri)));
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.log.error(`internal error: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  /**
   * Analyses an open document at once and publishes its diagnostics. There is no wait:
   * the analysis is synchronous, so the changes that arrive while it runs are read after
   * it, each replacing the scheduled run of the one before (tickets): a burst of typing
   * costs one analysis per analysis time — the adaptive debounce, measured by the
   * analysis itself — and a pause in typing is answered at once. Requests (hover,
   * completion) are served between two analyses.
   */
  schedule(uri: string): void {
    const doc = this.docs.get(uri);
    if (!doc) {
      return;
    }
    const st = this.stateOf(uri);
    const ticket = ++st.ticket;
    if (st.timer) {
      clearImmediate(st.timer);
    }
    // The settings, asked now (a cached promise after the first time): vscode-jsonrpc
    // writes a request once the current task is over, so a request made next to the
    // analysis below would leave only after it, and its answer come back later still.
    const asked = this.settings.get(uri);
    // No timer: a timer of 0 waits a millisecond (Node's least), a third of a keystroke's
    // analysis at 1k lines. vscode-jsonrpc handles one queued message per turn of the
    // event loop (setImmediate); a run two turns away comes after the changes already
    // received (a burst read while the last analysis ran), each of which replaces it.
    st.timer = setImmediate(() => {
      st.timer = setImmediate(() => {
        st.timer = undefined;
        const guess = this.settings.ready(uri) ? undefined : this.settings.likely();
        if (guess) {
          // The client has not said yet which settings this document has (its first
          // analysis): analyse with the likeliest while it answers (workspace/configuration
          // is a round trip, a few ms in VS Code). Published only if the answer is the same.
          this.guard(() => this.analyseAhead(uri, ticket, guess));
        }
        asked.then(
          (settings) => this.guard(() => this.runScheduled(uri, ticket, guess && sameSettings(settings, guess) ? guess : settings)),
          () => undefined,
        );
      });
    });
  }

  /** The analysis of the current version under `settings`, kept as the latest but not published (see schedule). */
  private analyseAhead(uri: string, ticket: number, settings: Settings): void {
    const st = this.open.get(uri);
    const doc = this.docs.get(uri);
    if (st && doc && ticket === st.ticket && !(st.latest && st.latest.version === doc.version && st.latest.settings === settings)) {
      this.analyseOpen(uri, st, doc, settings);
    }
  }

  private stateOf(uri: string): OpenState {
    let st = this.open.get(uri);
    if (!st) {
      st = { ticket: 0, analyzer: new IncrementalAnalyzer() };
      this.open.set(uri, st);
    }
    return st;
  }

  private analyseOpen(uri: string, st: OpenState, doc: TextDocument, settings: Settings): Latest {
    const latest = { version: doc.version, settings, analysis: runAnalysis(doc.getText(), settings, this.log, undefined, st.analyzer) };
    st.latest = latest;
    if (LOG_ANALYSES) {
      this.log.info(`analysed ${uri} v${doc.version}`);
    }
    return latest;
  }

  private runScheduled(uri: string, ticket: number, settings: Settings): void {
    const st = this.open.get(uri);
    const doc = this.docs.get(uri);
    if (!st || !doc || ticket !== st.ticket) {
      return; // closed, or a newer change has its own run
    }
    const version = doc.version;
    let latest = st.latest;
    if (!latest || latest.version !== version || latest.settings !== settings) {
      latest = this.analyseOpen(uri, st, doc, settings);
    }
    // Synchronous since reading the version: this is the current version's result.
    if (this.docs.get(uri)?.version !== version) {
      return;
    }
    this.publish(uri, version, toDiagnostics(latest.analysis, uri, version));
    st.publishedVersion = version;
    this.checklistChanged();
  }

  private publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    void this.connection.sendDiagnostics({ uri, version, diagnostics });
    this.onWork();
  }

  /**
   * The analysis of an open document's current version: the latest completed one when it
   * is current, else computed now (never an older version's).
   */
  analysisOf(uri: string): { analysis: Analysis; version: number } | undefined {
    const doc = this.docs.get(uri);
    if (!doc) {
      return undefined;
    }
    const st = this.stateOf(uri);
    if (st.latest && st.latest.version === doc.version) {
      // The current text. When settings changed since, the scheduled run re-analyses;
      // until then this is still the right text to answer from.
      return { analysis: st.latest.analysis, version: doc.version };
    }
    const { analysis } = this.analyseOpen(uri, st, doc, this.settings.known(uri));
    return { analysis, version: doc.version };
  }

  /** The analysis of any known design: open (current version) or read from disk. */
  async anyAnalysis(uri: string): Promise<{ analysis: Analysis; version: number | null } | undefined> {
    const open = this.analysisOf(uri);
    if (open) {
      return open;
    }
    const text = this.closed.get(uri)?.text ?? (await this.readFile(uri));
    if (text === undefined) {
      return undefined;
    }
    const settings = await this.settings.get(this.scopeOf(uri));
    return { analysis: runAnalysis(text, settings, this.log), version: null };
  }

  isOpen(uri: string): boolean {
    return !!this.docs.get(uri);
  }

  private closedDocument(uri: string): void {
    const st = this.open.get(uri);
    if (st?.timer) {
      clearImmediate(st.timer);
    }
    this.open.delete(uri);
    if (this.isWorkspaceDesign(uri)) {
      void this.readFile(uri).then((text) => {
        if (text !== undefined && !this.isOpen(uri)) {
          this.updateClosed(uri, text);
        } else if (text === undefined) {
          this.publish(uri, undefined, []);
        }
      });
    } else {
      this.publish(uri, undefined, []);
      this.checklistChanged();
    }
  }

  /** A workspace design that is not open: analysed from its text on disk, its diagnostics published. */
  updateClosed(uri: string, text: string): Promise<void> {
    const prev = this.closed.get(uri);
    const ticket = (prev?.ticket ?? 0) + 1;
    const placeholder: ClosedState = { text, summary: prev?.summary ?? { uri, areas: [] }, ticket };
    this.closed.set(uri, placeholder);
    return this.settings.get(this.scopeOf(uri)).then((settings) =>
      this.guard(() => {
        const st = this.closed.get(uri);
        if (!st || st.ticket !== ticket || this.isOpen(uri)) {
          return;
        }
        const a = runAnalysis(text, settings, this.log);
        st.summary = this.summaryOf(uri, a);
        this.publish(uri, undefined, toDiagnostics(a, uri, null));
        this.checklistChanged();
      }),
    );
  }

  removeClosed(uri: string): void {
    if (this.closed.delete(uri) && !this.isOpen(uri)) {
      this.publish(uri, undefined, []);
      this.checklistChanged();
    }
  }

  closedUris(): string[] {
    return [...this.closed.keys()];
  }

  /** Re-analyses everything (settings changed). */
  refreshAll(): void {
    for (const doc of this.docs.all()) {
      this.schedule(doc.uri);
    }
    for (const [uri, st] of this.closed) {
      if (!this.isOpen(uri)) {
        void this.updateClosed(uri, st.text);
      }
    }
  }

  summaryOf(uri: string, a: Analysis): ChecklistDesign {
    const s = checklistOf(a);
    const map = lineMapOf(a);
    return {
      uri,
      ...(s.name !== undefined ? { name: s.name } : {}),
      ...(s.status !== undefined ? { status: s.status } : {}),
      areas: s.areas.map((x) => ({
        ...x,
        findings: x.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, range: toLspRange(map, f.range) })),
      })),
    };
  }

  /** The checklist of every known design (open ones from their current text), or of one. */
  checklist(uri?: string): { designs: ChecklistDesign[] } {
    const uris = uri ? [uri] : [...new Set([...this.docs.keys(), ...this.closed.keys()])].sort();
    const designs: ChecklistDesign[] = [];
    for (const u of uris) {
      const open = this.analysisOf(u);
      if (open) {
        designs.push(this.summaryOf(u, open.analysis));
        continue;
      }
      const c = this.closed.get(u);
      if (c && c.summary.areas.length) {
        designs.push(c.summary);
      }
    }
    return { designs };
  }

  /** Tells the client (coalesced) that `ddr/checklist` may answer differently now. */
  checklistChanged(): void {
    if (this.changedTimer) {
      return;
    }
    this.changedTimer = setTimeout(() => {
      this.changedTimer = undefined;
      void this.connection.sendNotification('ddr/checklistChanged');
    }, 30);
  }
}

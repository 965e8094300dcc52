// One file's analysis as plain data: what `ddr lint` prints, keeps in its cache and
// receives from its worker threads. Loading this module loads the engine (and `yaml`);
// lint.ts requires it only when a file needs analysing.
import * as fs from 'node:fs';
import { threadId } from 'node:worker_threads';
import { analyze, Analysis, RuleError } from '../engine/analyze';
import type { Settings } from '../engine/rule';
import type { Finding } from '../engine/types';

export type Waived = Analysis['waived'][number];

/** What the CLI keeps of an analysis. Plain data: it crosses threads and the cache. */
export interface Outcome {
  findings: Finding[];
  waived: Waived[];
  ruleErrors: RuleError[];
  /** The parse's line starts, when this outcome comes straight from a parse of the text. */
  lineStarts?: number[];
}

/**
 * A finding without the data a rule passed to its own fix: no output shows that data, and
 * it may hold what cannot be cloned or written as JSON.
 */
export function portable(f: Finding): Finding {
  const out: Finding = { ruleId: f.ruleId, severity: f.severity, range: [f.range[0], f.range[1]], message: f.message, path: f.path };
  if (f.related) {
    out.related = f.related.map((r) => ({ range: [r.range[0], r.range[1]], message: r.message }));
  }
  if (f.fixable !== undefined) {
    out.fixable = f.fixable;
  }
  return out;
}

export function outcomeOf(a: Analysis): Outcome {
  return {
    findings: a.findings.map(portable),
    waived: a.waived.map((w) => ({ ...portable(w), waiver: { reason: w.waiver.reason, range: [w.waiver.range[0], w.waiver.range[1]] } })),
    ruleErrors: a.ruleErrors.map((e) => ({ ruleId: e.ruleId, message: e.message })),
    lineStarts: a.parsed.text === a.text ? a.parsed.lineStarts : undefined,
  };
}

/**
 * Analyses one file's text. `file` names it for DDR_TEST_ANALYSED_LOG, a hook for tests and
 * the benchmark: when set, every analysis appends `path<TAB>thread id` to that file, so that
 * they can tell which files a run analysed (and which it took from the cache), and on how
 * many threads.
 */
export function analyseText(text: string, settings: Partial<Settings>, file: string): Outcome {
  const log = process.env.DDR_TEST_ANALYSED_LOG;
  if (log) {
    fs.appendFileSync(log, `${file}\t${threadId}\n`);
  }
  return outcomeOf(analyze(text, settings));
}

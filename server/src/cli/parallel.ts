// `ddr lint` on many files: worker threads analyse them beside the main thread. Every
// thread takes the next file from one shared counter, so the main thread starts at once
// while the workers are still loading the engine, and a large file does not leave the
// others idle. The results are put back in file order: the output is the sequential one.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Settings } from '../engine/rule';
import type { Outcome } from './analyseFile';

export interface Job {
  /** Absolute path (for DDR_TEST_ANALYSED_LOG). */
  file: string;
  raw: Uint8Array;
  text: string;
}

/** What a worker receives (worker.ts). */
export interface WorkerInput {
  /** Every job's bytes, one after the other: shared, not copied per worker. */
  bytes: SharedArrayBuffer;
  /** Start and length of each job's bytes. */
  spans: number[];
  /** An Int32 counter: the index of the next job to take. */
  next: SharedArrayBuffer;
  files: string[];
  settings: Partial<Settings>;
}

export type WorkerMessage = { index: number; outcome: Outcome };

/**
 * Below these, workers cost more than they save. A worker is a new V8 isolate: it loads
 * the engine and warms it up again (the first designs analysed in an isolate are ~10×
 * slower than the later ones), ~0.7 s of CPU on the 2-core machine of `npm run bench`,
 * about what 100 designs of 500 lines (2 MB) take once warm.
 */
export const MIN_FILES = 8;
export const MIN_BYTES = 1024 * 1024;
/** From here the warm-up is small beside the work: a worker may take the last idle core. */
export const LARGE_BYTES = 4 * 1024 * 1024;

/**
 * Threads for `--concurrency auto`, the main thread included: 1 (no worker) for few or
 * small files; otherwise at most one worker per 4 files, and one per idle core (the
 * 1-minute load average tells how many; like `make -l`) but two: the main thread keeps
 * one, and V8's compiler and GC threads, busier with every isolate, need the other. From
 * LARGE_BYTES on, only the main thread's core is kept back.
 *
 * Measured on 2 cores (`ddr lint`, designs of 500 lines, one worker vs none): idle, 100
 * files 5–10% faster, 300 files ~18% faster; at load 1–4, 30–80% slower.
 * (Where the load average is not kept, as on Windows, it reads 0.)
 */
export function autoThreads(jobs: readonly Job[], cores = os.availableParallelism(), load = os.loadavg()[0]): number {
  const bytes = jobs.reduce((n, j) => n + j.raw.length, 0);
  if (jobs.length < MIN_FILES || bytes < MIN_BYTES) {
    return 1;
  }
  const idle = Math.round(cores - load);
  const workers = Math.min(cores - 1, Math.floor(jobs.length / 4), idle - (bytes >= LARGE_BYTES ? 1 : 2));
  return 1 + Math.max(0, workers);
}

/**
 * Analyses `jobs` on `threads` threads (the main one included, through `here`). A worker
 * that fails or dies leaves its files to the main thread, which then analyses them as the
 * sequential path does, errors included.
 */
export async function analyseInThreads(
  jobs: readonly Job[],
  settings: Partial<Settings>,
  threads: number,
  here: (job: Job) => Outcome,
  workerScript = path.join(__dirname, 'worker.js'),
): Promise<Outcome[]> {
  const n = jobs.length;
  const outcomes: Array<Outcome | undefined> = new Array(n);
  const total = jobs.reduce((s, j) => s + j.raw.length, 0);
  const bytes = new SharedArrayBuffer(total);
  const view = new Uint8Array(bytes);
  const spans: number[] = [];
  let at = 0;
  for (const j of jobs) {
    view.set(j.raw, at);
    spans.push(at, j.raw.length);
    at += j.raw.length;
  }
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  const input: WorkerInput = { bytes, spans, next, files: jobs.map((j) => j.file), settings };
  const workers: Worker[] = [];
  const ended: Array<Promise<void>> = [];
  for (let w = 0; w < Math.min(threads - 1, n); w++) {
    let worker: Worker;
    try {
      worker = new Worker(workerScript, { workerData: input });
    } catch {
      break;
    }
    workers.push(worker);
    ended.push(
      new Promise<void>((resolve) => {
        worker.on('message', (m: WorkerMessage) => {
          if (m && typeof m.index === 'number' && m.index >= 0 && m.index < n) {
            outcomes[m.index] = m.outcome;
          }
        });
        // Messages a worker posted before it ended arrive before its 'exit'.
        worker.once('error', () => resolve());
        worker.once('exit', () => resolve());
      }),
    );
  }
  try {
    for (let i = Atomics.add(counter, 0, 1); i < n; i = Atomics.add(counter, 0, 1)) {
      outcomes[i] = here(jobs[i]);
    }
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  await Promise.all(ended);
  for (let i = 0; i < n; i++) {
    outcomes[i] ??= here(jobs[i]);
  }
  return outcomes as Outcome[];
}

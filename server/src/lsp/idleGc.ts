// Gives memory back once the server is idle.
//
// A burst of work (opening a large design, typing into it, checking quick fixes) makes
// V8 grow its heap, and it keeps what it grew to: the garbage of the burst waits for the
// next collection, which may not come for minutes while the editor sits still. With a
// 1,000-line design open, that was 110 MB of RSS with 11 MB of the heap alive. So, once
// no analysis has run and no request has arrived for IDLE_MS, and the heap has grown by
// GROWTH_BYTES since the last such collection — in use (garbage) or committed (pages V8
// took for the burst) — the server runs one full collection, compacting (see
// `compacting`). A keystroke that arrives during it waits for it (~20 ms at 1k lines,
// ~115 ms at 50k): hence the wait for a pause in typing first, and the growth
// threshold, so that an idle editor is not collected again and again.
//
// node:v8 and node:vm load on first use (~2.5 ms at start-up otherwise): the first
// collection comes a second after the first work at the earliest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const v8 = (): typeof import('node:v8') => require('node:v8');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vm = (): typeof import('node:vm') => require('node:vm');

export const IDLE_MS = 1000;
/** How much the heap may grow (in use or committed, bytes) after an idle collection before the next is worth running. */
export const GROWTH_BYTES = 8 * 1024 * 1024;

/**
 * V8's full collection, without starting Node with --expose-gc (the editor starts the
 * server, with whatever flags it chooses): the flag is set, `gc` taken from a fresh
 * context, and the flag unset again — as jest-leak-detector does. Undefined if V8 refuses.
 */
export function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') {
    return existing;
  }
  try {
    v8().setFlagsFromString('--expose-gc');
    const gc = vm().runInNewContext('gc') as unknown;
    v8().setFlagsFromString('--no-expose-gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A full collection that also compacts the old generation: moves what is alive onto as
 * few pages as it takes, so that the pages the burst filled with garbage go back to the
 * system. A plain full collection frees the garbage but keeps pages where a little is
 * alive: after the same work, a server at 1k lines rested at 75 MB or at 100 MB from one
 * run to the next, 96–120 MB at 10k, 175 MB at 50k; compacted, 74, 87 and 144 MB every
 * time. It costs about twice a plain collection (~20 ms at 1k lines, ~40 at 10k, ~115 at
 * 50k), once, after a pause. V8 compacts when its own heuristics say so; the flag makes
 * it compact every page for this one collection, and is unset again at once.
 */
export function compacting(gc: () => void): () => void {
  return () => {
    let set = false;
    try {
      v8().setFlagsFromString('--compact-on-every-full-gc');
      set = true;
    } catch {
      // Then a plain collection, which still frees the garbage.
    }
    try {
      gc();
    } finally {
      if (set) {
        v8().setFlagsFromString('--no-compact-on-every-full-gc');
      }
    }
  };
}

/**
 * The server's collection: `compacting(exposeGc())`, made on its first call rather than
 * at start-up; a no-op if V8 refuses to expose its gc.
 */
export function lazyCompactingGc(): () => void {
  let made = false;
  let gc: (() => void) | undefined;
  return () => {
    if (!made) {
      made = true;
      const g = exposeGc();
      gc = g && compacting(g);
    }
    gc?.();
  };
}

export interface IdleCollectorOptions {
  gc: (() => void) | undefined;
  /** The heap now (bytes): in use, garbage included, and committed; V8's heap statistics unless a test passes its own. */
  heap?: () => { used: number; total: number };
  /** Milliseconds (performance.now unless a test passes its own clock). */
  now?: () => number;
  idleMs?: number;
  growthBytes?: number;
}

export class IdleCollector {
  private timer?: NodeJS.Timeout;
  private readonly heap: () => { used: number; total: number };
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly growthBytes: number;
  private lastWork = 0;
  /** The heap after the last idle collection (at first: when the collector was made). */
  private baseline: { used: number; total: number };
  /** How many collections ran. */
  collections = 0;

  constructor(private readonly options: IdleCollectorOptions) {
    this.heap =
      options.heap ??
      (() => {
        // V8's used_heap_size and total_heap_size, without loading node:v8.
        const m = process.memoryUsage();
        return { used: m.heapUsed, total: m.heapTotal };
      });
    this.now = options.now ?? (() => performance.now());
    this.idleMs = options.idleMs ?? IDLE_MS;
    this.growthBytes = options.growthBytes ?? GROWTH_BYTES;
    this.baseline = this.heap();
  }

  /** Work happened: the idle wait starts again. Cheap: a clock read, and a timer only when none is set. */
  noteWork(): void {
    if (!this.options.gc) {
      return;
    }
    this.lastWork = this.now();
    this.arm(this.idleMs);
  }

  private arm(ms: number): void {
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.check();
      }, ms);
      // Never what keeps the process alive.
      this.timer.unref();
    }
  }

  /** What the timer runs (tests call it with their own clock): collect if idle long enough and grown. */
  check(): void {
    const gc = this.options.gc;
    if (!gc) {
      return;
    }
    const quiet = this.now() - this.lastWork;
    if (quiet < this.idleMs) {
      this.arm(this.idleMs - quiet);
      return;
    }
    const now = this.heap();
    if (now.used - this.baseline.used < this.growthBytes && now.total - this.baseline.total < this.growthBytes) {
      return;
    }
    gc();
    this.collections++;
    // V8 releases the freed pages after the collection: a total that shrinks later only
    // makes the next threshold easier to reach; it never makes a collection repeat in vain.
    this.baseline = this.heap();
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}

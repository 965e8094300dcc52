// The properties, each with the number of runs `npm test` gives it (a fixed seed and a
// budget that fits CI); `npm run fuzz` runs them ten times longer with a random seed
// (test/fuzz/run.ts). Each property states what must hold for every input of its kind.
import fc from 'fast-check';
import { IncrementalAnalyzer } from '../../server/src/engine/analyze';
import { defaultSettings } from '../../server/src/engine/rule';
import {
  anyTextArb,
  applyEdit,
  designArb,
  editSessionArb,
  FRAGMENTS,
  mutate,
  mutatedDesignArb,
  mutatedFileArb,
  scaledArb,
  scaledText,
} from './arbitraries';
import { checkAnalysis, checkFixes, checkIncrementalStep, checkLimits, timeBoundMs } from './checks';
import { strict as assert } from 'node:assert';
import { CHAR_RUN_PROPERTIES } from './charRuns';

export interface PropertyDef {
  name: string;
  /** Runs under `npm test`. */
  runs: number;
  property(): fc.IPropertyWithHooks<unknown[]> | fc.IProperty<unknown[]>;
  /** False for properties whose runs are too slow to shrink a counterexample. */
  shrink?: boolean;
  /** The input of a counterexample as text, to save in test/corpus/. */
  textOf?(args: unknown[]): string | undefined;
}

const offsetsArb = fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 4 });
const spread = (text: string, raw: number[]) => raw.map((r) => (text.length ? r % (text.length + 1) : 0));

export const PROPERTIES: PropertyDef[] = [
  {
    name: 'valid designs: valid YAML, no DSN001, analysis bounded and well formed',
    runs: 600,
    property: () =>
      fc.property(designArb('valid'), offsetsArb, (d, offs) => {
        const a = checkAnalysis(d.text, null, spread(d.text, offs));
        assert.deepEqual(
          a.parsed.problems.map((p) => p.message),
          [],
          'the generator writes valid YAML',
        );
      }),
    textOf: (args) => (args[0] as { text: string }).text,
  },
  {
    name: 'almost valid designs and mutated designs: no throw, ranges inside, bounded time',
    runs: 800,
    property: () => fc.property(mutatedDesignArb, offsetsArb, (d, offs) => void checkAnalysis(d.text, null, spread(d.text, offs))),
    textOf: (args) => (args[0] as { text: string }).text,
  },
  {
    name: 'mutated examples and fixtures: no throw, ranges inside, bounded time',
    runs: 1000,
    property: () => fc.property(mutatedFileArb, offsetsArb, (m, offs) => void checkAnalysis(m.text, null, spread(m.text, offs))),
    textOf: (args) => (args[0] as { text: string }).text,
  },
  {
    name: 'incremental analysis equals analyze() after every edit',
    runs: 300,
    property: () =>
      fc.property(editSessionArb, ([start, steps]) => {
        const inc = new IncrementalAnalyzer();
        let text = start;
        checkIncrementalStep(inc, text, 'opening');
        steps.forEach((s, i) => {
          text = s.kind === 'edit' ? applyEdit(text, s.e) : mutate(text, s.m);
          checkIncrementalStep(inc, text, `step ${i + 1} (${JSON.stringify(s)})`);
        });
      }),
    textOf: (args) => {
      const [start, steps] = args[0] as [string, Array<{ kind: string; e?: unknown; m?: unknown }>];
      let text = start;
      for (const s of steps) {
        text = s.kind === 'edit' ? applyEdit(text, s.e as never) : mutate(text, s.m as never);
      }
      return text;
    },
  },
  {
    name: 'quick fixes on random designs: valid YAML, comments kept, local, finding gone, no new DSN, idempotent',
    runs: 200,
    property: () => fc.property(fc.oneof(designArb('valid'), designArb('nearly')), (d) => void checkFixes(d.text, null, 25)),
    textOf: (args) => (args[0] as { text: string }).text,
  },
  {
    name: 'limits: each limit hit yields a finding that names its setting',
    runs: 500,
    property: () =>
      fc.property(
        anyTextArb,
        fc.record({
          maxFileSize: fc.oneof(fc.constant(defaultSettings.limits.maxFileSize), fc.integer({ min: 1, max: 4000 })),
          maxAliasExpansion: fc.oneof(fc.constant(defaultSettings.limits.maxAliasExpansion), fc.integer({ min: 1, max: 60 })),
          maxFindings: fc.oneof(fc.constant(defaultSettings.limits.maxFindings), fc.integer({ min: 1, max: 8 })),
          maxNestingDepth: fc.oneof(fc.constant(defaultSettings.limits.maxNestingDepth), fc.integer({ min: 1, max: 8 })),
        }),
        (text, limits) => checkLimits(text, limits),
      ),
    textOf: (args) => args[0] as string,
  },
  {
    name: 'large inputs: a fragment repeated thousands of times analyses in time linear in its length',
    runs: 4,
    shrink: false,
    property: () =>
      fc.property(scaledArb, ([fragment, n]) => {
        // n and 4n repetitions: linear work takes about 4 times as long, quadratic 16.
        // Each is timed twice, alternately, and the faster time counts: a busy machine
        // slows one run, rarely both.
        const small = scaledText(fragment, n);
        const large = scaledText(fragment, 4 * n);
        const time = (t: string) => {
          const t0 = performance.now();
          checkAnalysis(t);
          return performance.now() - t0;
        };
        const [a1, a4, b1, b4] = [time(small), time(large), time(small), time(large)];
        const [ms1, ms4] = [Math.min(a1, b1), Math.min(a4, b4)];
        const name = `${FRAGMENTS[fragment].name} ×${n} (${small.length} characters): ${ms1.toFixed(0)} ms; ×${4 * n}: ${ms4.toFixed(0)} ms`;
        assert.ok(ms4 <= 10 * ms1 + timeBoundMs(0) / 3, `grows faster than the text: ${name}`);
      }),
    textOf: (args) => {
      const [fragment, n] = args[0] as [number, number];
      return scaledText(fragment, 4 * n);
    },
  },
  (require('./hostileCache') as typeof import('./hostileCache')).HOSTILE_CACHE_PROPERTY, // eslint-disable-line @typescript-eslint/no-require-imports -- hostile cache files (issue 15)
  ...CHAR_RUN_PROPERTIES,
];

export interface RunOptions {
  seed: number;
  /** Shrink a counterexample (slow for some properties: `npm test` reports the first one and the replay command). */
  shrink?: boolean;
  /** Multiplies each property's runs. */
  scale?: number;
  /** Overrides each property's runs. */
  runs?: number;
  /** Replays one counterexample (fast-check's `path`). */
  path?: string;
}

/** Runs one property; throws fast-check's report (seed, path, shrunk counterexample) on failure. */
export function runProperty(def: PropertyDef, o: RunOptions): void {
  const numRuns = o.runs ?? Math.max(1, Math.round(def.runs * (o.scale ?? 1)));
  fc.assert(def.property() as fc.IProperty<unknown[]>, { seed: o.seed, numRuns, ...(o.path ? { path: o.path } : {}), endOnFailure: def.shrink === false || o.shrink === false });
}

/** The shrunk counterexample of a failed run, as text (for test/corpus/), or undefined. */
export function counterexampleText(def: PropertyDef, o: RunOptions): string | undefined {
  const numRuns = o.runs ?? Math.max(1, Math.round(def.runs * (o.scale ?? 1)));
  const details = fc.check(def.property() as fc.IProperty<unknown[]>, { seed: o.seed, numRuns, ...(o.path ? { path: o.path } : {}), endOnFailure: def.shrink === false });
  if (!details.failed || !details.counterexample || !def.textOf) {
    return undefined;
  }
  return def.textOf(details.counterexample as unknown[]);
}

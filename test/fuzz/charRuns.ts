// Long runs of one character class (issue 15, item 1): 40,000 letters after
// `# review-ignore ` took 11 s, because a regex backtracked over them. This property puts
// a run of one class — letters, digits, spaces, each punctuation mark, the mixes YAML
// gives meaning to — at a place in a design where some scanner looks (a comment, a key,
// a value, a quoted string, a flow list, a block scalar, anywhere in a generated design),
// and asks that twice the run take at most about three times the time, within the
// analysis's own time bound, and that the editor features work at its end.
import fc from 'fast-check';
import { strict as assert } from 'node:assert';
import { analyze } from '../../server/src/engine/analyze';
import { designArb } from './arbitraries';
import { checkEditorFeatures, checkFindings, timeBoundMs } from './checks';
import type { PropertyDef } from './properties';

/** The classes: single characters of every kind, and pairs that YAML's scanners treat specially. */
export const RUN_UNITS = [
  'a', 'Z', '7', ' ', '\t', 'é', '🙂', '\u00a0',
  ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  'a1', 'a ', 'a:', ': ', '- ', '# ', 'a,', ', ', '\\"', "''", 'a-', '1.', '&a', '*a', '? ', '{a', '[a', 'a\t',
];

/** Where a run goes: a template around it, or anywhere in a generated design. */
export const RUN_PLACES: Array<{ name: string; around(run: string): string }> = [
  { name: 'a review-ignore comment', around: (r) => `design: w\ndsl: 1\nservices: [] # review-ignore ${r}\n` },
  { name: 'a review-ignore comment with ids', around: (r) => `design: w\ndsl: 1\n# review-ignore DLV001, ${r}\nchannels: [{name: c}]\n` },
  { name: 'a comment line', around: (r) => `design: w\ndsl: 1\n# ${r}\n` },
  { name: 'a top-level key', around: (r) => `design: w\ndsl: 1\n${r}: x\n` },
  { name: 'a top-level line without a colon', around: (r) => `design: w\ndsl: 1\nk${r}\n` },
  { name: 'a plain value', around: (r) => `design: w${r}\ndsl: 1\n` },
  { name: 'a double-quoted value', around: (r) => `design: "${r}"\ndsl: 1\n` },
  { name: 'a single-quoted value', around: (r) => `design: '${r}'\ndsl: 1\n` },
  { name: 'a flow list', around: (r) => `design: w\ndsl: 1\nowners: [${r}]\n` },
  { name: 'a flow mapping', around: (r) => `design: w\ndsl: 1\nservices: [{name: ${r}}]\n` },
  { name: 'a block scalar', around: (r) => `design: w\ndsl: 1\ndescription: |\n  ${r}\n` },
  { name: 'a nested key', around: (r) => `design: w\ndsl: 1\nservices:\n  - name: s\n    ${r}: 1\n` },
  { name: 'a list item', around: (r) => `design: w\ndsl: 1\nservices:\n  - ${r}\n` },
  { name: 'a duration', around: (r) => `design: w\ndsl: 1\nservices:\n  - name: s\n    operations:\n      - name: o\n        timeout: 1${r}\n` },
  { name: 'a waiver path', around: (r) => `design: w\ndsl: 1\nreview:\n  waivers:\n    - {rule: DLV001, at: "$.${r}", reason: r}\n` },
];

function run(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/**
 * The CPU time of one analysis: on a machine shared with other work (a load of 19 on two
 * cores was seen) the wall-clock time counts the other processes too.
 */
function cpuMs(text: string): number {
  const c0 = process.cpuUsage();
  analyze(text);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const N = 50_000;

/** The property's input: a class, a place (or a generated design and an offset in it). */
const charRunArb = fc.record({
  unit: fc.constantFrom(...RUN_UNITS),
  place: fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: RUN_PLACES.length - 1 }).map((i) => ({ kind: 'template' as const, i })) },
    { weight: 1, arbitrary: fc.tuple(designArb('valid'), fc.nat()).map(([d, at]) => ({ kind: 'design' as const, text: d.text, at })) },
  ),
});

type CharRun = typeof charRunArb extends fc.Arbitrary<infer T> ? T : never;

export function charRunText(c: CharRun, n: number): string {
  const r = run(c.unit, n);
  if (c.place.kind === 'template') {
    return RUN_PLACES[c.place.i].around(r);
  }
  const at = c.place.at % (c.place.text.length + 1);
  return c.place.text.slice(0, at) + r + c.place.text.slice(at);
}

function describeRun(c: CharRun): string {
  return `${JSON.stringify(c.unit)} in ${c.place.kind === 'template' ? RUN_PLACES[c.place.i].name : `a generated design at offset ${c.place.at}`}`;
}

export const CHAR_RUN_PROPERTIES: PropertyDef[] = [
  {
    name: 'long runs of one character class: analysis linear in the run, editor features at its end',
    runs: 20,
    shrink: false,
    property: () =>
      fc.property(charRunArb, (c) => {
        const small = charRunText(c, N / 2);
        const large = charRunText(c, N);
        // Well formed, and hover/completion/navigation at the run's end (the completion
        // regexes read the line up to the cursor) and elsewhere.
        const a = analyze(large);
        checkFindings(a, large);
        const end = large.indexOf(run(c.unit, N)) + N;
        checkEditorFeatures(a, [0, end - 1, end, Math.floor(large.length / 2), large.length]);
        // Twice the run, about twice the time: each timed twice, alternately, the faster
        // counting; and within the analysis's time bound.
        const [a1, a2, b1, b2] = [cpuMs(small), cpuMs(large), cpuMs(small), cpuMs(large)];
        const [t1, t2] = [Math.min(a1, b1), Math.min(a2, b2)];
        assert.ok(t2 <= timeBoundMs(large.length), `${describeRun(c)}: ${large.length} characters took ${t2.toFixed(0)} ms of CPU, over the bound of ${timeBoundMs(large.length).toFixed(0)} ms`);
        assert.ok(
          t2 <= 3 * t1 + timeBoundMs(0) / 3,
          `grows faster than the run: ${describeRun(c)}: ${N / 2} characters ${t1.toFixed(0)} ms, ${N}: ${t2.toFixed(0)} ms`,
        );
      }),
    textOf: (args) => charRunText(args[0] as CharRun, N),
  },
];

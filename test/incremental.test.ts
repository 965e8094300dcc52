// The incremental analysis equals a full analysis of the same text, after every edit of
// random edit sequences over the bundled examples and generated designs (issue: speed).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { analyze, Analysis, fixesFor, IncrementalAnalyzer } from '../server/src/engine/analyze';
import { generateDesign } from './bench/generate';
import { ChunkCache } from '../server/src/engine/yaml/chunks';
import { computeLineStarts, ParsedYaml } from '../server/src/engine/yaml/parse';

const ROOT = path.join(__dirname, '..', '..');

function observable(a: Analysis): string {
  return JSON.stringify({
    findings: a.findings.map((f) => [f.ruleId, f.severity, f.range, f.message, f.path, f.related ?? null, f.fixable ?? false]),
    waived: a.waived.map((f) => [f.ruleId, f.range, f.waiver.reason]),
    errors: a.ruleErrors.map((e) => e.ruleId),
  });
}

/** mulberry32: a fixed seed makes every run the same sequence. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const WORDS = ['x', 'timeout: 3s', 'retry', '- ', '#', ': ', '\n', '  ', 'e', '7', '"', '[', 'name: y\n'];

/** One random edit: what a person does while typing, pasting and deleting lines. */
function edit(text: string, r: (n: number) => number): string {
  const pos = r(text.length + 1);
  const ls = text.lastIndexOf('\n', pos - 1) + 1;
  const nl = text.indexOf('\n', pos);
  const le = nl < 0 ? text.length : nl + 1;
  switch (r(6)) {
    case 0:
      return text.slice(0, pos) + WORDS[r(WORDS.length)] + text.slice(pos);
    case 1:
      return text.slice(0, pos) + text.slice(pos + 1 + r(4));
    case 2:
      return text.slice(0, ls) + text.slice(le); // delete a line
    case 3:
      return text.slice(0, ls) + text.slice(ls, le) + text.slice(ls); // duplicate a line
    case 4: {
      const m = /[a-z0-9]/.exec(text.slice(pos)); // change a letter of a value or key
      if (!m) {
        return text;
      }
      const q = pos + m.index;
      return text.slice(0, q) + 'abcdefghijklmnopqrstuvwxyz0123456789'[r(36)] + text.slice(q + 1);
    }
    default: {
      // Move a line elsewhere (cut and paste).
      const line = text.slice(ls, le);
      const rest = text.slice(0, ls) + text.slice(le);
      const at = rest.lastIndexOf('\n', r(rest.length)) + 1;
      return rest.slice(0, at) + line + rest.slice(at);
    }
  }
}

function sources(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const f of fs.readdirSync(path.join(ROOT, 'examples')).sort()) {
    out.push([f, fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8')]);
  }
  out.push(['generated 600 lines', generateDesign(600)]);
  out.push(['generated 1200 lines', generateDesign(1200)]);
  return out;
}

test('after every edit of random edit sequences, the incremental analysis equals a full one', () => {
  const r = prng(20261125);
  let analyses = 0;
  let incremental = 0;
  let reusedFindings = 0;
  for (const [name, original] of sources()) {
    const ia = new IncrementalAnalyzer();
    let text = original;
    ia.analyze(text);
    for (let i = 0; i < 50; i++) {
      const before = text;
      text = edit(text, r);
      const got = ia.analyze(text);
      const full = analyze(text);
      analyses++;
      incremental += ia.stats.incremental ? 1 : 0;
      reusedFindings += ia.stats.reusedFindings;
      assert.equal(observable(got), observable(full), `${name}, edit ${i}:\n--- before\n${before}\n--- after\n${text}`);
      // Undo an edit that broke the YAML (and a third of the others), so that a sequence
      // keeps exercising the incremental path instead of drifting into a broken file.
      if (full.parsed.problems.length || r(3) === 0) {
        text = before;
        assert.equal(observable(ia.analyze(text)), observable(analyze(text)), `${name}, undo of edit ${i}`);
      }
    }
  }
  // The comparison means something only if the incremental path was taken often.
  assert.ok(incremental > analyses / 3, `only ${incremental} of ${analyses} analyses were incremental`);
  assert.ok(reusedFindings > 0, 'no findings were reused');
});

test('typing a word character by character, then deleting it, stays equal to a full analysis', () => {
  const r = prng(7);
  for (const [name, original] of sources()) {
    const ia = new IncrementalAnalyzer();
    let text = original;
    ia.analyze(text);
    for (let s = 0; s < 4; s++) {
      let at = r(text.length);
      const word = ['retry', 'timeout: 3s', 'exactly-once', 'R9', '-'][r(5)];
      for (const ch of word) {
        text = text.slice(0, at) + ch + text.slice(at);
        at++;
        assert.equal(observable(ia.analyze(text)), observable(analyze(text)), `${name}: typed ${JSON.stringify(ch)} at ${at}`);
      }
      for (let k = 0; k < word.length; k++) {
        at--;
        text = text.slice(0, at) + text.slice(at + 1);
        assert.equal(observable(ia.analyze(text)), observable(analyze(text)), `${name}: deleted at ${at}`);
      }
    }
  }
});

test('an edit inside one list item re-parses and re-checks that item only', () => {
  const text = generateDesign(2000);
  const ia = new IncrementalAnalyzer();
  ia.analyze(text);
  const at = text.indexOf('timeout: ', Math.floor(text.length / 2));
  const edited = text.slice(0, at) + 'timeout: 9' + text.slice(at + 'timeout: '.length + 1);
  ia.analyze(edited);
  assert.equal(ia.stats.incremental, true);
  assert.equal(ia.stats.parsedChunks, 1);
  assert.equal(ia.stats.builtItems, 1);
  assert.ok(ia.stats.reusedChunks > 50, `reused ${ia.stats.reusedChunks} chunks`);
  assert.ok(ia.stats.reusedItems > 50, `reused ${ia.stats.reusedItems} items`);
});

/** Where every element, field and YAML node of an analysis stands: what a reused object that was moved and not moved back would change. */
function placed(a: Analysis): string {
  const nodes: unknown[] = [];
  const walk = (n: unknown): void => {
    const x = n as { range?: number[]; items?: unknown[]; key?: unknown; value?: unknown } | null;
    if (!x || typeof x !== 'object') {
      return;
    }
    if (x.range) {
      nodes.push(x.range.slice());
    }
    if (x.items) {
      x.items.forEach(walk);
    } else if ('key' in x && 'value' in x) {
      walk(x.key);
      walk(x.value);
    }
  };
  walk(a.parsed.doc.contents);
  return JSON.stringify({
    elements: a.design.all.map((e) => [e.kind, e.path, e.range, e.anchor, [...e.fields.values()].map((f) => [f.key, f.keyRange, f.range, f.pairRange, f.items?.map((it) => it.range) ?? null])]),
    nodes,
  });
}

test('checking quick fixes leaves the analysis they were checked on, and the next edit, exactly as a full analysis has them', () => {
  // Each fix is checked by analysing the fixed text with the document's own caches, then
  // the original text again, which must move every reused node, element and finding back.
  const r = prng(42);
  let checked = 0;
  for (const [name, original] of sources()) {
    const ia = new IncrementalAnalyzer();
    let text = original;
    let a = ia.analyze(text);
    for (let i = 0; i < 5; i++) {
      const before = placed(a) + observable(a);
      const fixable = a.findings.filter((x) => x.fixable);
      for (const f of fixable.filter((_, k) => k % Math.ceil(fixable.length / 6) === i % Math.ceil(fixable.length / 6))) {
        const viaCaches = fixesFor(a, f).map((x) => x.title);
        // An analysis from analyze() checks its fixes by a full analysis of the fixed text.
        assert.deepEqual(viaCaches, fixesFor(analyze(text), a.findings.find((x) => x === f)!).map((x) => x.title), `${name}: fixes of ${f.ruleId} at ${f.range}`);
        checked++;
      }
      const full = analyze(text);
      assert.equal(placed(a) + observable(a), before, `${name}: the analysis moved while its fixes were checked`);
      assert.equal(placed(a) + observable(a), placed(full) + observable(full), `${name}, edit ${i}`);
      text = edit(text, r);
      a = ia.analyze(text);
      const next = analyze(text);
      assert.equal(placed(a) + observable(a), placed(next) + observable(next), `${name}: the edit after checking fixes, ${i}`);
    }
  }
  assert.ok(checked > 40, `only ${checked} findings had fixes to check`);
});

test('checking the fixes of an analysis that is no longer the latest moves nothing of the latest', () => {
  const text = generateDesign(600).replace('backoff: exponential-jitter', 'backoff: fixed');
  const ia = new IncrementalAnalyzer();
  const old = ia.analyze(text);
  const edited = 'name: changed\n' + text.slice(text.indexOf('\n') + 1);
  const latest = ia.analyze(edited);
  const before = placed(latest) + observable(latest);
  const f = old.findings.find((x) => x.ruleId === 'RTY006')!;
  assert.ok(f, 'the design has a fixed backoff to fix');
  // `old` itself is invalid now (its reused objects moved with the edit): what its fixes
  // are does not matter, only that checking them leaves the latest analysis alone.
  fixesFor(old, f);
  assert.equal(placed(latest) + observable(latest), before);
});

test('after every edit of random edit sequences, the chunker cuts, counts lines and places comments and nodes as it does from scratch', () => {
  // The chunker keeps its line starts and cut points from one text to the next and cuts
  // again only around the edit: each of them, and what it places with them, must equal
  // what a chunker with nothing kept finds, and the line starts what a scan of the text finds.
  const r = prng(99);
  let recut = 0;
  let total = 0;
  const shape = (p: ParsedYaml | undefined) =>
    p && JSON.stringify({ comments: p.comments, lineStarts: p.lineStarts, nodes: rangesOf(p.doc.contents) });
  for (const [name, original] of sources()) {
    const cc = new ChunkCache();
    let text = original;
    cc.parse(text);
    for (let i = 0; i < 60; i++) {
      const before = text;
      text = edit(text, r);
      const got = cc.parse(text);
      const fresh = new ChunkCache();
      const want = fresh.parse(text);
      const where = `${name}, edit ${i}:\n--- before\n${before}\n--- after\n${text}`;
      assert.equal(shape(got), shape(want), where);
      if (got) {
        assert.deepEqual(got.lineStarts, computeLineStarts(text), where);
        assert.deepEqual(cc.lastCuts, fresh.lastCuts, where);
        total++;
        recut += cc.lastCut < fresh.lastCuts.length / 2 ? 1 : 0;
      }
      if (!want || r(3) === 0) {
        text = before;
        assert.equal(shape(cc.parse(text)), shape(new ChunkCache().parse(text)), `${name}, undo of edit ${i}`);
      }
    }
  }
  assert.ok(recut > total / 2, `only ${recut} of ${total} parses cut around the edit`);
});

function rangesOf(n: unknown): unknown[] {
  const out: unknown[] = [];
  const walk = (x: { range?: number[]; items?: unknown[]; key?: unknown; value?: unknown } | null): void => {
    if (!x || typeof x !== 'object') {
      return;
    }
    if (x.range) {
      out.push(x.range);
    }
    if (x.items) {
      x.items.forEach((it) => walk(it as typeof x));
    } else if ('key' in x && 'value' in x) {
      walk(x.key as typeof x);
      walk(x.value as typeof x);
    }
  };
  walk(n as Parameters<typeof walk>[0]);
  return out;
}

test('an edit that makes the chunker give up (a marker, an anchor, a tab, a lone CR) is noticed around the edit', () => {
  // The chunker looks for these only where the text changed: each edit here makes one,
  // some just after the edit's end, and a chunker with nothing kept gives up on each.
  const design = 'design: x\ndsl: 1\nrequirements:\n- id: R1\n  text: a\n#...\n- id: R2\n  text: b\n#---\n- id: R3\n  text: c\n';
  const cases: Array<[string, string, (t: string) => string]> = [
    ['a document end after a deleted #', design, (t) => t.replace('#...', '...')],
    ['a document start after a deleted #', design, (t) => t.replace('#---', '---')],
    ['an anchor', design, (t) => t.replace('text: b', 'text: &b')],
    ['a tab', design, (t) => t.replace('text: b', 'text:\tb')],
    // `yaml` reads `# c\r- id: R2` as one comment, and the chunk as valid: only the chunker notices.
    ['a CR that lost its LF', 'design: x\r\nrequirements:\r\n- id: R1\r\n# c\r\n- id: R2\r\n', (t) => t.replace('# c\r\n', '# c\r')],
  ];
  for (const [what, before, change] of cases) {
    const cc = new ChunkCache();
    assert.ok(cc.parse(before), `${what}: the text before is cut`);
    const after = change(before);
    assert.notEqual(after, before);
    assert.equal(new ChunkCache().parse(after), undefined, `${what}: a chunker from scratch gives up`);
    assert.equal(cc.parse(after), undefined, `${what}: the chunker that kept the text before gives up`);
  }
});

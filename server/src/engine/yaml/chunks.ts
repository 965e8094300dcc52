// Incremental parsing. A design is a mapping of a few top-level keys whose values are
// mostly long block lists (services, channels, data, workflows); an edit almost always
// stays inside one list item. So the text is cut into chunks — one per top-level key, and
// one per item of a top-level block list — each chunk is parsed on its own, and a chunk
// whose text is unchanged is not parsed again: its nodes are reused, shifted to where the
// chunk now stands. The assembled Document has the same nodes and ranges as a full parse.
//
// One difference is known and harmless: a list item whose last line is a comment, nested
// deeper than the item, ends in a full parse after the next line's indentation, and here
// at that line's start. No finding, fix or waiver depends on trailing white space.
//
// Wherever else that could differ from a full parse, this module gives up and the caller parses
// the whole text: anchors (aliases reach across chunks), directives and document markers,
// a root that is not a block mapping, and any chunk with a syntax error (errors depend on
// context). Tests compare the two on random edit sequences.
import { Document, isMap, isPair, isScalar, isSeq, LineCounter, Pair, Composer, YAMLMap, YAMLSeq } from 'yaml';
import { COMPOSER_OPTIONS, computeLineStarts, Comment, lineOf, duplicateKeys, MAX_PARSE_DEPTH, ParsedYaml, tokenize } from './parse';

interface ChunkParse {
  /** For a key chunk: the pair; for an item chunk: the item node. */
  node: unknown;
  /** The block sequence of an item chunk, whose range marks the item's `-`. */
  seqRange?: [number, number, number];
  /** The range of the chunk's own root collection (a full parse's root ends where the last one does). */
  outer: [number, number, number];
  /** Comments, at the offsets the chunk's nodes are shifted to. */
  comments: Comment[];
  /** The line of each comment, counted from the chunk's first line. */
  commentLines: number[];
  /** The offset its nodes are currently shifted to. */
  base: number;
  /** How deep its collections nest, counted as in the whole document (the root mapping is 0). */
  depth: number;
  /**
   * Every range array of its nodes, `outer` and `seqRange`: listed on the chunk's first
   * move, so that moving it again is one loop instead of a walk of the node tree.
   */
  ranges?: number[][];
  /** Whether its nodes were moved from the chunk's own offsets to the document's. */
  placed?: boolean;
}

export interface Chunk {
  kind: 'key' | 'item';
  start: number;
  end: number;
  /** For a key chunk that heads a block list: the items follow as their own chunks. */
  list?: boolean;
  /** The index of its first line. */
  line: number;
  /** The indentation of list items the cutter holds after the chunk's first line (-1: none). */
  indent: number;
}

/** What the last successful call left: the next call cuts and parses only around the edit. */
interface State {
  text: string;
  lineStarts: number[];
  chunks: Chunk[];
  parses: ChunkParse[];
}

/** Where two texts differ: `text` is `prev` with `prev[start, oldEnd)` replaced by `text[start, newEnd)`. */
export interface Edit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

export class ChunkCache {
  private state?: State;
  /** Chunks parsed (not reused) by the last call: for tests and the benchmark. */
  lastParsed = 0;
  lastReused = 0;
  /** Chunks cut again by the last call (all of them when it had nothing to start from): for tests. */
  lastCut = 0;
  /** The cuts of the last successful call: for tests (a recut must equal a cut from scratch). */
  lastCuts: readonly Readonly<Chunk>[] = [];

  clear(): void {
    this.state = undefined;
    this.lastCuts = [];
    this.lastParsed = 0;
    this.lastReused = 0;
    this.lastCut = 0;
  }

  /**
   * The parse of `text` from chunks, or undefined where only a full parse is exact.
   * After a successful call, the next one finds where its text differs from this one's
   * (a keystroke: one place), updates the line starts and cuts again only around that
   * place; the chunks it does not touch keep their parse, moved by the edit's length.
   */
  parse(text: string, maxNestingDepth = Infinity): ParsedYaml | undefined {
    const prev = this.state;
    let lineStarts: number[];
    let chunks: Chunk[] | undefined;
    let parses: Array<ChunkParse | undefined>;
    this.lastParsed = 0;
    this.lastReused = 0;
    /** Old parses that may serve a chunk cut again, by text (an unchanged chunk in the cut region). */
    let spare: Map<string, ChunkParse[]> | undefined;
    if (prev) {
      const e = editBetween(prev.text, text);
      lineStarts = updateLineStarts(prev.lineStarts, text, e);
      if (!cleanAround(text, e, lineStarts)) {
        this.clear();
        return undefined;
      }
      const cut = recut(text, lineStarts, prev, e);
      if (!cut) {
        this.clear();
        return undefined;
      }
      chunks = cut.chunks;
      parses = cut.parses;
      spare = cut.spare;
      this.lastCut = cut.cut;
    } else {
      // A lone CR is a line break to the chunker's line starts but not to `yaml`'s lexer
      // (`# c\rkey: v` is one comment there): such text is parsed whole.
      if (text.includes('&') || /^(?:---|\.\.\.|%)/m.test(text) || text.includes('\t') || /\r(?!\n)/.test(text)) {
        this.clear();
        return undefined;
      }
      lineStarts = computeLineStarts(text);
      chunks = [];
      if (cutLines(text, lineStarts, 0, { itemIndent: -1, sawKey: false }, chunks) === undefined) {
        this.clear();
        return undefined;
      }
      parses = new Array(chunks.length);
      this.lastCut = chunks.length;
    }
    const comments: Comment[] = [];
    const root = new YAMLMap();
    let seq: YAMLSeq | undefined;
    let pair: Pair | undefined;
    const keys = new Set<string>();
    let lastChunk: ChunkParse | undefined;
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i];
      let p = parses[i];
      if (!p && spare) {
        // Cut again: unchanged text keeps its parse (the edit moved the cut, or none).
        const list = spare.get(text.slice(c.start, c.end));
        p = list?.pop();
      }
      if (p) {
        this.lastReused++;
        if (p.base !== c.start) {
          move(p, c.start - p.base);
        }
      } else {
        this.lastParsed++;
        p = parseChunk(text.slice(c.start, c.end), c);
        if (!p || p.depth > maxNestingDepth) {
          // Too deep, or unreadable alone: the full parse reports it.
          this.clear();
          return undefined;
        }
        move(p, c.start);
      }
      parses[i] = p;
      if (p.depth > maxNestingDepth) {
        this.clear();
        return undefined;
      }
      lastChunk = p;
      for (let m = 0; m < p.comments.length; m++) {
        const cm = p.comments[m];
        cm.line = c.line + p.commentLines[m];
        comments.push(cm);
      }
      if (c.kind === 'key') {
        // A new pair: the cached one is never mutated, so reusing it stays exact.
        const cached = p.node as Pair;
        pair = new Pair(cached.key, cached.value);
        const key = String((pair.key as { value: unknown }).value);
        if (keys.has(key)) {
          this.clear();
          return undefined; // a duplicate key: the full parse reports it
        }
        keys.add(key);
        root.items.push(pair);
        seq = undefined;
        if (c.list) {
          seq = new YAMLSeq();
          pair.value = seq;
        }
      } else if (seq) {
        seq.items.push(p.node);
        const r = p.seqRange!;
        seq.range = seq.items.length === 1 ? [r[0], r[1], r[2]] : [seq.range![0], r[1], r[2]];
      }
    }
    if (!root.items.length) {
      this.clear();
      return undefined;
    }
    this.state = { text, lineStarts, chunks, parses: parses as ChunkParse[] };
    this.lastCuts = chunks;
    const first = root.items[0] as Pair;
    const lastOuter = lastChunk!.outer;
    root.range = [(first.key as { range: number[] }).range[0], lastOuter[1], lastOuter[2]];
    const doc = new Document(null) as unknown as Document.Parsed;
    (doc as unknown as { contents: unknown }).contents = root;
    const lineCounter = new LineCounter();
    lineCounter.lineStarts = lineStarts;
    return { text, doc, lineCounter, problems: [], comments, lineStarts };
  }
}

/**
 * Where `text` differs from `prev`: the common prefix and suffix, compared a block at a
 * time (a native comparison; a loop over 2.5 MB of characters took milliseconds).
 */
export function editBetween(prev: string, text: string): Edit {
  const n = Math.min(prev.length, text.length);
  const B = 4096;
  let s = 0;
  while (s + B <= n && prev.slice(s, s + B) === text.slice(s, s + B)) {
    s += B;
  }
  while (s < n && prev.charCodeAt(s) === text.charCodeAt(s)) {
    s++;
  }
  const max = n - s;
  const pl = prev.length;
  const tl = text.length;
  let e = 0;
  while (e + B <= max && prev.slice(pl - e - B, pl - e) === text.slice(tl - e - B, tl - e)) {
    e += B;
  }
  while (e < max && prev.charCodeAt(pl - e - 1) === text.charCodeAt(tl - e - 1)) {
    e++;
  }
  return { start: s, oldEnd: pl - e, newEnd: tl - e };
}

/**
 * The line starts of `text` from those of the text before the edit. Both texts have no
 * lone CR (the chunker gives up on one), so a line starts after each `\n` and nowhere else.
 */
export function updateLineStarts(old: readonly number[], text: string, e: Edit): number[] {
  const delta = e.newEnd - e.oldEnd;
  // A line start p belongs to the `\n` at p - 1: kept before the edit, moved after it.
  let i = lineOf(old as number[], e.start) + 1;
  const out = old.slice(0, i);
  for (let at = text.indexOf('\n', e.start); at >= 0 && at < e.newEnd; at = text.indexOf('\n', at + 1)) {
    out.push(at + 1);
  }
  while (i < old.length && old[i] <= e.oldEnd) {
    i++;
  }
  for (; i < old.length; i++) {
    out.push(old[i] + delta);
  }
  return out;
}

/**
 * What makes the chunker give up (an anchor, a tab, a lone CR, a directive or document
 * marker), looked for where the text changed: the text before had none of them.
 */
function cleanAround(text: string, e: Edit, lineStarts: number[]): boolean {
  const inserted = text.slice(e.start, e.newEnd);
  if (inserted.includes('&') || inserted.includes('\t')) {
    return false;
  }
  // A CR before the edit may have lost its LF.
  for (let i = Math.max(0, e.start - 1); i < e.newEnd; i++) {
    if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) !== 10) {
      return false;
    }
  }
  // A line may now begin with a marker: every line start from the edit's line to its end
  // (a marker is at most three characters long).
  const from = lineStarts[lineOf(lineStarts, e.start)];
  return !/^(?:---|\.\.\.|%)/m.test(text.slice(from, Math.min(text.length, e.newEnd + 3)));
}

/**
 * Cuts the text again around an edit. The cut of a line depends on the line, the lines up
 * to the next content line (does a key head a block list?) and the indentation of the
 * list it is in; so cutting restarts at the chunk before the one the edit begins in, and
 * stops at the first cut after the edit that the previous cut also made (a key, or an
 * item at the same indentation): from there on both cuts agree. Chunks before the restart keep their parse where
 * they are, chunks after the stop keep it moved by the edit's length; the chunks cut again
 * may find theirs among the old parses of the cut region by their text.
 */
function recut(
  text: string,
  lineStarts: number[],
  prev: State,
  e: Edit,
): { chunks: Chunk[]; parses: Array<ChunkParse | undefined>; spare: Map<string, ChunkParse[]>; cut: number } | undefined {
  const old = prev.chunks;
  // The chunk the edit begins in.
  let lo = 0;
  let hi = old.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (old[mid].start <= e.start) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  const r = Math.max(0, lo - 1);
  const delta = e.newEnd - e.oldEnd;
  const lineDelta = lineStarts.length - prev.lineStarts.length;
  const chunks = old.slice(0, r);
  const state: CutState = r === 0 ? { itemIndent: -1, sawKey: false } : { itemIndent: old[r - 1].indent, sawKey: true };
  let j = r;
  const resume = (kind: Chunk['kind'], start: number): boolean => {
    if (start < e.newEnd) {
      return false;
    }
    const at = start - delta;
    while (j < old.length && old[j].start < at) {
      j++;
    }
    // An item cut in both holds the list's indentation in both: its own.
    return j > 0 && j < old.length && old[j].start === at && old[j].kind === kind;
  };
  const stopped = cutLines(text, lineStarts, old[r].line, state, chunks, resume);
  if (stopped === undefined) {
    return undefined;
  }
  const end = stopped ? j : old.length;
  const cut = chunks.length - r;
  const parses: Array<ChunkParse | undefined> = prev.parses.slice(0, r);
  parses.length = chunks.length;
  const spare = new Map<string, ChunkParse[]>();
  for (let k = r; k < end; k++) {
    const src = prev.text.slice(old[k].start, old[k].end);
    const list = spare.get(src);
    if (list) {
      list.push(prev.parses[k]);
    } else {
      spare.set(src, [prev.parses[k]]);
    }
  }
  if (stopped) {
    chunks[chunks.length - 1].end = old[end].start + delta;
    // Moved in place: the previous cut is replaced by this one (or dropped if it fails).
    for (let k = end; k < old.length; k++) {
      const c = old[k];
      c.start += delta;
      c.end += delta;
      c.line += lineDelta;
      chunks.push(c);
      parses.push(prev.parses[k]);
    }
  }
  return { chunks, parses, spare, cut };
}

interface CutState {
  itemIndent: number;
  sawKey: boolean;
}

// A plain key's `[^\n:#]*` takes the spaces before the colon too: `[^\n:#]*?[ ]*:` tried
// every split of a run of spaces (quadratic, test/regex-linear.test.ts).
const KEY_LINE = /^(?:"[^"\n]*"[ ]*|'[^'\n]*'[ ]*|[^\s#\-?:\[\]{},&*!|>'"%@`][^\n:#]*):(?:[ ]|$|\r)/;

/**
 * Cuts the text at top-level keys and at the items of top-level block lists, from line
 * `from` on, appending to `chunks` (whose last chunk ends where the next one starts).
 * Before each cut after the first, `resume` may stop it (recut: from there on the old
 * cut holds): true when stopped there, false at the end of the text, undefined where the
 * text is not a block mapping of keys.
 */
function cutLines(
  text: string,
  lineStarts: number[],
  from: number,
  state: CutState,
  chunks: Chunk[],
  resume?: (kind: Chunk['kind'], start: number) => boolean,
): boolean | undefined {
  const n = lineStarts.length;
  const lineAt = (i: number) => {
    const s = lineStarts[i];
    const e = i + 1 < n ? lineStarts[i + 1] : text.length;
    return text.slice(s, e).replace(/\r?\n$/, '');
  };
  let itemIndent = state.itemIndent;
  let sawKey = state.sawKey;
  const first = chunks.length;
  for (let i = from; i < n; i++) {
    const line = lineAt(i);
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) {
      continue;
    }
    const indent = line.length - trimmed.length;
    if (indent === 0 && KEY_LINE.test(line)) {
      // A new top-level key. Comments and blank lines above it stay with the chunk before,
      // as in a full parse they are part of no node either way.
      const start = sawKey ? lineStarts[i] : 0;
      if (resume && chunks.length > first && resume('key', start)) {
        return true;
      }
      if (chunks.length) {
        chunks[chunks.length - 1].end = start;
      }
      sawKey = true;
      const rest = line.slice(line.indexOf(':') + 1).trim();
      const isHeader = rest === '' || rest.startsWith('#');
      const chunk: Chunk = { kind: 'key', start, end: text.length, list: false, line: start === 0 ? 0 : i, indent: -1 };
      chunks.push(chunk);
      itemIndent = -1;
      if (isHeader) {
        // Is the value a block list? Look at the next content line.
        for (let j = i + 1; j < n; j++) {
          const l = lineAt(j);
          const t = l.trimStart();
          if (t === '' || t.startsWith('#')) {
            continue;
          }
          if (/^-(?:[ ]|$)/.test(t)) {
            itemIndent = l.length - t.length;
            chunk.list = true;
          }
          break;
        }
      }
      chunk.indent = itemIndent;
      continue;
    }
    if (!sawKey) {
      return undefined; // the root is not a block mapping of keys
    }
    if (itemIndent >= 0 && indent === itemIndent && /^-(?:[ ]|$)/.test(trimmed)) {
      const start = lineStarts[i];
      if (resume && chunks.length > first && resume('item', start)) {
        return true;
      }
      chunks[chunks.length - 1].end = start;
      chunks.push({ kind: 'item', start, end: text.length, line: i, indent: itemIndent });
      continue;
    }
    if (indent === 0 && itemIndent !== 0) {
      return undefined; // something at the root that is not a key: parse it whole
    }
  }
  return sawKey ? false : undefined;
}

function parseChunk(src: string, c: Chunk): ChunkParse | undefined {
  const composer = new Composer(COMPOSER_OPTIONS);
  const { tokens, comments } = tokenize(src, computeLineStarts(src));
  const docs: Document.Parsed[] = [];
  // Composing is recursive: measure the nesting on the tokens first, as parse.ts does.
  // Too deep to compose: the full parse reports it.
  const depth = nestingDepth(tokens, MAX_PARSE_DEPTH);
  if (depth === undefined) {
    return undefined;
  }
  for (const d of composer.compose(tokens, true, src.length)) {
    docs.push(d);
  }
  if (docs.length !== 1 || docs[0].errors.length || docs[0].warnings.length || duplicateKeys(docs[0]).length) {
    return undefined;
  }
  const contents = docs[0].contents as unknown;
  if (c.kind === 'key') {
    if (!isMap(contents) || contents.items.length !== 1 || !isPair(contents.items[0]) || !isScalar(contents.items[0].key)) {
      return undefined;
    }
    const pair = contents.items[0] as Pair;
    if (c.list && !(pair.value === null || (isScalar(pair.value) && pair.value.value === null))) {
      return undefined;
    }
    return { node: pair, comments, commentLines: comments.map((cm) => cm.line), base: 0, outer: [...(contents.range as [number, number, number])], depth };
  }
  if (!isSeq(contents) || contents.items.length !== 1 || contents.flow) {
    return undefined;
  }
  const r = contents.range as [number, number, number];
  // An item's mapping sits two levels below the root (root mapping, list, item): its own
  // list is level 0 here, so the item's depth in the document is one more.
  return { node: contents.items[0], seqRange: [r[0], r[1], r[2]], comments, commentLines: comments.map((cm) => cm.line), base: 0, outer: [r[0], r[1], r[2]], depth: depth + 1 };
}

/**
 * How deep collections nest in CST tokens (the chunk's root collection is 0), without
 * recursion; undefined past `cap`, where the chunk is left to the full parse.
 */
function nestingDepth(tokens: readonly unknown[], cap: number): number | undefined {
  let max = 0;
  const stack: Array<[unknown, number]> = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [t, d] = stack.pop()!;
    if (!t || typeof t !== 'object') {
      continue;
    }
    const tok = t as { type?: string; value?: unknown; items?: Array<{ key?: unknown; value?: unknown }> };
    if (tok.type === 'document') {
      stack.push([tok.value, d]);
    } else if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      if (d > cap) {
        return undefined;
      }
      if (d > max) {
        max = d;
      }
      for (const it of tok.items ?? []) {
        stack.push([it.key, d + 1], [it.value, d + 1]);
      }
    }
  }
  return max;
}

/**
 * Moves a chunk's nodes, ranges and comments by `delta`. A fresh chunk is walked (most
 * chunks of a document never move again); a chunk that moves again lists its range arrays
 * once, and each move after that is one loop over them.
 */
function move(p: ChunkParse, delta: number): void {
  if (!p.placed) {
    p.placed = true;
    shift(p.node, delta);
    shiftRange(p.outer, delta);
    if (p.seqRange) {
      shiftRange(p.seqRange, delta);
    }
  } else {
    p.ranges ??= rangesOf(p);
    for (const r of p.ranges) {
      r[0] += delta;
      r[1] += delta;
      r[2] += delta;
    }
  }
  for (const cm of p.comments) {
    cm.start += delta;
    cm.end += delta;
  }
  p.base += delta;
}

function shiftRange(r: number[], delta: number): void {
  r[0] += delta;
  r[1] += delta;
  r[2] += delta;
}

/** Calls `f` with the range array of every node of a parsed subtree (pairs have none). */
function forEachRange(node: unknown, f: (r: number[]) => void): void {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.pop() as { range?: number[]; items?: unknown[]; key?: unknown; value?: unknown } | null;
    if (!n || typeof n !== 'object') {
      continue;
    }
    if (isPair(n)) {
      stack.push(n.key, n.value);
      continue;
    }
    if (n.range) {
      f(n.range);
    }
    if (isMap(n) || isSeq(n)) {
      for (const it of (n as YAMLMap | YAMLSeq).items) {
        stack.push(it);
      }
    }
  }
}

/** The range arrays `shift` moves, and the chunk's own. */
function rangesOf(p: ChunkParse): number[][] {
  const out: number[][] = [p.outer];
  if (p.seqRange) {
    out.push(p.seqRange);
  }
  forEachRange(p.node, (r) => out.push(r));
  return out;
}

/** Moves every range of a parsed subtree by `delta`. */
function shift(node: unknown, delta: number): void {
  if (!delta || !node) {
    return;
  }
  forEachRange(node, (r) => shiftRange(r, delta));
}

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
import { CST, Document, isMap, isPair, isScalar, isSeq, LineCounter, Pair, Parser, Composer, YAMLMap, YAMLSeq } from 'yaml';
import { collectComments, collectionDeeperThan, COMPOSER_OPTIONS, computeLineStarts, Comment, duplicateKeys, MAX_PARSE_DEPTH, ParsedYaml } from './parse';

interface ChunkParse {
  /** For a key chunk: the pair; for an item chunk: the item node. */
  node: unknown;
  /** The block sequence of an item chunk, whose range marks the item's `-`. */
  seqRange?: [number, number, number];
  /** The range of the chunk's own root collection (a full parse's root ends where the last one does). */
  outer: [number, number, number];
  /** Comments, relative to the chunk's start. */
  comments: Comment[];
  /** The offset its nodes are currently shifted to. */
  base: number;
  /** How deep its collections nest, counted as in the whole document (the root mapping is 0). */
  depth: number;
}

interface Chunk {
  kind: 'key' | 'item';
  start: number;
  end: number;
  /** For a key chunk that heads a block list: the items follow as their own chunks. */
  list?: boolean;
}

export class ChunkCache {
  private cache = new Map<string, ChunkParse>();
  /** Chunks parsed (not reused) by the last call: for tests and the benchmark. */
  lastParsed = 0;
  lastReused = 0;

  clear(): void {
    this.cache.clear();
    this.lastParsed = 0;
    this.lastReused = 0;
  }

  /**
   * The parse of `text` from chunks, or undefined where only a full parse is exact.
   * Chunks of the previous call that are unchanged are reused.
   */
  parse(text: string, maxNestingDepth = Infinity): ParsedYaml | undefined {
    // A lone CR is a line break to the chunker's line starts but not to `yaml`'s lexer
    // (`# c\rkey: v` is one comment there): such text is parsed whole.
    if (text.includes('&') || /^(?:---|\.\.\.|%)/m.test(text) || text.includes('\t') || /\r(?!\n)/.test(text)) {
      this.clear();
      return undefined;
    }
    const lineStarts = computeLineStarts(text);
    const chunks = split(text, lineStarts);
    if (!chunks) {
      this.clear();
      return undefined;
    }
    const next = new Map<string, ChunkParse>();
    const used = new Set<ChunkParse>();
    const comments: Comment[] = [];
    const root = new YAMLMap();
    let seq: YAMLSeq | undefined;
    let pair: Pair | undefined;
    const keys = new Set<string>();
    let lastChunk: ChunkParse | undefined;
    this.lastParsed = 0;
    this.lastReused = 0;
    for (const c of chunks) {
      const src = text.slice(c.start, c.end);
      let p = this.cache.get(src);
      if (p && !used.has(p)) {
        this.lastReused++;
        if (p.base !== c.start) {
          shift(p.node, c.start - p.base);
          shiftRange(p.outer, c.start - p.base);
          if (p.seqRange) {
            p.seqRange[0] += c.start - p.base;
            p.seqRange[1] += c.start - p.base;
            p.seqRange[2] += c.start - p.base;
          }
          p.base = c.start;
        }
      } else {
        this.lastParsed++;
        p = parseChunk(src, c);
        if (!p || p.depth > maxNestingDepth) {
          // Too deep, or unreadable alone: the full parse reports it.
          this.clear();
          return undefined;
        }
        shift(p.node, c.start);
        shiftRange(p.outer, c.start);
        if (p.seqRange) {
          p.seqRange = [p.seqRange[0] + c.start, p.seqRange[1] + c.start, p.seqRange[2] + c.start];
        }
        p.base = c.start;
      }
      if (p.depth > maxNestingDepth) {
        this.clear();
        return undefined;
      }
      used.add(p);
      lastChunk = p;
      if (!next.has(src)) {
        next.set(src, p);
      }
      for (const cm of p.comments) {
        comments.push({ ...cm, start: cm.start + c.start, end: cm.end + c.start, line: 0 });
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
    this.cache = next;
    if (!root.items.length) {
      return undefined;
    }
    const first = root.items[0] as Pair;
    const lastOuter = lastChunk!.outer;
    root.range = [(first.key as { range: number[] }).range[0], lastOuter[1], lastOuter[2]];
    // Comments carry their line for waivers: computed once here from the line starts.
    let li = 0;
    for (const cm of comments) {
      while (li + 1 < lineStarts.length && lineStarts[li + 1] <= cm.start) {
        li++;
      }
      cm.line = li;
      cm.ownLine = text.slice(lineStarts[li], cm.start).trim().replace(/^\uFEFF/, '') === '';
    }
    const doc = new Document(null) as unknown as Document.Parsed;
    (doc as unknown as { contents: unknown }).contents = root;
    const lineCounter = new LineCounter();
    for (const s of lineStarts.slice(1)) {
      lineCounter.addNewLine(s);
    }
    return { text, doc, lineCounter, problems: [], comments, lineStarts };
  }
}

const KEY_LINE = /^(?:"[^"\n]*"|'[^'\n]*'|[^\s#\-?:\[\]{},&*!|>'"%@`][^\n:#]*?)[ ]*:(?:[ ]|$|\r)/;

/** Cuts the text at top-level keys and at the items of top-level block lists. */
function split(text: string, lineStarts: number[]): Chunk[] | undefined {
  const chunks: Chunk[] = [];
  const n = lineStarts.length;
  const lineAt = (i: number) => {
    const s = lineStarts[i];
    const e = i + 1 < n ? lineStarts[i + 1] : text.length;
    return text.slice(s, e).replace(/\r?\n$/, '');
  };
  let itemIndent = -1;
  let sawKey = false;
  for (let i = 0; i < n; i++) {
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
      if (chunks.length) {
        chunks[chunks.length - 1].end = start;
      }
      sawKey = true;
      const rest = line.slice(line.indexOf(':') + 1).trim();
      const isHeader = rest === '' || rest.startsWith('#');
      chunks.push({ kind: 'key', start, end: text.length, list: false });
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
            chunks[chunks.length - 1].list = true;
          }
          break;
        }
      }
      continue;
    }
    if (!sawKey) {
      return undefined; // the root is not a block mapping of keys
    }
    if (itemIndent >= 0 && indent === itemIndent && /^-(?:[ ]|$)/.test(trimmed)) {
      const start = lineStarts[i];
      chunks[chunks.length - 1].end = start;
      chunks.push({ kind: 'item', start, end: text.length });
      continue;
    }
    if (indent === 0 && itemIndent !== 0) {
      return undefined; // something at the root that is not a key: parse it whole
    }
  }
  return sawKey ? chunks : undefined;
}


function parseChunk(src: string, c: Chunk): ChunkParse | undefined {
  const parser = new Parser();
  const composer = new Composer(COMPOSER_OPTIONS);
  const tokens: CST.Token[] = [];
  const docs: Document.Parsed[] = [];
  for (const t of parser.parse(src)) {
    tokens.push(t);
  }
  // Composing is recursive: measure the nesting on the tokens first, as parse.ts does.
  const depth = nestingDepth(tokens, 400);
  if (depth === undefined) {
    return undefined;
  }
  if (collectionDeeperThan(tokens, MAX_PARSE_DEPTH) !== undefined) {
    return undefined; // too deep to compose: the full parse reports it
  }
  for (const d of composer.compose(tokens, true, src.length)) {
    docs.push(d);
  }
  if (docs.length !== 1 || docs[0].errors.length || docs[0].warnings.length || duplicateKeys(docs[0]).length) {
    return undefined;
  }
  const contents = docs[0].contents as unknown;
  const comments = collectComments(tokens, src, computeLineStarts(src));
  if (c.kind === 'key') {
    if (!isMap(contents) || contents.items.length !== 1 || !isPair(contents.items[0]) || !isScalar(contents.items[0].key)) {
      return undefined;
    }
    const pair = contents.items[0] as Pair;
    if (c.list && !(pair.value === null || (isScalar(pair.value) && pair.value.value === null))) {
      return undefined;
    }
    return { node: pair, comments, base: 0, outer: [...(contents.range as [number, number, number])], depth };
  }
  if (!isSeq(contents) || contents.items.length !== 1 || contents.flow) {
    return undefined;
  }
  const r = contents.range as [number, number, number];
  // An item's mapping sits two levels below the root (root mapping, list, item): its own
  // list is level 0 here, so the item's depth in the document is one more.
  return { node: contents.items[0], seqRange: [r[0], r[1], r[2]], comments, base: 0, outer: [r[0], r[1], r[2]], depth: depth + 1 };
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

function shiftRange(r: number[], delta: number): void {
  r[0] += delta;
  r[1] += delta;
  r[2] += delta;
}

/** Moves every range of a parsed subtree by `delta`. */
function shift(node: unknown, delta: number): void {
  if (!delta || !node) {
    return;
  }
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
      n.range[0] += delta;
      n.range[1] += delta;
      n.range[2] += delta;
    }
    if (isMap(n) || isSeq(n)) {
      for (const it of (n as YAMLMap | YAMLSeq).items) {
        stack.push(it);
      }
    }
  }
}

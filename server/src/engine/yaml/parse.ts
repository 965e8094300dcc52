// The only module family of the engine that imports `yaml` (see docs/architecture.md).
// It turns text into a Document with source ranges, reports syntax problems with exact
// offsets, finds `review-ignore` comments and guards against alias bombs.
import {
  Alias,
  Composer,
  CST,
  YAMLParseError,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node,
  parseDocument,
  Scalar,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import type { Range } from '../types';
import { computeLineStarts, lineOf } from '../lines';
import { newLexer, newParser, retain } from './fastYaml';

// Line arithmetic lives in ../lines.ts, which does not load `yaml`; importers may keep
// importing it from here.
export { computeLineStarts, lineOf };

export { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Scalar, YAMLMap, YAMLSeq };
export type { Node };

export interface SyntaxProblem {
  range: Range;
  code: string;
  message: string;
}

export interface Comment {
  /** Offset of the `#`. */
  start: number;
  /** Offset just past the comment text (before the line break). */
  end: number;
  /** The comment text without `#`, trimmed. */
  text: string;
  /** True when nothing but white space precedes the comment on its line. */
  ownLine: boolean;
  /** Zero-based line of the comment. */
  line: number;
}

export interface ParsedYaml {
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Syntax errors, duplicate keys, multiple documents and alias bombs. */
  problems: SyntaxProblem[];
  comments: Comment[];
  /** Offsets at which each line starts. */
  lineStarts: number[];
}

export interface ParseLimits {
  /** Nodes an alias-expanded walk of the document may visit before it counts as an alias bomb. */
  maxAliasExpansion: number;
  /** The nesting depth a TOO_DEEP problem names when the text is too deep to compose. */
  maxNestingDepth?: number;
}

/**
 * The deepest nesting that is composed into a Document. `yaml` composes recursively: past
 * ~800 levels it runs out of stack, and when that happens inside V8's regular expression
 * compiler the process aborts ("RegExpCompiler Allocation failed"), which no catch can
 * stop. Deeper text is measured on the CST tokens (the lexer keeps its own stack) and not
 * composed at all.
 */
export const MAX_PARSE_DEPTH = 400;

export const defaultParseLimits: ParseLimits = { maxAliasExpansion: 10_000 };

const messages: Record<string, string> = {
  DUPLICATE_KEY: 'duplicate key',
  MULTIPLE_DOCS: 'a design file holds one YAML document; this one has several (split it, or remove the `---` separator)',
};

function cleanMessage(code: string, message: string): string {
  if (messages[code]) {
    return messages[code];
  }
  // `yaml` appends " at line X, column Y:" and a code frame unless prettyErrors is off;
  // with it off some messages still end in a period or carry a trailing code frame.
  const firstLine = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return firstLine.charAt(0).toLowerCase() + firstLine.slice(1);
}

/**
 * How every parse of the engine composes (here and in chunks.ts). `yaml` checks each key
 * against every earlier key of its mapping (quadratic: 50,000 keys took 80 s):
 * duplicateKeys finds the same duplicates in one pass. Nodes do not keep their CST tokens
 * (`srcToken`): nothing reads them after the parse (comments are collected from the token
 * list while it is at hand), and they held half of the heap of an open design.
 */
export const COMPOSER_OPTIONS = { keepSourceTokens: false, prettyErrors: false, uniqueKeys: false, strict: true } as const;

export function parseYaml(text: string, limits: ParseLimits = defaultParseLimits): ParsedYaml {
  const lineCounter = new LineCounter();
  // parseDocument, spelled out so that the same pass yields the comments.
  const lineStarts = computeLineStarts(text);
  const { tokens, comments } = tokenize(text, lineStarts, lineCounter.addNewLine);
  const composer = new Composer(COMPOSER_OPTIONS);
  let doc: Document.Parsed | undefined;
  let extraDoc: Document.Parsed | undefined;
  const tooDeep = collectionDeeperThan(tokens, MAX_PARSE_DEPTH) !== undefined;
  for (const d of tooDeep ? [] : composer.compose(tokens, true, text.length)) {
    if (!doc) {
      doc = d;
    } else if (!extraDoc) {
      extraDoc = d;
    }
  }
  if (!doc) {
    doc = parseDocument('');
  }
  if (extraDoc) {
    const r = extraDoc.range;
    doc.errors.push(new YAMLParseError([r[0], r[0] + 3], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
  }
  for (const at of duplicateKeys(doc)) {
    doc.errors.push(new YAMLParseError([at, at + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  }
  const problems: SyntaxProblem[] = [];
  const flows = new FlowStarts(doc, text);
  for (const e of doc.errors) {
    const start = Math.max(0, Math.min(e.pos[0], text.length));
    const end = Math.max(start, Math.min(e.pos[1], text.length));
    problems.push(refine(doc, text, { range: [start, end], code: e.code, message: cleanMessage(e.code, e.message) }, flows));
  }
  if (tooDeep) {
    const setting = limits.maxNestingDepth ?? MAX_PARSE_DEPTH;
    const limit = Math.min(setting, MAX_PARSE_DEPTH);
    const at = collectionDeeperThan(tokens, limit) ?? 0;
    const capped = setting > MAX_PARSE_DEPTH ? `, which reads at most ${MAX_PARSE_DEPTH}` : '';
    problems.push({
      range: [at, Math.min(at + 1, text.length)],
      code: 'TOO_DEEP',
      message: `nesting deeper than ${limit} levels (setting limits.maxNestingDepth${capped}); the design is not analysed`,
    });
  }
  // Aliases need anchors: a document without `&` cannot be an alias bomb.
  const bomb = text.includes('&') ? findAliasBomb(doc, limits.maxAliasExpansion) : undefined;
  if (bomb) {
    problems.push(bomb);
  }
  problems.sort((a, b) => a.range[0] - b.range[0]);
  return { text, doc, lineCounter, problems, comments, lineStarts };
}

/**
 * Points an error where a user looks for it: a duplicate key on the whole key, an
 * unclosed flow collection on its opening bracket (the parser notices only on the next line).
 */
function refine(doc: Document.Parsed, text: string, p: SyntaxProblem, flows: FlowStarts): SyntaxProblem {
  if (p.code === 'DUPLICATE_KEY') {
    const m = /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#\r\n]*?[^\s:#])(?=[ \t]*:)/.exec(text.slice(p.range[0], p.range[0] + 1024));
    if (m) {
      return { ...p, range: [p.range[0], p.range[0] + m[0].length], message: `duplicate key \`${m[0]}\`` };
    }
    return p;
  }
  const close = /end with a ([\]}])/.exec(p.message);
  if (close) {
    const open = flows.lastBefore(close[1] as ']' | '}', p.range[0]);
    if (open !== undefined) {
      const what = close[1] === ']' ? 'flow sequence' : 'flow mapping';
      return { ...p, range: [open, open + 1], message: `this ${what} is not closed with \`${close[1]}\` (or its next line is not indented enough)` };
    }
  }
  return p;
}

/**
 * The starts of the flow collections whose text does not end with `]`, and of those that
 * do not end with `}`, sorted: computed once per document, so that thousands of unclosed
 * brackets cost one walk (a walk per error took quadratic time).
 */
class FlowStarts {
  private starts?: Record<']' | '}', number[]>;
  constructor(
    private readonly doc: Document.Parsed,
    private readonly text: string,
  ) {}

  /** The start of the last flow collection at or before `at` not closed with `close`. */
  lastBefore(close: ']' | '}', at: number): number | undefined {
    const list = (this.starts ??= this.collect())[close];
    let lo = 0;
    let hi = list.length - 1;
    let found: number | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] <= at) {
        found = list[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private collect(): Record<']' | '}', number[]> {
    const out: Record<']' | '}', number[]> = { ']': [], '}': [] };
    const text = this.text;
    const visit = (n: unknown, depth: number): void => {
      if (depth > 500 || !(isMap(n) || isSeq(n))) {
        return;
      }
      const c = n as (YAMLMap | YAMLSeq) & { flow?: boolean; range?: [number, number, number] };
      if (c.flow && c.range) {
        const last = text.slice(c.range[0], c.range[1]).trimEnd().slice(-1);
        for (const k of [']', '}'] as const) {
          if (last !== k) {
            out[k].push(c.range[0]);
          }
        }
      }
      for (const it of c.items) {
        if (isPair(it)) {
          visit(it.key, depth + 1);
          visit(it.value, depth + 1);
        } else {
          visit(it, depth + 1);
        }
      }
    };
    visit(this.doc.contents, 0);
    out[']'].sort((a, b) => a - b);
    out['}'].sort((a, b) => a - b);
    return out;
  }
}

/**
 * The expanded size of every anchored node, memoised, so that a billion-laughs document
 * is measured in time linear in its text and reported at the first alias that crosses the
 * limit.
 */
function findAliasBomb(doc: Document.Parsed, limit: number): SyntaxProblem | undefined {
  const sizes = new Map<Node, number>();
  let found: SyntaxProblem | undefined;
  // Nodes that aliases add to a walk of the document, summed over every alias.
  let expanded = 0;
  const sizeOf = (node: unknown, depth: number): number => {
    if (found || depth > 1000) {
      return 1;
    }
    if (isAlias(node)) {
      const target = resolveAlias(doc, node);
      if (!target) {
        return 1;
      }
      const s = sizeOf(target, depth + 1);
      expanded += s;
      if (expanded > limit && !found) {
        const r = node.range ?? [0, 0, 0];
        found = {
          range: [r[0], r[1]],
          code: 'ALIAS_BOMB',
          message: `aliases expand the document past ${limit} nodes at *${node.source} (a possible alias bomb): the design is not analysed (setting limits.maxAliasExpansion)`,
        };
      }
      return s;
    }
    if (isMap(node) || isSeq(node)) {
      const memo = sizes.get(node as Node);
      if (memo !== undefined) {
        return memo;
      }
      sizes.set(node as Node, 1); // guards against cycles
      let total = 1;
      for (const item of (node as YAMLMap | YAMLSeq).items) {
        if (isPair(item)) {
          total += sizeOf(item.key, depth + 1) + sizeOf(item.value, depth + 1);
        } else {
          total += sizeOf(item, depth + 1);
        }
        if (found) {
          break;
        }
      }
      sizes.set(node as Node, total);
      return total;
    }
    return 1;
  };
  sizeOf(doc.contents, 0);
  return found;
}

/**
 * The offset of a collection nested deeper than `max` levels in CST tokens (the root
 * collection is level 0, as in the engine's depth limit), found without recursion.
 */
export function collectionDeeperThan(tokens: readonly unknown[], max: number): number | undefined {
  const stack: Array<[unknown, number]> = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [t, d] = stack.pop()!;
    if (!t || typeof t !== 'object') {
      continue;
    }
    const tok = t as { type?: string; offset?: number; value?: unknown; items?: Array<{ key?: unknown; value?: unknown }> };
    if (tok.type === 'document') {
      stack.push([tok.value, d]);
    } else if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      if (d > max) {
        return tok.offset ?? 0;
      }
      for (const it of tok.items ?? []) {
        stack.push([it.key, d + 1], [it.value, d + 1]);
      }
    }
  }
  return undefined;
}

/**
 * The offsets of keys equal to an earlier key of the same mapping, as `yaml`'s own check
 * (uniqueKeys) finds them — two scalar keys with the same value — in time linear in the
 * document.
 */
export function duplicateKeys(doc: Document.Parsed): number[] {
  const out: number[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length) {
    const n = stack.pop();
    if (isPair(n)) {
      stack.push(n.value, n.key);
    } else if (isMap(n)) {
      const seen = new Set<unknown>();
      const nodes = new Set<unknown>();
      for (const p of (n as YAMLMap).items) {
        const k = isPair(p) ? p.key : undefined;
        if (isScalar(k) && !Number.isNaN(k.value)) {
          if (seen.has(k.value)) {
            out.push(k.range?.[0] ?? 0);
          }
          seen.add(k.value);
        } else if (k && typeof k === 'object') {
          // Other keys are equal only to themselves (a node the parser recovered twice).
          if (nodes.has(k)) {
            out.push((k as { range?: number[] }).range?.[0] ?? 0);
          }
          nodes.add(k);
        }
      }
      for (let i = (n as YAMLMap).items.length - 1; i >= 0; i--) {
        stack.push((n as YAMLMap).items[i]);
      }
    } else if (isSeq(n)) {
      for (let i = (n as YAMLSeq).items.length - 1; i >= 0; i--) {
        stack.push((n as YAMLSeq).items[i]);
      }
    }
  }
  return out;
}

const aliasTables = new WeakMap<object, Map<unknown, Node | undefined>>();

/**
 * The node an alias names: the last node anchored with its name before it, as
 * `Alias.resolve` finds it — but that walks the whole document on every call (3,000
 * aliases took 30 s); this walks it once per document.
 */
export function resolveAlias(doc: Document.Parsed, alias: Alias): Node | undefined {
  let table = aliasTables.get(doc);
  if (!table) {
    table = new Map();
    const anchors = new Map<string, Node>();
    const stack: unknown[] = [doc.contents];
    while (stack.length) {
      const n = stack.pop();
      if (isAlias(n)) {
        table.set(n, anchors.get(n.source));
      } else if (isPair(n)) {
        stack.push(n.value, n.key);
      } else if (isScalar(n) || isMap(n) || isSeq(n)) {
        const anchor = (n as { anchor?: string }).anchor;
        if (anchor) {
          anchors.set(anchor, n as Node);
        }
        if (!isScalar(n)) {
          const items = (n as YAMLMap | YAMLSeq).items as unknown[];
          for (let i = items.length - 1; i >= 0; i--) {
            stack.push(items[i]);
          }
        }
      }
    }
    aliasTables.set(doc, table);
  }
  return table.get(alias);
}

/** Whether text[from, to) is only white space as `trim` knows it (a byte order mark too), without slicing it. */
function onlySpaceBefore(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // Spaces and tabs, nearly all there is, without a regular expression.
    if (c !== 0x20 && c !== 0x09 && !/\s/.test(text[i])) {
      return false;
    }
  }
  return true;
}

/** A comment that starts at `start` with the lexeme `source` (which keeps the spaces after it). */
function commentAt(text: string, lineStarts: number[], start: number, source: string): Comment {
  const line = lineOf(lineStarts, start);
  return { start, end: start + source.trimEnd().length, text: source.slice(1).trim(), ownLine: onlySpaceBefore(text, lineStarts[line], start), line };
}

/**
 * The CST tokens of `text` and its comments, from one pass of `yaml`'s lexer and parser
 * (driven lexeme by lexeme, as yaml's docs show for a parser with its own lexer; without
 * their generators: fastYaml.ts). A comment is a lexeme that starts with `#`, unless it
 * follows the SCALAR marker (then it is a scalar's text, a block scalar's line say).
 * Walking the finished CST for them cost a visit of every token: 10 ms of a 10k-line
 * parse, and as much garbage. `onNewLine` is called as Parser.parse calls it
 * (LineCounter.addNewLine).
 */
export function tokenize(text: string, lineStarts: number[], onNewLine?: (offset: number) => void): { tokens: CST.Token[]; comments: Comment[] } {
  const parser = newParser(onNewLine);
  const lexer = newLexer();
  const tokens: CST.Token[] = [];
  const comments: Comment[] = [];
  onNewLine?.(0);
  let afterScalarMarker = false;
  lexer.lexInto(
    {
      push(lexeme: string) {
        if (!afterScalarMarker && lexeme.charCodeAt(0) === 0x23 /* # */) {
          comments.push(commentAt(text, lineStarts, parser.offset, lexeme));
        }
        afterScalarMarker = lexeme === CST.SCALAR;
        parser.nextInto(tokens, lexeme);
      },
    },
    text,
  );
  parser.endInto(tokens);
  retain(lexer, parser); // so that V8 keeps their hidden classes: fastYaml.ts
  return { tokens, comments };
}


// yaml's Lexer and Parser as the engine runs them: the same code without its generators.
//
// scripts/yamlFast.js (run by `npm run build`, after tsc) writes fastLexer.js and
// fastParser.js beside this module's compiled file: yaml's own dist/parse/lexer.js and
// parser.js with each generator method rewritten into a plain one that pushes what it
// yielded onto a sink. yaml creates several generator objects per lexeme; without them its
// CST parse is ~2.5× faster and parseDocument ~2× (docs/performance.md). The results are
// yaml's, lexeme for lexeme and token for token (test/yaml-fast.test.ts).
//
// Without the rewritten modules (a build by tsc alone) the engine runs yaml's generators
// through the same interface: slower, the same results. `PARSER_KIND` says which.
import { CST, Lexer, Parser } from 'yaml';

/** Where lexemes or tokens go, in order, as they are found. */
export interface Sink<T> {
  push(item: T): unknown;
}

export interface SinkLexer {
  /** Lexes the whole of `source` (yaml's Lexer#lex), each lexeme pushed onto `sink`. */
  lexInto(sink: Sink<string>, source: string): void;
}

export interface SinkParser {
  /** The offset of the next lexeme (yaml's Parser#offset). */
  readonly offset: number;
  /** yaml's Parser#next(lexeme), the tokens it completes pushed onto `sink`. */
  nextInto(sink: Sink<CST.Token>, lexeme: string): void;
  /** yaml's Parser#end(). */
  endInto(sink: Sink<CST.Token>): void;
}

export interface ParserModules {
  kind: 'rewritten' | 'yaml';
  lexer(): SinkLexer;
  parser(onNewLine?: (offset: number) => void): SinkParser;
}

/** yaml's own generators behind the sink interface (exported for test/yaml-fast.test.ts). */
export const generators: ParserModules = {
  kind: 'yaml',
  lexer: () => ({
    lexInto(sink, source) {
      for (const lexeme of new Lexer().lex(source)) {
        sink.push(lexeme);
      }
    },
  }),
  parser: (onNewLine) => {
    const p = new Parser(onNewLine);
    return {
      get offset() {
        return p.offset;
      },
      nextInto(sink, lexeme) {
        for (const t of p.next(lexeme)) {
          sink.push(t);
        }
      },
      endInto(sink) {
        for (const t of p.end()) {
          sink.push(t);
        }
      },
    };
  },
};

function load(): ParserModules {
  let lexer: { Lexer: new () => SinkLexer };
  let parser: { Parser: new (onNewLine?: (offset: number) => void) => SinkParser };
  try {
    lexer = require('./fastLexer');
    parser = require('./fastParser');
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code === 'MODULE_NOT_FOUND' && /fast(Lexer|Parser)/.test((e as Error).message)) {
      return generators;
    }
    throw e;
  }
  return { kind: 'rewritten', lexer: () => new lexer.Lexer(), parser: (onNewLine) => new parser.Parser(onNewLine) };
}

const modules = load();

/**
 * The last lexer and parser `tokenize` used, kept alive on purpose. V8's optimized code
 * for the parse is built for the hidden classes (maps) of these objects, and holds those
 * maps weakly: a full collection while no lexer or parser is alive — the server's idle
 * collection, when a parse is long over — frees the maps and throws away every function
 * compiled for them ("weak objects" in --trace-deopt), so the next parse ran
 * deoptimized: a 10k-line analysis right after a collection took ~1.5× the one before
 * (docs/performance.md, "An open after a rest"). One of each alive keeps the maps. Their
 * input goes: the lexer's copy of the text and the parser's new-line callback (which
 * holds a line table), so nothing of a closed document stays alive through them.
 */
let retained: { lexer: SinkLexer; parser: SinkParser } | undefined;

export function retain(lexer: SinkLexer, parser: SinkParser): void {
  if (modules.kind !== 'rewritten') {
    return; // yaml's own behind adapters: the adapters' classes are not the parse's, and they would keep yaml's parser (and its line table) alive
  }
  const l = lexer as { buffer?: string };
  const p = parser as { onNewLine?: unknown; source?: string };
  if (typeof l.buffer === 'string') {
    l.buffer = '';
  }
  if ('onNewLine' in p) {
    p.onNewLine = undefined;
  }
  if (typeof p.source === 'string') {
    p.source = '';
  }
  retained = { lexer, parser };
}

/** What retain kept (for test/yaml-fast.test.ts). */
export function retainedForTests(): { lexer: SinkLexer; parser: SinkParser } | undefined {
  return retained;
}

/** Which lexer and parser the engine runs: yaml's rewritten by the build, or yaml's own. */
export const PARSER_KIND = modules.kind;
export const newLexer = (): SinkLexer => modules.lexer();
export const newParser = (onNewLine?: (offset: number) => void): SinkParser => modules.parser(onNewLine);

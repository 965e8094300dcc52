#!/usr/bin/env node
// Writes yaml's Lexer and Parser without their generators, for the engine's tokenize
// (server/src/engine/yaml/fastYaml.ts), run by `npm run build` after tsc.
//
// yaml's lexer and parser are generators that delegate to one another with `yield*` for
// every lexeme: each lexeme creates several generator objects (parseNext → parseDocument
// → pushIndicators …, next → step → blockMap → pop …) and an iterator result per level.
// That machinery, not the parsing, is most of a parse: yaml's own CST parse of a 1k-line
// design took ~9 ms, the same code as plain methods ~3.3 ms, and parseDocument as a whole
// halved (docs/performance.md). The rewrite is mechanical, on yaml's published text:
//   - `*name(…) {` becomes `name(…) {`; `yield* this.x(…)` becomes `this.x(…)` (a
//     delegation's value is the delegate's return value, as a call's is);
//   - `yield X;` becomes `this.__o.push(X);`: what a method yielded goes to a sink,
//     in the same order, at the same moment of the same computation;
//   - a generator method yaml calls without `yield*` (so without running it) stays a
//     no-op (`void 0`);
//   - the public generators (Lexer#lex, Parser#parse/next/end) stay generators with the
//     same results, and gain sink-taking versions (lexInto, nextInto, endInto);
//   - the parser's read of process.env.LOG_TOKENS for each lexeme is read once.
// Anything else in yaml's text that the rewrite does not expect fails the build with
// the reason: update this script for the new yaml, never ship a guess.
// test/yaml-fast.test.ts checks the results are yaml's own, lexeme for lexeme and token
// for token, on the examples, the corpus, generated designs and broken input.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The index of the `;` that ends the statement starting at `i` (outside brackets and strings). */
function statementEnd(src, i) {
  let depth = 0;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '"' || c === "'" || c === '`') {
      for (i++; i < src.length && src[i] !== c; i++) {
        if (src[i] === '\\') {
          i++;
        }
      }
      continue;
    }
    if (c === '(' || c === '{' || c === '[') {
      depth++;
    } else if (c === ')' || c === '}' || c === ']') {
      depth--;
    } else if (c === ';' && depth === 0) {
      return i;
    }
  }
  throw new Error('yamlFast: a statement without an end');
}

/**
 * One module's class rewritten (see the header). `publicNames`: the generator methods
 * callers outside the class use, kept as generators; `into`: their sink-taking names.
 */
function degenerate(src, file, publicNames, into) {
  const fail = (why) => {
    throw new Error(`yamlFast: yaml's ${file} is not what this rewrite expects (${why}); update scripts/yamlFast.js for this version of yaml`);
  };
  const gens = [...src.matchAll(/^ {4}\*(\w+)\(/gm)].map((m) => m[1]);
  for (const p of publicNames) {
    if (!gens.includes(p)) {
      fail(`no generator method ${p}`);
    }
  }
  const code = (i) => {
    const lineStart = src.lastIndexOf('\n', i - 1) + 1;
    return !/^\s*(\*|\/\/)/.test(src.slice(lineStart, i)); // not a comment's text
  };
  // A delegation's value is its delegate's return value, as a call's is: `yield* this.x(…)`
  // becomes `this.x(…)` wherever it stands. Any other yield*, or a generator method used
  // other than by a call, is unexpected.
  for (const m of src.matchAll(/\byield\* /g)) {
    if (code(m.index) && !new RegExp(`^yield\\* this\\.(${gens.join('|')})\\(`).test(src.slice(m.index, m.index + 80))) {
      fail(`yield* of something other than a generator method of the class: ${src.slice(m.index, m.index + 40)}`);
    }
  }
  const use = new RegExp(`(yield\\* )?this\\.(${gens.join('|')})\\b(\\()?`, 'g');
  let out = '';
  let last = 0;
  for (let m; (m = use.exec(src)); ) {
    if (!code(m.index)) {
      continue;
    }
    if (!m[3]) {
      fail(`this.${m[2]} used other than by a call`);
    }
    if (m[1]) {
      continue;
    }
    // Called without yield*: yaml creates the generator and drops it, so it never runs.
    const lineStart = src.lastIndexOf('\n', m.index - 1) + 1;
    const end = statementEnd(src, m.index);
    const stmt = src.slice(m.index, end + 1);
    if (!/^\s*$/.test(src.slice(lineStart, m.index)) || !/^this\.\w+\([\w\s.,]*\);$/.test(stmt)) {
      fail(`a generator called without yield*, not as a statement of its own: ${stmt}`);
    }
    out += src.slice(last, m.index) + `void 0 /* yaml calls ${m[2]} without running it */;`;
    last = end + 1;
  }
  src = out + src.slice(last);
  src = src.replace(/\byield\* (?=this\.)/g, '');

  // yield X;  →  this.__o.push(X);
  out = '';
  last = 0;
  for (let m, re = /\byield\b/g; (m = re.exec(src)); ) {
    if (!code(m.index)) {
      continue;
    }
    const lineStart = src.lastIndexOf('\n', m.index - 1) + 1;
    if (!/^\s*$/.test(src.slice(lineStart, m.index)) || src[m.index + 5] !== ' ') {
      fail(`a yield other than a statement of its own: ${src.slice(lineStart, m.index + 30)}`);
    }
    const end = statementEnd(src, m.index);
    out += src.slice(last, m.index) + 'this.__o.push(' + src.slice(m.index + 'yield '.length, end) + ')';
    last = end;
  }
  src = out + src.slice(last);

  // The public generators keep their names and results; their bodies become __name,
  // and calls inside the class go to the bodies.
  for (const p of publicNames) {
    src = src.replace(new RegExp(`this\\.${p}\\(`, 'g'), `this.__${p}(`);
  }
  src = src.replace(/^ {4}\*(\w+)\(([^)]*)\) \{$/gm, (all, name, params) => {
    if (!publicNames.includes(name)) {
      return `    ${name}(${params}) {`;
    }
    const args = params
      .split(',')
      .map((x) => x.split('=')[0].trim())
      .filter(Boolean)
      .join(', ');
    const sinkName = into[name];
    return [
      `    *${name}(${params}) {`,
      `        const out = [];`,
      `        this.${sinkName}(out${args ? ', ' + args : ''});`,
      `        yield* out;`,
      `    }`,
      `    /** ${name}, with what it yields pushed onto \`sink\` (scripts/yamlFast.js). */`,
      `    ${sinkName}(sink${params ? ', ' + params : ''}) {`,
      `        const prev = this.__o;`,
      `        this.__o = sink;`,
      `        try {`,
      `            return this.__${name}(${args});`,
      `        }`,
      `        finally {`,
      `            this.__o = prev;`,
      `        }`,
      `    }`,
      `    __${name}(${params}) {`,
    ].join('\n');
  });
  if (/^ {4}\*/m.test(src.replace(new RegExp(`^ {4}\\*(${publicNames.join('|')})\\(`, 'gm'), ''))) {
    fail('a generator method left after the rewrite');
  }
  return src;
}

function replaceOnce(src, file, from, to) {
  const at = src.indexOf(from);
  if (at < 0 || src.indexOf(from, at + 1) >= 0) {
    throw new Error(`yamlFast: yaml's ${file} does not have \`${from}\` exactly once; update scripts/yamlFast.js for this version of yaml`);
  }
  return src.slice(0, at) + to + src.slice(at + from.length);
}

const HEADER = (file) =>
  `// Generated by scripts/yamlFast.js from yaml's dist/parse/${file} (yaml ${require('yaml/package.json').version}): its\n` +
  `// generators rewritten into plain methods. Do not edit: run \`npm run build\`.\n`;

/** The two rewritten modules' texts, from the yaml installed beside this script. */
function rewrite(yamlDir = path.dirname(require.resolve('yaml'))) {
  const read = (f) => fs.readFileSync(path.join(yamlDir, 'parse', f), 'utf8');
  let lexer = read('lexer.js');
  lexer = replaceOnce(lexer, 'lexer.js', "var cst = require('./cst.js');", "var cst = require('yaml').CST;");
  lexer = degenerate(lexer, 'lexer.js', ['lex'], { lex: 'lexInto' });

  let parser = read('parser.js');
  parser = replaceOnce(parser, 'parser.js', "var cst = require('./cst.js');", "var cst = require('yaml').CST;");
  parser = replaceOnce(parser, 'parser.js', "var lexer = require('./lexer.js');", "var lexer = require('./fastLexer.js');");
  parser = replaceOnce(parser, 'parser.js', 'if (node_process.env.LOG_TOKENS)', 'if (LOG_TOKENS)');
  parser = replaceOnce(parser, 'parser.js', "var node_process = require('process');", "var node_process = require('process');\nconst LOG_TOKENS = node_process.env.LOG_TOKENS;");
  parser = degenerate(parser, 'parser.js', ['parse', 'next', 'end'], { parse: 'parseInto', next: 'nextInto', end: 'endInto' });
  return { 'fastLexer.js': HEADER('lexer.js') + lexer, 'fastParser.js': HEADER('parser.js') + parser };
}

/** Writes the modules beside the compiled fastYaml.js. */
function write(outDir = path.join(__dirname, '..', 'out', 'server', 'src', 'engine', 'yaml')) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(rewrite())) {
    fs.writeFileSync(path.join(outDir, name), text);
  }
}

module.exports = { rewrite, degenerate, write };

if (require.main === module) {
  write();
}

// Every regular expression in server/src runs in time linear in its input (issue 15, item
// 1: the rule-id scan of `review-ignore` comments backtracked over a run of letters, 11 s
// for 40,000 of them). The list below is checked against the source: a regex literal or a
// `RegExp(...)` in server/src that is not listed fails the test, and so does a listed one
// that is gone. Each listed regex runs on 100,000-character runs of every character class
// (GENERIC_RUNS), and on the inputs its own structure suggests (its attacks: the prefix it
// looks for followed by a run); the time at 100k must be at most 3× that at 50k and at
// most a second.
//
// Adding a regex: list it in REGEXES under its file with the attacks its structure
// suggests — what it must see first (a `#`, a key and a colon, a quote), then a long run
// of what one of its loops takes, then what makes the match fail at the end. `[]` when
// the generic runs already say all there is (an anchored literal, a single character
// class). A regex that cannot be linear and never sees design text is listed with
// `exempt:` and the reason; a `RegExp(...)` built at run time is listed in DYNAMIC with
// the instances the code builds, or `exempt:`.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';
import { blankQuoted } from '../server/src/engine/text';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SOURCE = 'server/src';

/** `prefix`, then `run` repeated to the length asked for, then `suffix`. */
interface Attack {
  prefix?: string;
  run: string;
  suffix?: string;
}
type Check = Attack[] | { exempt: string };

const a = (prefix: string, run: string, suffix = ''): Attack => ({ prefix, run, suffix });

/**
 * Runs of each character class, alone, then ended by a character most classes do not take
 * (a control character) and by ones that end many patterns (`:`, `,`).
 */
const UNITS = [
  'a', 'Z', '7', ' ', '\t', '\n', '\r\n', '\r', 'é', '\u2028', '\uFEFF',
  ...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  // Mixes the patterns below are made of.
  'a1', 'a ', 'a:', ': ', ' :', '- ', 'a,', ', ', '\\"', "''", 'a-', 'a.', '1.', ' #', '# ', 'a\n', ' \n', '\\',
];
const ENDS = ['', '\u0001', ':', ','];
const GENERIC_RUNS: Attack[] = UNITS.flatMap((run) => ENDS.map((suffix) => ({ run, suffix })));

/** Every regex literal of server/src, by file, with the inputs its structure suggests. */
const REGEXES: Record<string, Array<[RegExp, Check]>> = {
  'cli/args.ts': [[/^=/, []]],
  'cli/cache.ts': [
    [/[\\/]$/, []],
    [/^\s*\{\s*"ddrCache"\s*:/, [a('', ' '), a('{', ' '), a('{"ddrCache"', ' ')]],
    [/^\d+:\d+:\d+:\d+$/, [a('', '1'), a('1:', '1'), a('1:1:1:', '1', 'x')]],
    [/^cannot use .*? as the cache: /, [a('cannot use ', 'a'), a('cannot use ', ' as the cache'), a('cannot use ', ' as the cache:', '\n')]],
  ],
  'cli/diff.ts': [[/[^\n]*\n|[^\n]+$/g, [a('', 'a'), a('', 'a\n')]]],
  'cli/files.ts': [
    [/\.design\.ya?ml$/, [a('', '.design.yam'), a('', '.design'), a('', 'a.design.yaml', 'x')]],
    [/[*?]/, []],
    [/^[A-Z][A-Z_]+: ([^,]+)/, [a('EBUSY: ', 'a'), a('E', 'A_')]],
    [/[.+^${}()|[\]\\]/g, []],
    [/^[*?]/, []],
    [/\\/g, []],
    [/\.ya?ml$/, [a('', '.yam'), a('', '.ya')]],
  ],
  'cli/format/github.ts': [
    [/%/g, []],
    [/\r/g, []],
    [/\n/g, []],
    [/:/g, []],
    [/,/g, []],
  ],
  'cli/format/sarif.ts': [[/\/?$/, []]],
  'cli/format/text.ts': [[/\r?\n\s*/g, [a('', '\n '), a('', '\r\n\t')]]],
  'cli/gen.ts': [
    [/\|/g, []],
    [/\r?\n/g, []],
    [/\n*$/, { exempt: 'gen.ts reads the README of this repository (npm run gen), never a design: a run of newlines before a last line would be quadratic' }],
  ],
  'cli/lint.ts': [
    [/^\d+$/, []],
    [/^([^=]+)=(.*)$/, [a('', 'a', '\n'), a('a=', 'a', '\n')]],
  ],
  'cli/main.ts': [[/lsp[\\/]server/, [a('', 'lsp/')]]],
  'cli/ruleDocs.ts': [
    [/\/blob\/.*$/, [a('', '/blob/'), a('/blob/', 'a', '\n')]],
    [/\n?$/, []],
    [/(`[^`]*`)/, [a('`', 'a'), a('', '`a'), a('', 'a`')]],
    [/\[([^\]]+)\]\(([^)\s]+)\)/g, { exempt: 'ruleDocs.ts renders the rule pages of the registry (ddr explain), our own text, never a design: a run of `[`, `**` or `(*` that never closes would be quadratic' }],
    [/\*\*([^*]+)\*\*/g, { exempt: 'ruleDocs.ts renders the rule pages of the registry (ddr explain), our own text, never a design: a run of `[`, `**` or `(*` that never closes would be quadratic' }],
    [/(^|[\s(])\*([^*\s][^*]*)\*(?=$|[\s.,;:)])/g, { exempt: 'ruleDocs.ts renders the rule pages of the registry (ddr explain), our own text, never a design: a run of `[`, `**` or `(*` that never closes would be quadratic' }],
    [/\\([\\`*_{}[\]()#+\-.!"])/g, []],
    [/\u001b\[[0-9;]*m/g, [a('\u001b[', '1'), a('', '\u001b[1')]],
    [/\s+/, []],
    [/\n$/, []],
    [/^[-+](?![-+]{2} )/, []],
  ],
  'cli/format/escape.ts': [
    [/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, []],
    [/[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, []],
    [/[\\`*_{}[\]()#+\-.!|~"'=:@&<>$^]|www\./gi, [a('', 'ww'), a('', 'www.')]],
    [/`+/g, [a('', '`'), a('', '`a')]],
    [/[&<>"']/g, []],
    [/[\\"]/g, []],
    [/[#"&<>`]/g, []],
  ],
  'engine/checklist.ts': [
    [/^accepted-risk\s+([a-z-]+)\s*:\s*(.*)$/, [a('accepted-risk ', 'a'), a('accepted-risk a', ' ', 'x'), a('accepted-risk a:', ' ', '\n'), a('accepted-risk', ' ')]],
    [/\s+/g, []],
    [/(\r?\n)?$/, []],
    [/^[ \t]*/, []],
    [/^-[ \t]+/, [a('-', ' ')]],
    [/^[ \t]*#/, []],
  ],
  'engine/hover.ts': [
    [/[.!?]/, []],
    [/["”)\]]/, []],
    [/^ +["“`A-Z]/, [a('', ' '), a('', ' ', 'a')]],
    [/[;:,]/, []],
  ],
  'engine/completion.ts': [
    [
      /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},:-](?:[^:#]*[^ \t:#])?|-[^\s:#](?:[^:#]*[^ \t:#])?)[ \t]*:(?=[ \t]|$)/,
      [a('a', ' '), a('a', ' ', ':x'), a('-a', ' '), a('a', 'a '), a('a', ' \t'), a('"', 'a'), a('"', '\\"'), a("'", "''"), a('a', ' :x')],
    ],
    [/^\s*(---|\.\.\.)\s*$/, [a('---', ' ', 'x'), a('', ' ', '---x')]],
    [/[A-Za-z0-9_.%-]/, []],
    [
      /#\s*review-ignore\s+(?:[A-Za-z]+\d+\s*,\s*)*([A-Za-z]*\d*)$/,
      [
        a('# review-ignore ', 'a'),
        a('# review-ignore ', 'a', '!'),
        a('# review-ignore ', 'a1,'),
        a('# review-ignore ', 'a1, ', '!'),
        a('# review-ignore ', 'a1 '),
        a('# review-ignore ', '1'),
        a('# review-ignore ', 'a1', '!'),
        a('#', ' review-ignore'),
        a('', '#review-ignore '),
      ],
    ],
    [/[A-Za-z0-9]/, []],
    [/(^|\s)#/, []],
    [/^[A-Za-z0-9_-]*$/, []],
    [/[A-Za-z0-9_-]/, []],
    [/^[ \t]*:/, []],
    [/^["']|["']$/g, []],
    [/^[ \t]+/, []],
    [/^\s*([A-Za-z0-9_-]+)\s*:[^,]*$/, [a('a:', ' ', ','), a('a', ' ', ','), a('', ' ', 'a'), a('a:', '\t', ','), a('a:', 'a', ',')]],
    [/^\s*([A-Za-z0-9_-]+)\s*:/, [a('a', ' '), a('', ' ', 'a')]],
    [/^["']/, []],
    [/never retried/, [a('', 'never '), a('', 'never retrie')]],
  ],
  'engine/model.ts': [
    [/\r?\n/, []],
    [
      /^\s*(\d+)\s*(ms|msec|millis|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\s*$/i,
      [a('1', ' ', 'x'), a('', ' ', 'x'), a('1ms', ' ', 'x'), a('', '1', 'x')],
    ],
    [/^[aeiou]/, []],
  ],
  'engine/navigation.ts': [
    [
      /(services|operations|channels|data|requirements|workflows)(?:\.([A-Za-z0-9_-]+)|\[([A-Za-z_][A-Za-z0-9_-]*)\])/g,
      [a('', 'services'), a('services.', 'a'), a('services[', 'a'), a('', 'services['), a('', 'data.'), a('', 'servicesdata[a')],
    ],
    [/^\d+$/, []],
    [/^[A-Za-z0-9][A-Za-z0-9_-]*$/, []],
  ],
  'engine/rules/partial-failure/failure-scenarios-missing.ts': [[/^(\r?\n)( *)failure_scenarios: \[/, [a('\n', ' ', 'x')]]],
  'engine/rules/partial-failure/rollback-policy-contradicts-prd.ts': [[/`/g, []]],
  'engine/rules/partial-failure/saga-step-without-compensation.ts': [
    [/^(un|undo|cancel|release|refund|revert|void|compensate|rollback|roll-back|delete|remove)/, []],
  ],
  'engine/rules/partial-failure/scenario-not-mapped-to-prd.ts': [[/`/g, []]],
  'engine/rules/retries/ignores-retry-after.ts': [[/^\d+$/, []]],
  'engine/rules/structure/invalid-value.ts': [[/^\d+$/, []]],
  'engine/schema.ts': [
    [/^an? /, []],
    [/^(string|whole number|percentage|duration)/, []],
    [/^(\d+)(ms|s|m|h|d)$/, [a('', '1', 'x'), a('1', 'm', '')]],
    [/^(\d+(?:\.\d+)?)%$/, [a('', '1', 'x'), a('1.', '1', 'x')]],
  ],
  'engine/text.ts': [
    [/[-_ ]/g, []],
    // Run from each quote by blankQuoted, each kind given up after its first failure.
    [/"(?:[^"\\]|\\.)*"/y, [a('"', 'a'), a('"', '\\"'), a('"', '\\'), a('"', '\\a')]],
    [/'(?:[^']|'')*'/y, [a("'", 'a'), a("'", "''"), a("'", "''", "'")]],
  ],
  'engine/waivers.ts': [
    [/^#\s*review-ignore\b/, [a('#', ' ', 'x')]],
    [/(?<![A-Za-z])[A-Za-z]+\d+/g, [a(' ', 'a'), a('', 'a', '!'), a('', 'a1'), a('1', 'a')]],
    [/^\$\.?/, []],
  ],
  'engine/yaml/chunks.ts': [
    [/^(?:---|\.\.\.|%)/m, [a('', '\n-'), a('', '\n--'), a('', '\n..')]],
    [/\r(?!\n)/, []],
    [
      /^(?:"[^"\n]*"[ ]*|'[^'\n]*'[ ]*|[^\s#\-?:\[\]{},&*!|>'"%@`][^\n:#]*):(?:[ ]|$|\r)/,
      [a('a', ' '), a('a', ' ', ':x'), a('a', 'a '), a('a', ' :x'), a('"', 'a'), a("'", 'a'), a('"a"', ' ', 'x')],
    ],
    [/\r?\n$/, []],
    [/^-(?:[ ]|$)/, []],
  ],
  'engine/yaml/edit.ts': [
    [/\r\n/, []],
    [/^["']/, []],
    [/^\d+%?$/, [a('', '1', 'x')]],
    [/'/g, []],
    [/\s/, []],
    [/(^|\s)#/, []],
    [/[ \t]/, []],
  ],
  'engine/yaml/fastYaml.ts': [[/fast(Lexer|Parser)/, [a('', 'fast')]]],
  'engine/yaml/parse.ts': [
    [/ at line \d+, column \d+:?$/, [a(' at line ', '1'), a(' at line 1, column ', '1', 'x'), a('', ' at line 1, column 1')]],
    [
      /^(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:#\r\n]*?[^\s:#])(?=[ \t]*:)/,
      [a('a', ' '), a('a', ' ', 'x'), a('a', 'a '), a('a', ' \t'), a('"', 'a'), a('"', '\\"'), a("'", "''"), a('', 'a', '#')],
    ],
    [/end with a ([\]}])/, [a('', 'end with a ')]],
    [/\s/, []],
  ],
  'lsp/codeActions.ts': [
    [/^[ \t]*/, []],
    [/\r\n/, []],
  ],
  'lsp/framing.ts': [
    [/content-length[ \t]*:/i, [a('content-length', ' '), a('', 'content-length '), a('', 'content-')]],
    [/^\d{1,10}$/, []],
  ],
  'lsp/server.ts': [[/^\d+$/, []]],
  'lsp/workspace.ts': [
    [/\.design\.ya?ml$/, [a('', '.design.yam'), a('', '.design')]],
    [/[\\/]/, []],
    [/^(?:\.|%2e){1,2}$/i, [a('', '.', 'x'), a('', '%2e', 'x'), a('', '%2E.')]],
  ],
};

/** Every `RegExp(...)` of server/src, by file and the text of its call. */
const DYNAMIC: Record<string, Array<[string, RegExp[] | { exempt: string }]>> = {
  'cli/io.ts': [
    // The two keys the code asks for, on package.json.
    ['new RegExp(`^  "${key}": "([^"\\\\\\\\]+)",?$`, \'m\')', [/^ {2}"name": "([^"\\]+)",?$/m, /^ {2}"version": "([^"\\]+)",?$/m]],
  ],
  'cli/files.ts': [
    [
      "new RegExp('^' + re + '$')",
      {
        exempt:
          'a glob from the command line, matched against relative paths: the user’s own pattern (each `*` is a `[^/]*`, so many `*` in one segment can be slow on a long file name), never design text',
      },
    ],
  ],
};

interface Found {
  file: string;
  line: number;
  text: string;
  dynamic: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** Every regex literal and `RegExp(...)` call of server/src, and string patterns given to `match`/`search`. */
function scan(): { found: Found[]; stringPatterns: string[] } {
  const found: Found[] = [];
  const stringPatterns: string[] = [];
  const root = path.join(REPO_ROOT, SOURCE);
  for (const abs of sourceFiles(root)) {
    const file = path.relative(root, abs).split(path.sep).join('/');
    const sf = ts.createSourceFile(abs, fs.readFileSync(abs, 'utf8'), ts.ScriptTarget.Latest, true);
    const at = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
    const visit = (n: ts.Node): void => {
      if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        found.push({ file, line: at(n), text: n.getText(sf), dynamic: false });
      } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && n.expression.getText(sf) === 'RegExp') {
        found.push({ file, line: at(n), text: n.getText(sf), dynamic: true });
      } else if (
        ts.isCallExpression(n) &&
        ts.isPropertyAccessExpression(n.expression) &&
        ['match', 'matchAll', 'search'].includes(n.expression.name.text) &&
        n.arguments.length > 0 &&
        (ts.isStringLiteral(n.arguments[0]) || ts.isTemplateLiteral(n.arguments[0]))
      ) {
        // `s.match('x')` builds a regex from the string, out of this test's sight.
        stringPatterns.push(`${file}:${at(n)} ${n.getText(sf)}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { found, stringPatterns };
}

function literal(text: string): RegExp {
  const end = text.lastIndexOf('/');
  return new RegExp(text.slice(1, end), text.slice(end + 1));
}

/** Runs `re` as the code does at its most: once, or (global) over every match. */
function run(re: RegExp, s: string): void {
  re.lastIndex = 0;
  if (!re.global && !re.sticky) {
    re.exec(s);
    return;
  }
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    if (m[0] === '') {
      re.lastIndex++;
    }
  }
}

function input(x: Attack, n: number): string {
  const body = x.run.repeat(Math.ceil(n / x.run.length)).slice(0, n);
  return (x.prefix ?? '') + body + (x.suffix ?? '');
}

/**
 * The CPU time of `f`: on a machine shared with other work, the wall-clock time
 * counts the other processes too.
 */
function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

const timeMs = (re: RegExp, s: string) => cpuMs(() => run(re, s));

const N = 100_000;
const CAP_MS = 1000;
/**
 * Below this, a time is noise on a busy machine (a collection, another process): the
 * ratio is asserted above it. A quadratic regex that stays under it at 100,000 characters
 * costs nobody anything; the ones this test found took seconds.
 */
const NOISE_MS = 25;

/**
 * A message when `re` on `x` grows faster than its input: the size doubles from 3,125 to
 * 100,000 characters and each step may take at most 3× the time of the one before (above
 * NOISE_MS) and at most CAP_MS. The steps below 100k stop a quadratic regex before it
 * runs for minutes.
 */
function check(re: RegExp, x: Attack): string | undefined {
  run(re, input(x, 100)); // compiled before it is timed
  let prev = 0;
  let prevText = input(x, N / 32);
  for (let n = N / 32; n <= N; n *= 2) {
    const text = n === N / 32 ? prevText : input(x, n);
    let t = timeMs(re, text);
    if (n > N / 32 && t > 3 * prev + NOISE_MS && t <= CAP_MS) {
      // Four times more, alternately, the fastest counting: a collection slows one run,
      // rarely five.
      for (let i = 0; i < 4; i++) {
        prev = Math.min(prev, timeMs(re, prevText));
        t = Math.min(t, timeMs(re, text));
      }
    }
    if (t > CAP_MS || (n > N / 32 && t > 3 * prev + NOISE_MS)) {
      const shown = JSON.stringify({ prefix: x.prefix ?? '', run: x.run, suffix: x.suffix ?? '' });
      return `${re} on ${shown}: ${prev.toFixed(1)} ms at ${n / 2000}k, ${t.toFixed(1)} ms at ${n / 1000}k (${(t / Math.max(prev, 0.001)).toFixed(1)}×)`;
    }
    [prev, prevText] = [t, text];
  }
  return undefined;
}

describe('regular expressions: every one in server/src is listed and linear', () => {
  const { found, stringPatterns } = scan();

  test('every regex literal and RegExp(...) of server/src is listed here, and every listed one exists', () => {
    const listed = new Set(Object.entries(REGEXES).flatMap(([f, rs]) => rs.map(([re]) => `${f} ${re}`)));
    const listedDynamic = new Set(Object.entries(DYNAMIC).flatMap(([f, ds]) => ds.map(([t]) => `${f} ${t}`)));
    const seen = new Set<string>();
    const missing: string[] = [];
    for (const f of found) {
      const key = f.dynamic ? `${f.file} ${f.text}` : `${f.file} ${literal(f.text)}`;
      seen.add(key);
      if (!(f.dynamic ? listedDynamic : listed).has(key)) {
        missing.push(`${SOURCE}/${f.file}:${f.line} ${f.text}`);
      }
    }
    assert.deepEqual(
      missing,
      [],
      'list each of these in test/regex-linear.test.ts (REGEXES, or DYNAMIC for RegExp(...)) with the attacks its structure suggests, or exempt: and why',
    );
    const stale = [...listed, ...listedDynamic].filter((k) => !seen.has(k));
    assert.deepEqual(stale, [], 'listed in test/regex-linear.test.ts but no longer in the source: remove them');
    assert.deepEqual(stringPatterns, [], 'a string given to match/matchAll/search is a regex this test cannot see: write a regex literal');
    assert.ok(found.length >= 90, `${found.length} regexes found: is the scan still reading ${SOURCE}?`);
  });

  test('the list exempts only with a reason', () => {
    for (const [file, rs] of Object.entries(REGEXES)) {
      for (const [re, c] of rs) {
        if (!Array.isArray(c)) {
          assert.ok(c.exempt.length > 40, `${file} ${re}: say why it is exempt`);
        }
      }
    }
  });

  for (const [file, rs] of Object.entries(REGEXES)) {
    test(`${file}: each regex on 100,000-character runs of every character class and on its own attacks`, { timeout: 120_000 }, () => {
      const slow: string[] = [];
      for (const [re, c] of rs) {
        if (!Array.isArray(c)) {
          continue;
        }
        for (const x of [...GENERIC_RUNS, ...c]) {
          const m = check(re, x);
          if (m) {
            slow.push(m);
          }
        }
      }
      assert.ok(!slow.length, `time grows faster than the input (×2 the characters, over ×3 the time) or exceeds 1 s:\n${slow.join('\n')}`);
    });
  }

  test('the regexes built at run time: the instances the code builds, on the same runs', { timeout: 60_000 }, () => {
    const slow: string[] = [];
    for (const ds of Object.values(DYNAMIC)) {
      for (const [, c] of ds) {
        for (const re of Array.isArray(c) ? c : []) {
          for (const x of GENERIC_RUNS) {
            const m = check(re, x);
            if (m) {
              slow.push(m);
            }
          }
        }
      }
    }
    assert.ok(!slow.length, slow.join('\n'));
  });

  test('the harness itself: it catches the quadratic rule-id scan that review-ignore once had', () => {
    // The regex of issue 15, item 1, on the letters after `# review-ignore `.
    assert.match(check(/[A-Za-z]+\d+/g, a(' ', 'a')) ?? '', /ms at [\d.]+k/);
    assert.equal(check(/(?<![A-Za-z])[A-Za-z]+\d+/g, a(' ', 'a')), undefined);
  });

  test('blankQuoted: the blanks of the regex it replaced, on every string of up to 7 of its characters, in linear time', () => {
    const old = (line: string) => line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, (m) => ' '.repeat(m.length));
    const alphabet = ['"', "'", '\\', 'a', '#'];
    let strings = [''];
    for (let len = 1; len <= 7; len++) {
      strings = strings.flatMap((s) => alphabet.map((c) => s + c));
      for (const s of strings) {
        assert.equal(blankQuoted(s), old(s), JSON.stringify(s));
      }
    }
    // The old regex took ~1 s on 20,000 characters of `\"`; this, 100,000 in milliseconds.
    for (const run of ['\\"', '"\\', "'", '"', '\'"']) {
      const [t50, t100] = [50_000, 100_000].map((n) => {
        const s = run.repeat(n / run.length);
        return Math.min(cpuMs(() => blankQuoted(s)), cpuMs(() => blankQuoted(s)));
      });
      assert.ok(t100 <= 3 * t50 + NOISE_MS && t100 < CAP_MS, `${JSON.stringify(run)}: ${t50.toFixed(1)} ms → ${t100.toFixed(1)} ms`);
    }
  });
});

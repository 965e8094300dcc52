// Strings from a design, a cache or a file name are untrusted: a design in a pull request
// can name a channel `\e]0;TITLE\a` (retitle the terminal) or `\e[2J` (clear it, rewrite a
// CI log). Every output format quotes them through this module, one function per kind of
// output, present and to come:
//   text, github      visible(): control characters shown as escapes
//   json, sarif       jsonText(): JSON.stringify, plus \u escapes for what it leaves raw
//   Markdown          markdownText() / markdownCode(): no raw HTML, links or @-mentions
//   HTML, SVG         html(): entity-escaped (and no character XML forbids)
//   DOT, Mermaid      dotString() / mermaidString(): quoted, with their own escapes
// What counts as a control character: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F: a
// terminal that takes UTF-8 C1 controls reads U+009B as CSI), and the invisible
// direction marks and overrides (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069:
// "Trojan Source", they make a line read otherwise than it is, in terminals that apply
// bidi and in every web view of a log), and the line and paragraph separators U+2028 and
// U+2029 (a new line to some viewers, which would split a finding's line).

/** Every character `visible` shows as an escape. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One control character as text: `\t`, `\n`, `\r`, `\x1b` (≤ U+00FF) or `\u202e`. */
function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) {
    return named;
  }
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A string with every control character shown as an escape (`\x1b]0;TITLE\x07`), for text
 * and github output: nothing in it moves the cursor, sets a title or reorders the line.
 * `keep` lists characters to leave as they are (github output keeps `\n`, which its own
 * escaping encodes as `%0A`). A backslash is left as it is: the escapes are for reading,
 * not for decoding.
 */
export function visible(s: string, keep = ''): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(s)) {
    return s;
  }
  return s.replace(CONTROL, (c) => (keep.includes(c) ? c : escapeOne(c)));
}

/** Whether a string holds a character `visible` would escape. */
export function hasControl(s: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(s);
}

const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/**
 * JSON text with no control character left raw: JSON.stringify escapes C0 and lone
 * surrogates but writes DEL, C1 and the direction marks as they are, which a `cat` of the
 * report would send to the terminal. They can stand only inside strings, where `\uXXXX`
 * means the same character: the value parses back unchanged.
 */
export function jsonText(json: string): string {
  return json.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// GitHub-flavoured Markdown: ASCII punctuation that means something, escaped with a
// backslash (CommonMark allows it before any ASCII punctuation); `&`, `<`, `>` as entities
// (no raw HTML, no entity of the design's own); and a zero-width space (U+200B, written
// `&#8203;` as Renovate does) after `@` and inside `://` and `www.`, so that neither a
// mention, an e-mail address nor a bare URL becomes a link or a notification.
const MARKDOWN = /[\\`*_{}[\]()#+\-.!|~"'=:@&<>$^]|www\./gi;

/** A design string as Markdown prose: shows as it is, and is never HTML, a link, an image or a mention. */
export function markdownText(s: string): string {
  return visible(s).replace(MARKDOWN, (m, offset: number, all: string) => {
    switch (m) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '@':
        return '@&#8203;';
      case ':':
        return all.startsWith('//', offset + 1) ? '\\:&#8203;' : '\\:';
      default:
        // `www.`, in any case.
        return m.length > 1 ? `${m.slice(0, 3)}&#8203;\\.` : `\\${m}`;
    }
  });
}

/**
 * A design string as a Markdown code span: shown verbatim (in monospace), and inside a
 * code span nothing is HTML, a link or a mention. The fence is one backtick longer than
 * the longest run in the string, and padded with a space on each side (which CommonMark
 * strips again), so a string that starts or ends with a backtick is quoted right too.
 * Not for a table cell: GFM splits cells at `|` even in code; use markdownText there.
 */
export function markdownCode(s: string): string {
  const text = visible(s);
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) {
    longest = Math.max(longest, run.length);
  }
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${text} ${fence}`;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * A design string as HTML or SVG text or as a quoted attribute value: `& < > " '` as
 * entities, control characters visible (XML allows no C0 control but tab, LF and CR, even
 * as a character reference: an SVG holding one does not load).
 */
export function html(s: string): string {
  return visible(s).replace(/[&<>"']/g, (c) => HTML[c]);
}

/**
 * A design string as a Graphviz DOT quoted string (an ID or a label), quotes included:
 * `\` and `"` escaped, so that neither ends the string nor starts a label escape
 * (`\N`, `\l`); control characters visible.
 */
export function dotString(s: string): string {
  return `"${visible(s).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * A design string as a Mermaid label, quotes included: inside `"…"` Mermaid reads
 * brackets, `;` and keywords as text; `"`, `#`, `&`, `<`, `>` and the backtick (which would
 * start a Markdown string) are written as Mermaid's entity codes (`#34;`), so that
 * neither a quote ends the label nor HTML reaches the diagram; control characters visible.
 */
export function mermaidString(s: string): string {
  return `"${visible(s).replace(/[#"&<>`]/g, (c) => `#${c.charCodeAt(0)};`)}"`;
}

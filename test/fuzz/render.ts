// A tiny YAML tree and its renderer, for the property tests: random designs are built as
// trees (test/fuzz/arbitraries.ts) and written out in many layouts — indentation widths,
// lists at their key's column or indented, flow collections, quoting styles, comments on
// their own lines and after values, anchors, aliases and `<<` merges, CRLF, a BOM.
// The renderer writes valid YAML for every tree; the arbitraries break it on purpose.

export type Scalar = string | number | boolean | null;

export type YNode =
  | { t: 'scalar'; v: Scalar; style?: 'plain' | 'single' | 'double'; tag?: string }
  | { t: 'map'; pairs: YPair[]; flow?: boolean; anchor?: string; kind?: string }
  | { t: 'seq'; items: YNode[]; flow?: boolean; anchor?: string }
  | { t: 'alias'; name: string };

export interface YPair {
  key: string;
  value: YNode;
  /** A comment on its own line above the pair. */
  before?: string;
  /** A comment after the pair's value, on the same line (scalars and flow values only). */
  after?: string;
}

export interface Layout {
  /** Spaces per nesting level of a mapping. */
  indent: number;
  /** Block lists at their key's column (`key:\n- a`) instead of indented. */
  flushLists: boolean;
  eol: '\n' | '\r\n';
  bom: boolean;
  finalNewline: boolean;
  /** `---` before the document. */
  docStart: boolean;
  /** Comment lines before the first key. */
  header: string[];
}

export const DEFAULT_LAYOUT: Layout = { indent: 2, flushLists: false, eol: '\n', bom: false, finalNewline: true, docStart: false, header: [] };

const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_.\-/%]*(?: [A-Za-z0-9_.\-/%]+)*$/;
const AMBIGUOUS = /^(?:true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9][0-9_.eE+-]*|\.inf|\.nan)$/i;

/** A scalar as YAML text, in its preferred style when that style can hold it. */
export function scalarText(node: Extract<YNode, { t: 'scalar' }>, inFlow: boolean): string {
  const tag = node.tag ? node.tag + ' ' : '';
  const v = node.v;
  if (v === null) {
    return node.tag ? node.tag : node.style === 'plain' ? '~' : 'null';
  }
  if (typeof v !== 'string') {
    return tag + String(v);
  }
  const style = node.style ?? 'plain';
  if (style === 'plain' && PLAIN_SAFE.test(v) && !AMBIGUOUS.test(v) && !(inFlow && /[,[\]{}]/.test(v))) {
    return tag + v;
  }
  if (style === 'single' && !/[\r\n\u0000-\u001f\u007f\ud800-\udfff\ufeff]/.test(v)) {
    return tag + `'${v.replace(/'/g, "''")}'`;
  }
  return tag + JSON.stringify(v);
}

function keyText(k: string): string {
  return scalarText({ t: 'scalar', v: k, style: 'plain' }, false);
}

function commentText(c: string): string {
  // A comment ends at the line break: keep it on one line.
  return '# ' + c.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ');
}

export function flowText(n: YNode): string {
  switch (n.t) {
    case 'scalar':
      return scalarText(n, true);
    case 'alias':
      return '*' + n.name;
    case 'seq':
      return (n.anchor ? `&${n.anchor} ` : '') + '[' + n.items.map(flowText).join(', ') + ']';
    case 'map':
      return (n.anchor ? `&${n.anchor} ` : '') + '{' + n.pairs.map((p) => `${keyText(p.key)}: ${flowText(p.value)}`).join(', ') + '}';
  }
}

/** Lines of a block mapping whose keys stand at `indent` spaces. */
function mapLines(m: Extract<YNode, { t: 'map' }>, indent: number, L: Layout, out: string[], firstPrefix?: string): void {
  const pad = ' '.repeat(indent);
  m.pairs.forEach((p, i) => {
    const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : pad;
    if (p.before !== undefined && !(i === 0 && firstPrefix !== undefined)) {
      out.push(pad + commentText(p.before));
    }
    const head = lead + keyText(p.key) + ':';
    pairLines(head, p.value, indent, L, out, p.after);
  });
}

/** A key's line and the lines of its value. */
function pairLines(head: string, v: YNode, indent: number, L: Layout, out: string[], after?: string): void {
  const trail = after !== undefined ? ' ' + commentText(after) : '';
  if (v.t === 'map' && !v.flow && v.pairs.length) {
    out.push(head + (v.anchor ? ` &${v.anchor}` : '') + trail);
    mapLines(v, indent + L.indent, L, out);
    return;
  }
  if (v.t === 'seq' && !v.flow && v.items.length) {
    out.push(head + (v.anchor ? ` &${v.anchor}` : '') + trail);
    seqLines(v, L.flushLists ? indent : indent + L.indent, L, out);
    return;
  }
  out.push(head + ' ' + flowText(v) + trail);
}

/** Lines of a block sequence whose dashes stand at `indent` spaces. */
function seqLines(s: Extract<YNode, { t: 'seq' }>, indent: number, L: Layout, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const it of s.items) {
    if (it.t === 'map' && !it.flow && it.pairs.length && !it.anchor) {
      if (it.pairs[0].before !== undefined) {
        out.push(pad + commentText(it.pairs[0].before));
      }
      mapLines(it, indent + 2, L, out, pad + '- ');
    } else if (it.t === 'map' && !it.flow && it.pairs.length) {
      out.push(pad + `- &${it.anchor}`);
      mapLines(it, indent + 2, L, out);
    } else if (it.t === 'seq' && !it.flow && it.items.length) {
      out.push(pad + '-' + (it.anchor ? ` &${it.anchor}` : ''));
      seqLines(it, indent + 2, L, out);
    } else {
      out.push(pad + '- ' + flowText(it));
    }
  }
}

/** The text of a document whose root is a mapping. */
export function render(root: Extract<YNode, { t: 'map' }>, layout: Partial<Layout> = {}): string {
  const L = { ...DEFAULT_LAYOUT, ...layout };
  const out: string[] = [];
  for (const h of L.header) {
    out.push(commentText(h));
  }
  if (L.docStart) {
    out.push('---');
  }
  if (root.flow || !root.pairs.length) {
    out.push(flowText(root));
  } else {
    mapLines(root, 0, L, out);
  }
  return (L.bom ? '\uFEFF' : '') + out.join(L.eol) + (L.finalNewline ? L.eol : '');
}

/** Every map node of a tree, in document order, with a setter that replaces it. */
export function mapsOf(root: YNode): Array<{ node: Extract<YNode, { t: 'map' }>; replace(n: YNode): void; key?: string }> {
  const out: Array<{ node: Extract<YNode, { t: 'map' }>; replace(n: YNode): void; key?: string }> = [];
  const visit = (n: YNode): void => {
    if (n.t === 'map') {
      for (const p of n.pairs) {
        if (p.value.t === 'map') {
          out.push({ node: p.value, replace: (x) => (p.value = x), key: p.key });
        }
        visit(p.value);
      }
    } else if (n.t === 'seq') {
      n.items.forEach((it, i) => {
        if (it.t === 'map') {
          out.push({ node: it, replace: (x) => (n.items[i] = x) });
        }
        visit(it);
      });
    }
  };
  visit(root);
  return out;
}

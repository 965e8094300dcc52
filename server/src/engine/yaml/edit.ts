// Minimal text edits at node ranges. `Document.toString()` reformats untouched lines
// (pipeline.md), so fixes never re-stringify a document: they replace exactly a node's
// range, or insert a fragment rendered for that spot with its neighbours' indentation,
// quoting and flow/block style.
import { isMap, isPair, isScalar, isSeq, Scalar, stringify, YAMLMap, YAMLSeq } from 'yaml';
import type { Element, Field, Item } from '../model';
import type { TextEdit } from '../types';
import { blankQuoted } from '../text';

export type Value = string | number | boolean | Value[] | { [key: string]: Value };

export class Editor {
  readonly eol: string;
  constructor(readonly text: string) {
    this.eol = /\r\n/.test(text.slice(0, 10_000)) ? '\r\n' : '\n';
  }

  /** Replaces a scalar (a field's value or one list item), keeping its quoting style. */
  replaceScalar(target: Field | Item, value: string | number | boolean): TextEdit {
    const node = 'node' in target ? target.node : undefined;
    const style = isScalar(node) ? (node as Scalar).type : undefined;
    return { range: [target.range[0], target.range[1]], newText: this.scalar(value, style) };
  }

  /**
   * Replaces a value written at `range` by `value`, keeping its quotes: a did-you-mean
   * suggestion (`"qurey"` → `"query"`). A boolean, number or percentage stays plain.
   */
  replaceText(range: [number, number], value: string): TextEdit {
    const original = this.text.slice(range[0], range[1]);
    const quote = /^["']/.test(original) ? original[0] : '';
    const typed = value === 'true' || value === 'false' || /^\d+%?$/.test(value);
    return { range, newText: typed ? value : quote ? quote + value + quote : this.scalar(value) };
  }

  /** Renames a key in place. */
  renameKey(f: Field, key: string): TextEdit {
    return { range: f.keyRange, newText: key };
  }

  /** Sets a key of a mapping: replaces its value when present, inserts it otherwise. */
  setKey(el: Element, key: string, value: Value): TextEdit {
    const f = el.fields.get(key);
    if (f && (typeof value !== 'object' || value === null) && (isScalar(f.node) || f.node === null)) {
      if (f.range[0] === f.range[1]) {
        return { range: [f.keyRange[1], f.range[1]], newText: this.afterColon(f.keyRange[1]) + this.scalar(value) };
      }
      return this.replaceScalar(f, value);
    }
    if (f) {
      const indent = this.indentOfKey(f.keyRange[0]);
      return { range: this.valueSpan(f), newText: this.renderValueAfterKey(value, indent, this.isFlowContext(el)) };
    }
    return this.insertKey(el, key, value);
  }

  /** Inserts `key: value` as the last key of a mapping, in the mapping's own style. */
  insertKey(el: Element, key: string, value: Value): TextEdit {
    const map = el.node;
    const text = this.text;
    if (isMap(map) && (map as YAMLMap).flow) {
      const m = map as YAMLMap;
      const last = lastRealPair(m);
      const frag = `${this.key(key)}: ${this.flowValue(value)}`;
      if (last) {
        const end = pairEnd(last);
        return { range: [end, end], newText: `, ${frag}` };
      }
      const r = m.range!;
      const close = text.lastIndexOf('}', r[1]);
      const open = text.indexOf('{', r[0]);
      const inner = text.slice(open + 1, close);
      return { range: [open + 1, close], newText: inner.trim() === '' ? (inner.length ? ` ${frag} ` : frag) : `${inner}${frag}` };
    }
    if (isMap(map) && (map as YAMLMap).items.length) {
      const m = map as YAMLMap;
      const first = m.items.find(isPair)!;
      const last = lastRealPair(m) ?? first;
      const indent = this.indentOfKey((first.key as Scalar).range![0]);
      const at = this.endOfContentLine(pairEnd(last));
      return { range: [at, at], newText: this.eol + indent + this.key(key) + ':' + this.renderValueAfterKey(value, indent, false) };
    }
    // An empty mapping: `retry:` with nothing under it, or the root of an empty file.
    const pf = el.parentField;
    if (pf) {
      const parentIndent = this.indentOfKey(pf.keyRange[0]);
      const indent = parentIndent + '  ';
      if (pf.range[1] > pf.range[0]) {
        // `retry: ~` or `retry: {}`: replace the value with a block mapping.
        return { range: this.valueSpan(pf), newText: this.eol + indent + this.key(key) + ':' + this.renderValueAfterKey(value, indent, false) };
      }
      const at = this.endOfContentLine(pf.keyRange[1]);
      return { range: [at, at], newText: this.eol + indent + this.key(key) + ':' + this.renderValueAfterKey(value, indent, false) };
    }
    // The root mapping of an empty file: append at the end.
    const at = text.length;
    const sep = at === 0 || text.endsWith('\n') ? '' : this.eol;
    return { range: [at, at], newText: sep + this.key(key) + ':' + this.renderValueAfterKey(value, '', false) + this.eol };
  }

  /** Inserts `key: value` as the first key of a mapping, before the others. */
  insertKeyFirst(el: Element, key: string, value: Value): TextEdit {
    const map = el.node;
    if (isMap(map) && !(map as YAMLMap).flow && (map as YAMLMap).items.length) {
      const first = (map as YAMLMap).items.find(isPair)!;
      const start = (first.key as Scalar).range![0];
      const indent = this.indentOfKey(start);
      return { range: [start, start], newText: this.key(key) + ':' + this.renderValueAfterKey(value, indent, false) + this.eol + indent };
    }
    return this.insertKey(el, key, value);
  }

  /**
   * Inserts `key: value` right after the pair of whichever of `after` stands last in the
   * mapping (so that a key lands beside the keys it belongs with, e.g. `partition_key`
   * after `ordering`), in the mapping's own style; without such a pair, as the last key.
   * A pair that a `<<` merge brought in is not the mapping's own and is never a spot.
   */
  insertKeyAfter(el: Element, after: readonly string[], key: string, value: Value): TextEdit {
    const map = el.node;
    if (!isMap(map)) {
      return this.insertKey(el, key, value);
    }
    const m = map as YAMLMap;
    let spot: { key: unknown; value: unknown } | undefined;
    for (const p of m.items) {
      if (isPair(p) && isScalar(p.key) && after.includes(String((p.key as Scalar).value)) && (p.key as Scalar).range) {
        if (!spot || (p.key as Scalar).range![0] > (spot.key as Scalar).range![0]) {
          spot = p as { key: unknown; value: unknown };
        }
      }
    }
    if (!spot) {
      return this.insertKey(el, key, value);
    }
    const end = pairEnd(spot);
    if (m.flow) {
      return { range: [end, end], newText: `, ${this.key(key)}: ${this.flowValue(value)}` };
    }
    const indent = this.indentOfKey((spot.key as Scalar).range![0]);
    const at = this.endOfContentLine(end);
    return { range: [at, at], newText: this.eol + indent + this.key(key) + ':' + this.renderValueAfterKey(value, indent, false) };
  }

  /**
   * Removes a key and its value from a mapping. In a block mapping the pair's lines go, a
   * trailing comment on them staying as its own line; in a flow mapping the pair goes with
   * one separator. Declines (undefined) for a pair a `<<` merge brought in, and for a key
   * that shares its line with text before it (`- key: v`, the first key of a list item).
   */
  removeKey(el: Element, key: string): TextEdit | undefined {
    const f = el.fields.get(key);
    const map = el.node;
    if (!f || !isMap(map)) {
      return undefined;
    }
    const m = map as YAMLMap;
    const pairs = m.items.filter(isPair) as Array<{ key: unknown; value: unknown }>;
    const i = pairs.indexOf(f.pair as { key: unknown; value: unknown });
    const keyStart = (p: { key: unknown }) => (p.key as Scalar).range?.[0];
    const start = i < 0 ? undefined : keyStart(pairs[i]);
    if (start === undefined) {
      return undefined;
    }
    const end = pairEnd(pairs[i]);
    if (m.flow) {
      if (i < pairs.length - 1) {
        const next = keyStart(pairs[i + 1]);
        return next === undefined ? undefined : { range: [start, next], newText: '' };
      }
      return i > 0 ? { range: [pairEnd(pairs[i - 1]), end], newText: '' } : { range: [start, end], newText: '' };
    }
    const text = this.text;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    if (text.slice(lineStart, start).trim() !== '') {
      return undefined;
    }
    const contentEnd = this.endOfContentLine(end);
    const lastLineStart = text.lastIndexOf('\n', contentEnd - 1) + 1;
    const comment = this.trailingComment(lastLineStart, contentEnd);
    let after = contentEnd;
    if (text.startsWith('\r\n', after)) {
      after += 2;
    } else if (text[after] === '\n') {
      after += 1;
    }
    return { range: [lineStart, after], newText: comment ? text.slice(lineStart, start) + comment + this.eol : '' };
  }

  /** Removes one item of a list, keeping the comments around it. */
  removeItem(f: Field, index: number): TextEdit | undefined {
    const seq = f.node;
    if (!isSeq(seq)) {
      return undefined;
    }
    const s = seq as YAMLSeq;
    const nodes = s.items;
    const node = nodes[index] as { range?: [number, number, number] } | undefined;
    if (!node?.range) {
      return undefined;
    }
    const text = this.text;
    if (s.flow) {
      if (nodes.length === 1) {
        return { range: [node.range[0], node.range[1]], newText: '' };
      }
      if (index < nodes.length - 1) {
        const next = nodes[index + 1] as { range: [number, number, number] };
        return { range: [node.range[0], next.range[0]], newText: '' };
      }
      const prev = nodes[index - 1] as { range: [number, number, number] };
      return { range: [prev.range[1], node.range[1]], newText: '' };
    }
    // Block sequence: remove the item's lines; a trailing comment on them stays as its own line.
    const lineStart = text.lastIndexOf('\n', node.range[0] - 1) + 1;
    const dash = text.lastIndexOf('-', node.range[0]);
    if (dash < lineStart) {
      return undefined;
    }
    const contentEnd = this.endOfContentLine(node.range[1]);
    const comment = this.trailingComment(lineStart, contentEnd);
    let end = contentEnd;
    if (text.startsWith('\r\n', end)) {
      end += 2;
    } else if (text[end] === '\n') {
      end += 1;
    }
    if (nodes.length === 1) {
      // The only item: the list becomes `[]` after its key.
      const colon = text.indexOf(':', f.keyRange[1]);
      const keep = comment ? ' ' + comment : '';
      return { range: [colon + 1, contentEnd], newText: ' []' + keep };
    }
    const indent = text.slice(lineStart, dash);
    return { range: [lineStart, end], newText: comment ? indent + comment + this.eol : '' };
  }

  /**
   * Removes several items of one list at once, as edits that do not overlap (removeItem
   * once per item would: in a flow sequence each removal takes a separator of its
   * neighbour). Removing every item leaves `[]`, keeping the items' trailing comments.
   */
  removeItems(f: Field, indices: number[]): TextEdit[] | undefined {
    const seq = f.node;
    if (!isSeq(seq)) {
      return undefined;
    }
    const s = seq as YAMLSeq;
    const n = s.items.length;
    const remove = [...new Set(indices)].filter((i) => i >= 0 && i < n).sort((a, b) => a - b);
    const ranges = s.items.map((it) => (it as { range?: [number, number, number] } | null)?.range);
    if (!remove.length || remove.some((i) => !ranges[i])) {
      return remove.length ? undefined : [];
    }
    const r = (i: number) => ranges[i] as [number, number, number];
    if (remove.length === 1) {
      const e = this.removeItem(f, remove[0]);
      return e ? [e] : undefined;
    }
    if (ranges.some((x) => !x)) {
      return undefined;
    }
    if (s.flow) {
      if (remove.length === n) {
        return [{ range: [r(0)[0], r(n - 1)[1]], newText: '' }];
      }
      const edits: TextEdit[] = [];
      for (let i = 0; i < remove.length; ) {
        let j = i;
        while (j + 1 < remove.length && remove[j + 1] === remove[j] + 1) {
          j++;
        }
        const a = remove[i];
        const b = remove[j];
        // A run of items goes with the separators up to the next item, or, at the end of
        // the list, from the end of the item before it.
        edits.push(b < n - 1 ? { range: [r(a)[0], r(b + 1)[0]], newText: '' } : { range: [r(a - 1)[1], r(b)[1]], newText: '' });
        i = j + 1;
      }
      return edits;
    }
    if (remove.length < n) {
      const edits = remove.map((i) => this.removeItem(f, i));
      return edits.every((e): e is TextEdit => !!e) ? edits : undefined;
    }
    // Every item of a block sequence: the list becomes `[]` after its key; the comments
    // on the removed lines stay, the first after `[]`, the others on their own lines.
    const text = this.text;
    const colon = text.indexOf(':', f.keyRange[1]);
    const end = this.endOfContentLine(r(n - 1)[1]);
    const comments: string[] = [];
    for (let at = colon + 1; at < end; ) {
      let eol = text.indexOf('\n', at);
      if (eol < 0 || eol > end) {
        eol = end;
      }
      const lineEnd = text[eol - 1] === '\r' ? eol - 1 : eol;
      const lineStart = at === colon + 1 ? text.lastIndexOf('\n', at - 1) + 1 : at;
      const c = this.commentStart(lineStart, lineEnd);
      if (c !== undefined && c >= colon + 1) {
        comments.push(text.slice(c, lineEnd).trim());
      }
      at = eol + 1;
    }
    const dashIndent = this.indentOfKey(text.lastIndexOf('-', r(0)[0]));
    const newText = ' []' + comments.map((c, i) => (i === 0 ? ' ' + c : this.eol + dashIndent + c)).join('');
    return [{ range: [colon + 1, end], newText }];
  }

  // --- rendering -------------------------------------------------------------------

  scalar(value: string | number | boolean, style?: string): string {
    if (typeof value === 'string') {
      if (style === 'QUOTE_DOUBLE') {
        return JSON.stringify(value);
      }
      if (style === 'QUOTE_SINGLE') {
        return `'${value.replace(/'/g, "''")}'`;
      }
    }
    return stringify(value, { lineWidth: 0 }).trimEnd();
  }

  private key(k: string): string {
    return this.scalar(k);
  }

  private flowValue(v: Value): string {
    if (Array.isArray(v)) {
      return '[' + v.map((x) => this.flowValue(x)).join(', ') + ']';
    }
    if (typeof v === 'object') {
      return '{' + Object.entries(v).map(([k, x]) => `${this.key(k)}: ${this.flowValue(x)}`).join(', ') + '}';
    }
    return this.scalar(v);
  }

  /** The text after `key:` for a value: ` scalar`, ` [a, b]`, or an indented block mapping. */
  private renderValueAfterKey(v: Value, indent: string, flow: boolean): string {
    if (typeof v === 'object' && !Array.isArray(v) && !flow) {
      const inner = indent + '  ';
      return Object.entries(v)
        .map(([k, x]) => this.eol + inner + this.key(k) + ':' + this.renderValueAfterKey(x, inner, false))
        .join('');
    }
    return ' ' + this.flowValue(v);
  }

  private isFlowContext(el: Element): boolean {
    return isMap(el.node) && !!(el.node as YAMLMap).flow;
  }

  private afterColon(keyEnd: number): string {
    const colon = this.text.indexOf(':', keyEnd);
    return colon >= 0 && this.text[colon + 1] === ' ' ? '' : ' ';
  }

  /** The text range of a field's value, including a block collection's lines. */
  private valueSpan(f: Field): [number, number] {
    const colon = this.text.indexOf(':', f.keyRange[1]);
    if (this.isFlowContext(f.owner) && f.range[1] > f.range[0]) {
      // Inside `{…}` the value ends where its node ends: the rest of the line is the map's.
      return [colon + 1, f.range[1]];
    }
    const end = f.range[1] > f.range[0] ? this.endOfContentLine(f.range[1]) : colon + 1;
    // Keep a trailing comment at the end of the value's last line.
    const lineStart = this.text.lastIndexOf('\n', end - 1) + 1;
    const comment = this.commentStart(lineStart, end);
    return [colon + 1, comment ?? end];
  }

  indentOfKey(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return ' '.repeat(offset - lineStart);
  }

  /** The end (before the line break) of the last line holding content before `offset`. */
  endOfContentLine(offset: number): number {
    const text = this.text;
    let i = Math.min(offset, text.length);
    while (i > 0 && /\s/.test(text[i - 1])) {
      i--;
    }
    while (i < text.length && text[i] !== '\n' && text[i] !== '\r') {
      i++;
    }
    return i;
  }

  private commentStart(lineStart: number, lineEnd: number): number | undefined {
    const line = this.text.slice(lineStart, lineEnd);
    const m = /(^|\s)#/.exec(blankQuoted(line));
    if (!m) {
      return undefined;
    }
    let at = lineStart + m.index + m[1].length;
    while (at > lineStart && /[ \t]/.test(this.text[at - 1])) {
      at--;
    }
    return at;
  }

  private trailingComment(lineStart: number, lineEnd: number): string | undefined {
    const at = this.commentStart(lineStart, lineEnd);
    return at === undefined ? undefined : this.text.slice(at, lineEnd).trim();
  }
}

function lastRealPair(m: YAMLMap): { key: unknown; value: unknown } | undefined {
  for (let i = m.items.length - 1; i >= 0; i--) {
    if (isPair(m.items[i])) {
      return m.items[i] as { key: unknown; value: unknown };
    }
  }
  return undefined;
}

function pairEnd(p: { key: unknown; value: unknown }): number {
  const v = p.value as { range?: [number, number, number] } | null;
  if (v?.range) {
    return v.range[1];
  }
  const k = p.key as { range?: [number, number, number] };
  return k.range ? k.range[1] : 0;
}

// Small text helpers shared by the engine: "did you mean" and formatting of facts.

/** Edit distance in which swapping two neighbouring letters (`qurey`) counts as one edit. */
export function editDistance(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  const m = a.length;
  const n = b.length;
  if (m > 200 || n > 200) {
    return Math.max(m, n);
  }
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => {
    const row = new Array<number>(n + 1).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j <= n; j++) {
    d[0][j] = j;
  }
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[m][n];
}

/**
 * The candidate closest to `word`, when it is close enough to be a plausible typo:
 * at most a third of the word's length in edits (and at least one), ties broken by order.
 * Case and `-`/`_` differences count as no edit.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_ ]/g, '');
  const w = norm(word);
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    if (c === word) {
      continue;
    }
    const d = editDistance(w, norm(c));
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(1, Math.floor(Math.max(word.length, 3) / 3));
  return best !== undefined && bestD <= limit ? best : undefined;
}

export function formatMs(ms: number): string {
  if (ms % 86_400_000 === 0) {
    return `${ms / 86_400_000}d`;
  }
  if (ms % 3_600_000 === 0) {
    return `${ms / 3_600_000}h`;
  }
  if (ms % 60_000 === 0) {
    return `${ms / 60_000}m`;
  }
  if (ms % 1000 === 0) {
    return `${ms / 1000}s`;
  }
  return `${ms}ms`;
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function quoteList(xs: readonly unknown[]): string {
  const q = xs.map((x) => '`' + String(x) + '`');
  return q.length <= 1 ? q.join('') : q.slice(0, -1).join(', ') + ' and ' + q[q.length - 1];
}

/** "data `orders-db`", or "unnamed data" when the name is missing (DSN006 reports that). */
export function named(noun: string, name: string | undefined): string {
  return name !== undefined ? `${noun} \`${name}\`` : `unnamed ${noun}`;
}

const DOUBLE_QUOTED = /"(?:[^"\\]|\\.)*"/y;
const SINGLE_QUOTED = /'(?:[^']|'')*'/y;

/**
 * `line` with its quoted strings (`"…"` with backslash escapes, `'…'` with `''`) blanked
 * out, so that a `#` inside them is not taken for a comment. The same matches, left to
 * right, as `line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, …)`, in linear time: that
 * regex, on a run of `\"`, tried again from every quote a scan to the end of the line that
 * had already failed (quadratic). A `"` that finds no closing quote means no later `"`
 * will (every later one is escaped in its scan), and a `'` that finds none means no later
 * `'` exists: each kind is given up after its first failure.
 */
export function blankQuoted(line: string): string {
  let out = '';
  let from = 0;
  let doubles = true;
  let singles = true;
  for (let i = 0; i < line.length && (doubles || singles); i++) {
    const c = line[i];
    const re = c === '"' && doubles ? DOUBLE_QUOTED : c === "'" && singles ? SINGLE_QUOTED : undefined;
    if (!re) {
      continue;
    }
    re.lastIndex = i;
    const m = re.exec(line);
    if (!m) {
      if (re === DOUBLE_QUOTED) {
        doubles = false;
      } else {
        singles = false;
      }
      continue;
    }
    out += line.slice(from, i) + ' '.repeat(m[0].length);
    from = i + m[0].length;
    i = from - 1;
  }
  return out + line.slice(from);
}

// Every snippet, expanded as VS Code expands it (default placeholders, each choice in
// turn) and inserted where it belongs in a clean design, leaves a design the engine has
// nothing to say about. The waiver snippets, inserted where a finding is, waive it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../server/src/engine/analyze';

const ROOT = path.join(__dirname, '..', '..');
const SNIPPETS_PATH = path.join(ROOT, 'snippets', 'distributed-design.json');

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description: string;
}

// --- a small TextMate-snippet expander ------------------------------------------------
// Covers the syntax VS Code documents: $n, ${n}, ${n:default} (nested), ${n|a,b|},
// $VAR, ${VAR}, ${VAR:default}, ${VAR/regex/format/flags}, and \$ \} \\ escapes.

type Node =
  | { t: 'text'; v: string }
  | { t: 'tab'; n: number; children?: Node[]; choices?: string[] }
  | { t: 'var'; name: string; children?: Node[]; transform?: { re: string; fmt: string; flags: string } };

class SnippetParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(stop?: string): Node[] {
    const out: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) {
        out.push({ t: 'text', v: text });
        text = '';
      }
    };
    while (this.i < this.s.length) {
      const c = this.s[this.i];
      if (c === '\\' && this.i + 1 < this.s.length && '$}\\'.includes(this.s[this.i + 1])) {
        text += this.s[this.i + 1];
        this.i += 2;
      } else if (stop && c === stop) {
        break;
      } else if (c === '$') {
        const node = this.dollar();
        if (node) {
          flush();
          out.push(node);
        } else {
          text += c;
          this.i++;
        }
      } else {
        text += c;
        this.i++;
      }
    }
    flush();
    return out;
  }

  private dollar(): Node | undefined {
    const rest = this.s.slice(this.i);
    let m = /^\$(\d+)/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { t: 'tab', n: Number(m[1]) };
    }
    m = /^\$([A-Z_][A-Z0-9_]*)/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { t: 'var', name: m[1] };
    }
    m = /^\$\{(\d+)\}/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { t: 'tab', n: Number(m[1]) };
    }
    m = /^\$\{(\d+)\|((?:[^|\\]|\\.)*)\|\}/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { t: 'tab', n: Number(m[1]), choices: m[2].split(/(?<!\\),/).map((x) => x.replace(/\\(.)/g, '$1')) };
    }
    m = /^\$\{(\d+):/.exec(rest);
    if (m) {
      this.i += m[0].length;
      const children = this.parse('}');
      this.expect('}');
      return { t: 'tab', n: Number(m[1]), children };
    }
    m = /^\$\{([A-Z_][A-Z0-9_]*)\/((?:[^/\\]|\\.)*)\/((?:[^/\\]|\\.)*)\/([gimsuy]*)\}/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { t: 'var', name: m[1], transform: { re: m[2], fmt: m[3], flags: m[4] } };
    }
    m = /^\$\{([A-Z_][A-Z0-9_]*)(:?)/.exec(rest);
    if (m) {
      this.i += m[0].length;
      const children = m[2] ? this.parse('}') : undefined;
      this.expect('}');
      return { t: 'var', name: m[1], children };
    }
    return undefined;
  }

  private expect(c: string): void {
    if (this.s[this.i] !== c) {
      throw new Error(`snippet syntax: expected ${c} at ${this.i} in ${JSON.stringify(this.s)}`);
    }
    this.i++;
  }
}

/** Every tab stop with choices, and how many choices it has. */
function choiceStops(nodes: Node[], out = new Map<number, string[]>()): Map<number, string[]> {
  for (const n of nodes) {
    if (n.t === 'tab' && n.choices) {
      out.set(n.n, n.choices);
    }
    if ((n.t === 'tab' || n.t === 'var') && n.children) {
      choiceStops(n.children, out);
    }
  }
  return out;
}

/** Expands a snippet: defaults, the given choice per tab stop (else the first), mirrors. */
export function expandSnippet(body: string, vars: Record<string, string> = {}, picks: Map<number, number> = new Map()): string {
  const nodes = new SnippetParser(body).parse();
  const values = new Map<number, string>();
  const render = (ns: Node[]): string =>
    ns
      .map((n) => {
        if (n.t === 'text') {
          return n.v;
        }
        if (n.t === 'var') {
          const v = vars[n.name];
          if (v === undefined) {
            return n.children ? render(n.children) : n.name;
          }
          return n.transform ? v.replace(new RegExp(n.transform.re, n.transform.flags), n.transform.fmt.replace(/\$(\d)/g, '$$$1')) : v;
        }
        if (n.choices) {
          const v = n.choices[picks.get(n.n) ?? 0];
          values.set(n.n, v);
          return v;
        }
        if (n.children) {
          const v = render(n.children);
          values.set(n.n, v);
          return v;
        }
        return '\u0000' + n.n + '\u0000';
      })
      .join('');
  const first = render(nodes);
  // Mirrors ($1 after ${1:x}) take the value of their tab stop; $0 and lone stops are empty.
  return first.replace(/\u0000(\d+)\u0000/g, (_, n) => values.get(Number(n)) ?? '');
}

/** Inserts a snippet as VS Code does: lines after the first take the cursor line's indentation. */
function insertAt(host: string, marker: string, expanded: string): string {
  const lines = host.split('\n');
  const at = lines.findIndex((l) => l.trim() === marker);
  assert.ok(at >= 0, `host has no ${marker}`);
  const indent = /^\s*/.exec(lines[at])![0];
  // The cursor stands after the marker line's indentation; VS Code indents every further
  // line like the cursor line (blank lines are left blank here: YAML ignores the spaces).
  const body = expanded.split('\n').map((l) => (l === '' ? '' : indent + l));
  lines.splice(at, 1, ...body);
  return stripMarkers(lines.join('\n'));
}

function stripMarkers(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^\s*#@\w+$/.test(l))
    .join('\n');
}

// --- where each snippet belongs --------------------------------------------------------

/** A clean design with a marker line wherever a snippet may go. */
const HOST = `design: host
dsl: 1

requirements:
  - id: R1
    text: A customer is never charged twice for one order
    duplicates: harmful
    loss: unacceptable
  #@requirements

services:
  - name: orders
    operations:
      - name: submit
        type: command
        interaction: interactive
        timeout: 5s
        idempotency:
          key: header:Idempotency-Key
          retention: 24h
        requirements: [R1]
        calls:
          - to: payments.charge
            timeout: 3s
            on_timeout: reconcile
          #@calls
      #@operations
  - name: inventory
    operations:
      - name: reserve
        type: command
        interaction: interactive
        timeout: 1s
        idempotency: {key: body:reservation_id, retention: 24h}
      - name: release
        type: command
        interaction: interactive
        timeout: 1s
        idempotency: {natural: true}
  - name: payments
    operations:
      - name: charge
        type: command
        interaction: interactive
        timeout: 4s
        idempotency: {key: header:Idempotency-Key, retention: 7d}
        calls:
          - to: card-gateway.authorize
            external: true
            idempotent: true
            timeout: 1500ms
            on_timeout: reconcile
            retry:
              max_attempts: 5
              backoff: exponential-jitter
              retry_on: [502, 504, network]
              budget: 5%
              deadline: 3s
      - name: refund
        type: command
        interaction: batch
        timeout: 30s
        idempotency: {key: body:refund_id, retention: 30d}
  - name: shipping
    operations:
      - name: schedule
        type: command
        interaction: batch
        timeout: 10s
        idempotency: {key: body:order_id, retention: 7d}
      - name: record-order
        type: command
        interaction: batch
        timeout: 5s
        idempotency: {natural: true}
  - name: billing
    operations:
      - name: record-payment
        type: command
        interaction: batch
        timeout: 5s
        idempotency: {natural: true}
  #@services

channels:
  - name: payment-events
    kind: topic
    delivery: at-least-once
    ordering: per-partition
    partition_key: payment_id
    consumers:
      - service: shipping
        handler: shipping.record-order
        deduplication: {key: event_id, window: 7d}
      #@consumers
  #@channels

data:
  - name: ledger
    category: financial-balance
    owner: payments
    consistency: strong
  #@data

workflows:
  - name: refund-after-failed-shipment
    pattern: saga
    partial_means: payment taken but no shipment scheduled
    on_partial_failure: compensate
    steps:
      - operation: payments.charge
        compensation: payments.refund
      - operation: shipping.schedule
    failure_scenarios:
      - when: shipping.schedule fails
        recovery: refund the charge
      #@failure_scenarios
  #@workflows

review:
  status: in-review
  waivers:
    - rule: TMO005
      at: services.payments.operations.refund.timeout
      reason: refunds wait for the bank's batch window
    #@waivers
`;

/** The marker each snippet is inserted at; the skeleton replaces an empty file. */
const PLACES: Record<string, string | 'file'> = {
  'Design skeleton': 'file',
  Requirement: '#@requirements',
  Service: '#@services',
  'Operation: query': '#@operations',
  'Operation: command': '#@operations',
  'Call with retry policy': '#@calls',
  Channel: '#@channels',
  'Consumer with deduplication': '#@consumers',
  'Data: eventually consistent': '#@data',
  'Data: strongly consistent': '#@data',
  'Saga workflow': '#@workflows',
  'Failure scenario': '#@failure_scenarios',
  Waiver: '#@waivers',
  'review-ignore comment': 'ignore',
};

/** What the issue asks the snippets to cover, by the words of their names. */
const REQUIRED = [
  'Design skeleton',
  'Requirement',
  'Service',
  'Operation: query',
  'Operation: command',
  'Call with retry policy',
  'Channel',
  'Consumer with deduplication',
  'Data: eventually consistent',
  'Saga workflow',
  'Failure scenario',
  'Waiver',
];

const snippets = JSON.parse(fs.readFileSync(SNIPPETS_PATH, 'utf8')) as Record<string, Snippet>;
const bodyOf = (s: Snippet) => (Array.isArray(s.body) ? s.body.join('\n') : s.body);

function findings(text: string): string[] {
  const a = analyze(text);
  assert.deepEqual(a.ruleErrors, []);
  return a.findings.map((f) => `${f.ruleId} ${f.severity} at ${f.path || '(top)'}: ${f.message}`);
}

/** The host with a finding (RTY005 on `max_attempts: 6`) for the waivers to waive. */
const HOST_WITH_FINDING = HOST.replace('max_attempts: 5', 'max_attempts: 6');

describe('snippets', () => {
  test('the expander follows VS Code: defaults, nested defaults, choices, mirrors, variables, escapes', () => {
    assert.equal(expandSnippet('a: ${1:x ${2:y}} $1 $2 \\$3 ${3|p,q|} $0'), 'a: x y x y y $3 p ');
    assert.equal(expandSnippet('${1|p,q|}', {}, new Map([[1, 1]])), 'q');
    assert.equal(expandSnippet('design: ${2:${TM_FILENAME_BASE/[.].*$//}}', { TM_FILENAME_BASE: 'checkout.design' }), 'design: checkout');
    assert.equal(expandSnippet('${TM_SELECTED_TEXT:none}'), 'none');
  });

  test('the host design is clean, and the waiver host has exactly the finding the waivers name', () => {
    assert.deepEqual(findings(stripMarkers(HOST)), []);
    const f = analyze(stripMarkers(HOST_WITH_FINDING)).findings;
    assert.deepEqual(
      f.map((x) => `${x.ruleId} ${x.path}`),
      ['RTY005 services[payments].operations[charge].calls[0].retry'],
    );
  });

  test('every snippet the issue asks for exists, each with a prefix and a description', () => {
    for (const name of REQUIRED) {
      assert.ok(snippets[name], `no snippet "${name}"`);
    }
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(PLACES[name], `snippet "${name}" has no place in this test: add it to PLACES`);
      assert.ok((Array.isArray(s.prefix) ? s.prefix : [s.prefix]).length > 0 && s.description.length > 10, name);
    }
  });

  test('the manifest contributes the snippets for the language', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const c = (pkg.contributes?.snippets ?? []).find((x: { language: string }) => x.language === 'distributed-design');
    assert.ok(c, 'no snippets contributed');
    assert.equal(path.resolve(ROOT, c.path), SNIPPETS_PATH);
  });

  for (const [name, s] of Object.entries(snippets)) {
    const body = bodyOf(s);
    const choices = choiceStops(new SnippetParser(body).parse());
    // Defaults first, then each other choice of each choice stop on its own.
    const variants: Array<[string, Map<number, number>]> = [['defaults', new Map()]];
    for (const [stop, list] of choices) {
      list.slice(1).forEach((v, k) => variants.push([`\${${stop}} = ${v}`, new Map([[stop, k + 1]])]));
    }
    for (const [label, picks] of variants) {
      test(`"${name}" (${label}) leaves no finding`, () => {
        const expanded = expandSnippet(body, { TM_FILENAME_BASE: 'checkout.design', TM_FILENAME: 'checkout.design.yaml' }, picks);
        const place = PLACES[name];
        if (place === 'file') {
          assert.deepEqual(findings(expanded), [], expanded);
          return;
        }
        if (place === 'ignore') {
          // Alone on the line above the finding, it waives the next line.
          const text = HOST_WITH_FINDING.replace(/^(\s*)(max_attempts: 6)$/m, (_, ind, line) => `${ind}${expanded}\n${ind}${line}`);
          assert.notEqual(text, HOST_WITH_FINDING);
          assert.deepEqual(findings(stripMarkers(text)), [], text);
          return;
        }
        if (name === 'Waiver') {
          const text = insertAt(HOST_WITH_FINDING, place, expanded);
          assert.deepEqual(findings(text), [], text);
          return;
        }
        const text = insertAt(HOST, place, expanded);
        assert.notEqual(text, stripMarkers(HOST));
        assert.deepEqual(findings(text), [], text);
      });
    }
  }
});

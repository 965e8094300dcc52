// The language server, driven over stdio by an LSP client exactly as an editor drives it
// (issue 4): exact diagnostics, hovers, code actions applied to the text, completion,
// navigation, rename, settings, and bad input that never takes the server down.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CompletionList, Diagnostic, DocumentSymbol, Hover, Location, WorkspaceEdit } from 'vscode-languageserver-protocol/node';
import { analyze, fixAll } from '../server/src/engine/analyze';
import { LineMap } from '../server/src/engine/positions';
import { RULES_BY_ID } from '../server/src/engine/registry';
import { LspClient, REPO_ROOT, uriOf } from './support/lspClient';

const CHECKOUT = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'checkout.design.yaml'), 'utf8');

/** The clean checkout example with five defects, one per kind of finding the tests look at. */
const FLAWED = CHECKOUT.replace('    delivery: at-least-once\n', '')
  .replace('            timeout: 800ms\n', '            timeout: 6s\n')
  .replace('              backoff: exponential-jitter\n              initial_delay: 50ms', '              backoff: fixed\n              initial_delay: 50ms')
  .replace('        timeout: 300ms\n', '        timout: 300ms\n');

const DOC = 'file:///virtual/flawed.design.yaml';
const docs = (id: string) => uriOf(path.join(REPO_ROOT, 'docs', 'rules', `${id}.md`));
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

function project(d: Diagnostic) {
  return {
    code: d.code,
    severity: d.severity,
    range: d.range,
    message: d.message,
    source: d.source,
    href: d.codeDescription?.href,
    ...(d.tags ? { tags: d.tags } : {}),
    ...(d.relatedInformation ? { related: d.relatedInformation } : {}),
  };
}

let c: LspClient;

before(async () => {
  c = await LspClient.start();
  await c.open(DOC, FLAWED);
});

after(async () => {
  await c?.stop();
});

describe('diagnostics', () => {
  test('didOpen publishes the exact diagnostics: code, doc link, range, severity, message, related places, tags', async () => {
    const got = (await c.diagnosticsFor(DOC, 1)).map(project);
    assert.deepEqual(got, [
      {
        code: 'TMO006',
        severity: 2,
        range: range(50, 21, 50, 23),
        message:
          "the call to `inventory.reserve` may wait 6s, longer than the 5s timeout of its caller `orders.place-order`: the caller times out first, not knowing the call's result",
        source: 'ddr',
        href: docs('TMO006'),
        related: [{ location: { uri: DOC, range: range(40, 17, 40, 19) }, message: 'the timeout of `orders.place-order`' }],
      },
      {
        code: 'RTY006',
        severity: 2,
        range: range(54, 23, 54, 28),
        message: 'the call to `inventory.reserve` retries at a fixed interval: while the target recovers, the retries keep arriving at the same rate',
        source: 'ddr',
        href: docs('RTY006'),
      },
      {
        code: 'TMO004',
        severity: 2,
        range: range(132, 14, 132, 23),
        message: 'interactive operation `catalog.get-price` documents no `timeout`: its callers cannot set their own timeouts and retry deadlines below it',
        source: 'ddr',
        href: docs('TMO004'),
      },
      {
        code: 'DSN002',
        severity: 2,
        range: range(135, 8, 135, 14),
        message: 'unknown key `timout` in an operation; did you mean `timeout`?',
        source: 'ddr',
        href: docs('DSN002'),
        tags: [1],
      },
      {
        code: 'DLV001',
        severity: 1,
        range: range(138, 10, 138, 22),
        message: 'channel `order-events` does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)',
        source: 'ddr',
        href: docs('DLV001'),
      },
    ]);
  });

  test('each diagnostic carries the data its code actions need', async () => {
    const d = (await c.diagnosticsFor(DOC, 1)).find((x) => x.code === 'DLV001')!;
    const at = FLAWED.indexOf('- name: order-events') + 8;
    assert.deepEqual(d.data, { ruleId: 'DLV001', range: [at, at + 'order-events'.length], path: 'channels[order-events]', fixable: true, version: 1 });
  });

  test('the CLI engine and the server report the same findings for the same text (every example and rule fixture)', async () => {
    const files = [
      ...fs.readdirSync(path.join(REPO_ROOT, 'examples')).map((f) => path.join(REPO_ROOT, 'examples', f)),
      ...fs
        .readdirSync(path.join(REPO_ROOT, 'test', 'rules'))
        .flatMap((d) => fs.readdirSync(path.join(REPO_ROOT, 'test', 'rules', d)).map((f) => path.join(REPO_ROOT, 'test', 'rules', d, f))),
    ].filter((f) => /\.ya?ml$/.test(f) && !/\.fixed\.ya?ml$/.test(f));
    assert.ok(files.length > 20, `only ${files.length} files`);
    const uris = files.map((f, i) => `file:///parity/${i}/${path.basename(f)}`);
    await Promise.all(files.map((f, i) => c.open(uris[i], fs.readFileSync(f, 'utf8'))));
    for (let i = 0; i < files.length; i++) {
      const text = fs.readFileSync(files[i], 'utf8');
      const map = new LineMap(text);
      const cli = analyze(text).findings.map((f) => ({ code: f.ruleId, severity: { error: 1, warning: 2, info: 3 }[f.severity], range: map.range(f.range), message: f.message }));
      const server = (await c.diagnosticsFor(uris[i], 1)).map((d) => ({ code: d.code, severity: d.severity, range: d.range, message: d.message }));
      assert.deepEqual(server, cli, path.relative(REPO_ROOT, files[i]));
    }
    await Promise.all(uris.map((u) => c.close(u)));
  });

  test('`ddr lint --format json` and the server agree on every example, finding for finding', async () => {
    const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin', 'ddr.js'), 'lint', '--format', 'json', 'examples/'], { cwd: REPO_ROOT, encoding: 'utf8' });
    const cli = JSON.parse(r.stdout) as Array<{ file: string; findings: Array<{ ruleId: string; severity: string; message: string; line: number; column: number; endLine: number; endColumn: number }> }>;
    assert.equal(cli.length, fs.readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => /\.design\.ya?ml$/.test(f)).length);
    for (const file of cli) {
      const uri = `file:///cli-parity/${path.basename(file.file)}`;
      await c.open(uri, fs.readFileSync(path.join(REPO_ROOT, file.file), 'utf8'));
      const server = (await c.diagnosticsFor(uri, 1)).map((d) => ({
        ruleId: d.code,
        severity: ['', 'error', 'warning', 'info'][d.severity!],
        message: d.message,
        at: `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1}`,
      }));
      const expected = file.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, at: `${f.line}:${f.column}-${f.endLine}:${f.endColumn}` }));
      assert.deepEqual(server, expected, file.file);
      await c.close(uri);
    }
  });
});

describe('hover', () => {
  const hover = (needle: string, delta: number, uri = DOC) => c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: c.positionOf(uri, needle, delta) });
  const md = (h: Hover | null) => (h?.contents as { kind: string; value: string }).value;

  test('a key: what it means and its allowed values, with the contract’s line', async () => {
    const h = await hover('on_timeout: reconcile', 3);
    assert.equal(
      md(h),
      [
        '**`on_timeout`** · call',
        'What the caller does when the outcome is still unknown after the retries.',
        'Allowed values:\n\n' +
          '- `reconcile` — Check state before retrying: look the outcome up, then continue or retry.\n' +
          '- `retry` — Retry: safe only toward an idempotent target.\n' +
          '- `fallback` — Use the `fallback` behaviour; the call may still have taken effect.\n' +
          '- `fail` — Treat the timeout as a failure: wrong, since the operation may have succeeded.',
        '> Must be handled as "unknown state" not "failed state"',
      ].join('\n\n'),
    );
    assert.deepEqual(h!.range, range(51, 12, 51, 22));
  });

  test('an enum value: what it guarantees, use when, the trade-off, in the knowledge contract’s words', async () => {
    const h = await hover('delivery: at-most-once', 12);
    assert.equal(
      md(h),
      [
        '**`delivery: at-most-once`** — *Delivery Guarantees › At-Most-Once*',
        'Message may be lost but never delivered twice.',
        '**Use when:** loss is acceptable, retries are not, throughput is priority',
        '**Trade-off:** simplicity and speed at the cost of reliability',
      ].join('\n\n'),
    );
  });

  test('a reference: the operation it names, with its type, timeout and idempotency', async () => {
    const h = await hover('- operation: payments.charge', 20);
    assert.equal(
      md(h),
      '**operation `payments.charge`**\n\n' +
        '- type: `command` — changes state\n' +
        '- interaction: `interactive`\n' +
        '- timeout: `3s`\n' +
        '- idempotency: key `header:Idempotency-Key`, kept `7d`\n' +
        '- non-retryable errors: `402`, `card-declined`',
    );
  });

  test('a duration, in the context of the caller’s timeout', async () => {
    const h = await hover('deadline: 2s', 11);
    assert.equal(
      md(h),
      [
        '**`deadline: 2s`** = 2 s',
        'The overall bound across attempts.',
        'The calling operation `orders.place-order` times out after `5s`: the retries stop after 40% of it.',
        '> Synchronous retries that block the caller indefinitely',
      ].join('\n\n'),
    );
  });

  test('a finding: the rule, why it matters, how to fix it, the link; not the message again, nor the quote', async () => {
    const h = await hover('backoff: fixed', 10);
    // VS Code shows the diagnostic's message above the hover: it is not repeated, and
    // nothing below needs scrolling at the default hover size (≈ 500 × 250 px): 9 lines.
    assert.equal(
      md(h),
      [
        '**RTY006 fixed-backoff**',
        '**Why it matters:** A fixed interval is "predictable but may overwhelm recovering service": while the target recovers, every caller keeps retrying at the same rate, and the load it cannot yet carry keeps it down.',
        "**How to fix it:** Replaces `fixed` with `exponential-jitter`, the recommended default with randomness added, keeping the value's quotes …",
        `[RTY006 documentation](${docs('RTY006')})`,
      ].join('\n\n'),
    );
    assert.deepEqual(h!.range, range(54, 23, 54, 28));
  });

  test('a finding whose why and fix are long: whole first sentences, or a first sentence cut at a clause with …', async () => {
    const uri = 'file:///virtual/long.design.yaml';
    await c.open(uri, 'design: x\ndsl: 1\ndata:\n  - name: orders\n');
    const h = await hover('name: orders', 6, uri);
    assert.equal(
      md(h),
      [
        '**CNS007 consistency-undeclared**',
        '**Why it matters:** The knowledge contract asks to "Document which data is eventually consistent and which is strongly consistent": readers of undeclared data cannot tell whether the answer they get is the latest write or a stale copy …',
        '**How to fix it:** Adds `consistency: strong` as the one answer when the category or a cited requirement demands strong consistency …',
        `[CNS007 documentation](${docs('CNS007')})`,
      ].join('\n\n'),
    );
    await c.close(uri);
  });

  test('a rule id in a review-ignore comment, and nothing at all on blank space', async () => {
    const uri = 'file:///virtual/ignore.design.yaml';
    await c.open(uri, 'design: x\ndsl: 1\n\n# review-ignore RTY006: ok\nservices: []\n');
    const h = await hover('RTY006', 2, uri);
    const rule = RULES_BY_ID.get('RTY006')!;
    assert.equal(
      md(h),
      [
        '**RTY006 fixed-backoff** · retries · warning',
        rule.docs.summary,
        '> Fixed interval: predictable but may overwhelm recovering service\n>\n> — the knowledge contract (distributed-system-basics), *Retry Behavior › Retry Strategy Parameters*',
        `[RTY006 documentation](${docs('RTY006')})`,
      ].join('\n\n'),
    );
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 0 } }), null);
    // A rule is defined by its page: go to definition opens it.
    const def = await c.request('textDocument/definition', { textDocument: { uri }, position: c.positionOf(uri, 'RTY006', 2) });
    assert.deepEqual(def, [{ uri: docs('RTY006'), range: range(0, 0, 0, 0) }]);
    await c.close(uri);
  });
});

describe('code actions', () => {
  const actionsFor = async (uri: string, code: string) => {
    const diags = await c.diagnosticsFor(uri);
    const d = diags.find((x) => x.code === code);
    assert.ok(d, `no ${code} diagnostic`);
    return { d, actions: await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } }) };
  };

  test('a finding lists its quick fix (preferred), the waiver and the documentation; the fix’s edit gives the exact text', async () => {
    const uri = 'file:///virtual/fix.design.yaml';
    await c.open(uri, FLAWED);
    const { d, actions } = await actionsFor(uri, 'RTY006');
    assert.deepEqual(
      actions.map((a) => [a.title, a.kind, a.isPreferred ?? false]),
      [
        ['Use `backoff: exponential-jitter`', 'quickfix', true],
        ['Waive RTY006 here with a reason', 'quickfix', false],
        ['Show documentation for RTY006', 'quickfix', false],
        ['Fix all auto-fixable findings', 'source.fixAll.ddr', false],
      ],
    );
    assert.deepEqual(actions[0].diagnostics, [d]);
    const edit = actions[0].edit!;
    assert.deepEqual(edit.documentChanges!.map((x) => ('textDocument' in x ? x.textDocument : null)), [{ uri, version: 1 }]);
    assert.deepEqual(await c.applyEdit(edit), { applied: true });
    assert.equal(c.text(uri), FLAWED.replace('backoff: fixed\n', 'backoff: exponential-jitter\n'));
    const after = await c.diagnosticsFor(uri, 2);
    assert.deepEqual(after.map((x) => x.code), ['TMO006', 'TMO004', 'DSN002', 'DLV001'], 'the fixed finding is gone, the others stay');
    await c.close(uri);
  });

  test('an edit computed for an older version is refused, and a stale fix-all resolves to no edit', async () => {
    const uri = 'file:///virtual/stale.design.yaml';
    await c.open(uri, FLAWED);
    const { actions } = await actionsFor(uri, 'DSN002');
    // A suggestion (rules.md: the rename changes what other rules see): never preferred,
    // and its title says it decides.
    const rename = actions.find((a) => a.title === 'Rename to `timeout` (changes the design)')!;
    assert.equal(rename.isPreferred, undefined);
    const fixAllAction = actions.find((a) => a.kind === 'source.fixAll.ddr')!;
    await c.change(uri, [{ range: range(0, 0, 0, 0), text: '# a comment\n' }]);
    assert.deepEqual(await c.applyEdit(rename.edit!), { applied: false, failureReason: "version 1 is not the document's version 2" });
    const resolved = await c.request<CodeAction>('codeAction/resolve', fixAllAction);
    assert.equal(resolved.edit, undefined);
    await c.close(uri);
  });

  test('“Waive here” inserts `# review-ignore RULE: ` above the finding’s line and puts the cursor after the colon', async () => {
    const uri = 'file:///virtual/waive.design.yaml';
    await c.open(uri, FLAWED);
    const { actions } = await actionsFor(uri, 'DLV001');
    const waive = actions.find((a) => a.title === 'Waive DLV001 here with a reason')!;
    await c.applyEdit(waive.edit!);
    const expected = FLAWED.replace('channels:\n  - name: order-events\n', 'channels:\n  # review-ignore DLV001: \n  - name: order-events\n');
    assert.equal(c.text(uri), expected);
    await c.request('workspace/executeCommand', waive.command);
    const shown = c.showDocuments.at(-1)!;
    assert.deepEqual(shown, { uri, takeFocus: true, selection: range(138, 26, 138, 26) });
    assert.equal(c.text(uri).split('\n')[138].slice(0, 26), '  # review-ignore DLV001: ');
    // Typing the reason waives the finding; until then DSN007 says the waiver waives nothing.
    const before = await c.diagnosticsFor(uri, 2);
    assert.deepEqual(
      before.filter((x) => ['DLV001', 'DSN007'].includes(String(x.code))).map((x) => [x.code, x.range]),
      [['DSN007', range(138, 2, 138, 25)], ['DLV001', range(139, 10, 139, 22)]],
    );
    await c.change(uri, [{ range: range(138, 26, 138, 26), text: 'the consumers deduplicate' }]);
    const afterReason = await c.diagnosticsFor(uri, 3);
    assert.deepEqual(afterReason.filter((x) => ['DLV001', 'DSN007'].includes(String(x.code))), []);
    await c.close(uri);
  });

  test('“Show documentation” opens the rule’s page', async () => {
    const { actions } = await actionsFor(DOC, 'DLV001');
    const show = actions.find((a) => a.title === 'Show documentation for DLV001')!;
    assert.equal(show.edit, undefined);
    await c.request('workspace/executeCommand', show.command);
    assert.deepEqual(c.showDocuments.at(-1), { uri: docs('DLV001'), external: false, takeFocus: true });
  });

  test('the source action “Fix all auto-fixable findings” applies every safe fix, as `ddr lint --fix` does', async () => {
    const uri = 'file:///virtual/fixall.design.yaml';
    await c.open(uri, FLAWED);
    await c.diagnosticsFor(uri, 1);
    const asked = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: range(0, 0, 0, 0), context: { diagnostics: [], only: ['source.fixAll'] } });
    assert.deepEqual(asked.map((a) => a.title), ['Fix all auto-fixable findings']);
    const expected = fixAll(FLAWED).text;
    assert.notEqual(expected, FLAWED);
    // The safe fix only: DSN002's rename of `timout` is a suggestion, left to the author.
    assert.equal(expected, FLAWED.replace('backoff: fixed\n', 'backoff: exponential-jitter\n'));
    await c.applyEdit(asked[0].edit!);
    assert.equal(c.text(uri), expected);
    // Lazily: without `only`, the action comes without an edit and codeAction/resolve adds it.
    const uri2 = 'file:///virtual/fixall2.design.yaml';
    await c.open(uri2, FLAWED);
    const lazy = (await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: uri2 }, range: range(0, 0, 0, 0), context: { diagnostics: [] } })).find(
      (a) => a.kind === 'source.fixAll.ddr',
    )!;
    assert.equal(lazy.edit, undefined);
    const resolved = await c.request<CodeAction>('codeAction/resolve', lazy);
    await c.applyEdit(resolved.edit!);
    assert.equal(c.text(uri2), expected);
    await c.close(uri);
    await c.close(uri2);
  });

  test('the command `ddr.fixAll` applies the same edit through workspace/applyEdit', async () => {
    const uri = 'file:///virtual/fixall-command.design.yaml';
    await c.open(uri, FLAWED);
    const r = await c.request('workspace/executeCommand', { command: 'ddr.fixAll', arguments: [{ uri }] });
    assert.deepEqual(r, { applied: true });
    await c.waitFor(() => c.text(uri) !== FLAWED, 'the edit');
    assert.equal(c.text(uri), fixAll(FLAWED).text);
    await c.close(uri);
  });
});

describe('completion', () => {
  const complete = async (text: string) => {
    const uri = `file:///virtual/complete-${Math.random().toString(36).slice(2)}.design.yaml`;
    const at = text.indexOf('$0');
    await c.open(uri, text.replace('$0', ''));
    const list = await c.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: c.docs.get(uri)!.positionAt(at) });
    await c.close(uri);
    return list.items;
  };
  const calls = (line: string) =>
    `design: shop\ndsl: 1\nservices:\n  - name: orders\n    operations:\n      - name: place\n        type: command\n        calls:\n          - to: payments.charge\n            timeout: 1s\n${line}\n  - name: payments\n    operations:\n      - name: charge\n        type: command\n      - name: refund\n        type: command\n`;

  test('at a key position: the keys valid there that the mapping does not have yet, required first', async () => {
    const items = await complete(calls('            $0'));
    assert.deepEqual(
      items.map((i) => [i.label, i.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : undefined]),
      [
        ['external', 'external: '],
        ['idempotent', 'idempotent: '],
        ['on_timeout', 'on_timeout: '],
        ['fallback', 'fallback: '],
        ['retry', 'retry:\n  '],
        ['circuit_breaker', 'circuit_breaker:\n  '],
        ['requirements', 'requirements: '],
      ],
    );
    assert.equal(items.find((i) => i.label === 'retry')!.insertTextMode, 2);
    assert.equal(items[0].detail, '`true` or `false`');
  });

  test('at a value position: enum values with the knowledge contract’s explanation', async () => {
    const items = await complete(calls('            retry:\n              backoff: exp$0'));
    assert.deepEqual(items.map((i) => i.label), ['fixed', 'exponential', 'exponential-jitter']);
    assert.deepEqual(items[2].textEdit, { range: range(11, 23, 11, 26), newText: 'exponential-jitter' });
    assert.deepEqual(items[2].documentation, {
      kind: 'markdown',
      value:
        '**`backoff: exponential-jitter`** — *Retry Behavior › Retry Strategy Parameters*\n\nExponential backoff with jitter: adds randomness to avoid thundering herd.\n\n**Use when:** almost always: the recommended default, with randomness added',
    });
  });

  test('references: operations as `service.operation`, requirements, and rule ids in waivers and comments', async () => {
    const ops = await complete(calls('          - to: $0'));
    assert.deepEqual(ops.map((i) => [i.label, i.detail]), [
      ['orders.place', 'command'],
      ['payments.charge', 'command'],
      ['payments.refund', 'command'],
    ]);
    const reqs = await complete('design: x\ndsl: 1\nrequirements:\n  - id: R1\n    text: never twice\n  - id: R2\n    text: in order\nchannels:\n  - name: c\n    requirements: [R1, $0]\n');
    assert.deepEqual(reqs.map((i) => [i.label, i.detail]), [['R2', 'in order']]);
    const rules = await complete('design: x\ndsl: 1\n# review-ignore RTY00$0\nservices: []\n');
    assert.equal(rules.length, RULES_BY_ID.size);
    assert.deepEqual(rules.find((i) => i.label === 'RTY001')!.textEdit, { range: range(2, 16, 2, 21), newText: 'RTY001' });
    assert.equal(rules.find((i) => i.label === 'RTY006')!.detail, 'fixed-backoff · warning');
    const waiver = await complete('design: x\ndsl: 1\nreview:\n  waivers:\n    - rule: $0\n');
    assert.equal(waiver.length, RULES_BY_ID.size);
  });
});

describe('navigation', () => {
  test('document symbols: requirements, services with operations, channels with consumers, data, workflows with steps', async () => {
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: DOC } });
    assert.deepEqual(
      symbols.map((s) => `${s.kind}:${s.name}` + (s.children?.length ? `(${s.children.map((x) => x.name).join(',')})` : '')),
      [
        '14:R1', '14:R2', '14:R3', '14:R4', '14:R5', '14:R6',
        '5:orders(place-order,get-order)', '5:inventory(reserve,release)', '5:payments(charge,refund)', '5:shipping(schedule,record-order)', '5:catalog(get-price)',
        '24:order-events(shipping)', '24:click-stream(catalog)',
        '23:orders-db', '23:stock-levels', '23:price-cache',
        '12:checkout(inventory.reserve,payments.charge,shipping.schedule)',
      ],
    );
    const orders = symbols.find((s) => s.name === 'orders')!;
    assert.deepEqual(orders.selectionRange, range(35, 10, 35, 16));
    assert.equal(orders.children![0].detail, 'command · interactive · 5s');
  });

  test('go to definition from a reference to an operation, and to its service', async () => {
    const op = await c.request<Location[]>('textDocument/definition', { textDocument: { uri: DOC }, position: c.positionOf(DOC, 'to: inventory.reserve', 16) });
    assert.deepEqual(op, [{ uri: DOC, range: range(71, 14, 71, 21) }]);
    const svc = await c.request<Location[]>('textDocument/definition', { textDocument: { uri: DOC }, position: c.positionOf(DOC, 'to: inventory.reserve', 6) });
    assert.deepEqual(svc, [{ uri: DOC, range: range(69, 10, 69, 19) }]);
    const rule = await c.request<Location[] | null>('textDocument/definition', { textDocument: { uri: DOC }, position: { line: 2, character: 0 } });
    assert.equal(rule, null);
  });

  test('find references of a requirement, with and without its declaration', async () => {
    const at = c.positionOf(DOC, 'requirements: [R1, R2]', 16);
    const refs = await c.request<Location[]>('textDocument/references', { textDocument: { uri: DOC }, position: at, context: { includeDeclaration: true } });
    const lines = (locs: Location[]) => locs.map((l) => `${l.range.start.line}:${l.range.start.character}-${l.range.end.character}`);
    assert.deepEqual(lines(refs), ['9:8-10', '47:23-25', '95:23-25']);
    const only = await c.request<Location[]>('textDocument/references', { textDocument: { uri: DOC }, position: at, context: { includeDeclaration: false } });
    assert.deepEqual(lines(only), ['47:23-25', '95:23-25']);
  });

  test('rename a service: its name, every `service.operation` reference and waiver path, as one versioned edit', async () => {
    const uri = 'file:///virtual/rename.design.yaml';
    const text = CHECKOUT + '  waivers:\n    - rule: RTY005\n      at: services.inventory.operations.reserve\n      reason: test\n';
    await c.open(uri, text);
    const prep = await c.request('textDocument/prepareRename', { textDocument: { uri }, position: c.positionOf(uri, '- name: inventory', 9) });
    assert.deepEqual(prep, { range: range(69, 10, 69, 19), placeholder: 'inventory' });
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: c.positionOf(uri, '- name: inventory', 9), newName: 'stock' });
    await c.applyEdit(edit);
    assert.equal(
      c.text(uri),
      text
        .replace('- name: inventory\n', '- name: stock\n')
        .replace('to: inventory.reserve', 'to: stock.reserve')
        .replace('operation: inventory.reserve', 'operation: stock.reserve')
        .replace('compensation: inventory.release', 'compensation: stock.release')
        .replace('owner: inventory', 'owner: stock')
        .replace('at: services.inventory.operations', 'at: services.stock.operations'),
    );
    const diags = await c.diagnosticsFor(uri, 2);
    assert.deepEqual(diags.map((d) => d.code), [], 'the renamed design is still clean: no reference was left behind');
    await c.close(uri);
  });

  test('rename an operation from a reference; a name that is taken or not a name is refused with a reason', async () => {
    const uri = 'file:///virtual/rename-op.design.yaml';
    await c.open(uri, CHECKOUT);
    const edit = await c.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: c.positionOf(uri, 'compensation: payments.refund', 25), newName: 'reimburse' });
    await c.applyEdit(edit);
    assert.equal(c.text(uri), CHECKOUT.replace('      - name: refund\n', '      - name: reimburse\n').replace('compensation: payments.refund', 'compensation: payments.reimburse'));
    await assert.rejects(
      c.request('textDocument/rename', { textDocument: { uri }, position: c.positionOf(uri, '- name: charge', 9), newName: 'reimburse' }),
      /A operation `payments.reimburse` already exists|already exists/,
    );
    await assert.rejects(c.request('textDocument/rename', { textDocument: { uri }, position: c.positionOf(uri, '- name: charge', 9), newName: 'pay now' }), /not a valid name/);
    await assert.rejects(c.request('textDocument/prepareRename', { textDocument: { uri }, position: { line: 0, character: 0 } }), /Only the name of/);
    await c.close(uri);
  });
});

describe('settings', () => {
  test('a change of settings re-publishes: severities overridden or off, the TMO005 threshold', async () => {
    const uri = 'file:///virtual/settings.design.yaml';
    await c.open(uri, FLAWED);
    const before = await c.diagnosticsFor(uri, 1);
    assert.deepEqual(before.map((d) => `${d.code}:${d.severity}`), ['TMO006:2', 'RTY006:2', 'TMO004:2', 'DSN002:2', 'DLV001:1']);
    const count = () => c.diagnostics.get(uri)!.length;
    let n = count();
    c.settings = { severity: { DLV001: 'warning', RTY006: 'off' }, timeouts: { interactiveMax: '2s' } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor(() => count() > n, 'a new publication');
    const after = c.diagnostics.get(uri)!.at(-1)!;
    assert.equal(after.version, 1);
    // TMO005 on both interactive operations above 2s: place-order (5s) and payments.charge (3s).
    assert.deepEqual(after.diagnostics.map((d) => `${d.code}:${d.severity}`), ['TMO005:3', 'TMO006:2', 'TMO005:3', 'TMO004:2', 'DSN002:2', 'DLV001:2']);
    assert.deepEqual([after.diagnostics[0].range, after.diagnostics[2].range], [range(40, 17, 40, 19), range(89, 17, 89, 19)]);
    n = count();
    c.settings = {};
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor(() => count() > n, 'a new publication');
    assert.deepEqual(c.diagnostics.get(uri)!.at(-1)!.diagnostics.map((d) => `${d.code}:${d.severity}`), ['TMO006:2', 'RTY006:2', 'TMO004:2', 'DSN002:2', 'DLV001:1']);
    await c.close(uri);
  });
});

describe('document sync', () => {
  test('incremental changes: no stale diagnostics, never an older version published after a newer one', async () => {
    const uri = 'file:///virtual/sync.design.yaml';
    await c.open(uri, FLAWED);
    await c.diagnosticsFor(uri, 1);
    // Five quick edits without waiting: break and repair the channel's delivery several times.
    const at = c.positionOf(uri, '    ordering: per-partition\n    partition_key');
    for (let i = 0; i < 5; i++) {
      await c.change(uri, [{ range: { start: at, end: at }, text: '    delivery: at-least-once\n' }]);
      await c.change(uri, [{ range: { start: at, end: { line: at.line + 1, character: 0 } }, text: '' }]);
    }
    const last = await c.change(uri, [{ range: { start: at, end: at }, text: '    delivery: at-least-once\n' }]);
    const final = await c.diagnosticsFor(uri, last);
    assert.deepEqual(final.map((d) => d.code), ['TMO006', 'RTY006', 'TMO004', 'DSN002'], 'DLV001 is gone with the change that cured it');
    const versions = c.diagnostics.get(uri)!.map((p) => p.version!);
    assert.deepEqual([...versions].sort((a, b) => a - b), versions, `published in order: ${versions.join(',')}`);
    assert.equal(versions.at(-1), last);
    // Curing every finding publishes an empty list for the version.
    const v = await c.replaceText(uri, CHECKOUT);
    assert.deepEqual(await c.diagnosticsFor(uri, v), []);
    await c.close(uri);
    await c.waitFor(() => c.diagnostics.get(uri)!.at(-1)!.diagnostics.length === 0 && c.diagnostics.get(uri)!.at(-1)!.version === undefined, 'cleared on close');
  });
});

describe('bad input', () => {
  test('junk gets DSN001, a 10 MB document gets one DSN001, and the server still answers the next request', async () => {
    const junk = 'file:///virtual/junk.design.yaml';
    await c.open(junk, '\u0000\u0007 {[ ::: "unterminated\n\t- - ? &a *b !!binary\n' + '}'.repeat(50) + '\n\uFFFF\uD800 end');
    const jd = await c.diagnosticsFor(junk, 1);
    assert.ok(jd.length >= 1 && jd.every((d) => d.source === 'ddr'));
    assert.ok(jd.some((d) => d.code === 'DSN001'), JSON.stringify(jd.map((d) => d.code)));
    const h = await c.request('textDocument/hover', { textDocument: { uri: junk }, position: { line: 0, character: 3 } });
    assert.ok(h === null || typeof h === 'object');
    await c.request('textDocument/completion', { textDocument: { uri: junk }, position: { line: 1, character: 3 } });
    await c.request('textDocument/codeAction', { textDocument: { uri: junk }, range: range(0, 0, 0, 1), context: { diagnostics: jd } });
    await c.request('textDocument/documentSymbol', { textDocument: { uri: junk } });

    const big = 'file:///virtual/big.design.yaml';
    const line = '# ' + 'x'.repeat(97) + '\n';
    const text = 'design: big\ndsl: 1\n' + line.repeat(Math.ceil((10 * 1024 * 1024) / line.length));
    const t0 = Date.now();
    await c.open(big, text);
    const bd = await c.diagnosticsFor(big, 1, 20_000);
    assert.deepEqual(bd.map((d) => [d.code, d.severity, d.range, d.message]), [
      ['DSN001', 1, range(0, 0, 0, 0), 'not analysed: the file is 10.0 MB, over the 4.0 MB limit (setting limits.maxFileSize)'],
    ]);
    const h2 = await c.request<Hover>('textDocument/hover', { textDocument: { uri: DOC }, position: c.positionOf(DOC, 'delivery: at-most-once', 12) });
    assert.match((h2.contents as { value: string }).value, /^\*\*`delivery: at-most-once`\*\*/);
    assert.ok(Date.now() - t0 < 15_000, `took ${Date.now() - t0} ms`);
    await c.close(big);
    await c.close(junk);
    assert.equal(c.child.exitCode, null, 'the server is still running');
  });
});

// Designs that are not open: the server reads every *.design.yaml/.yml under the workspace
// folders, publishes their diagnostics, answers `ddr/checklist` for all of them, follows
// workspace/didChangeWatchedFiles, and edits the checklist through workspace/applyEdit.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LspClient, REPO_ROOT, uriOf } from './support/lspClient';

const CHECKOUT = fs.readFileSync(path.join(REPO_ROOT, 'examples', 'checkout.design.yaml'), 'utf8');
const A_TEXT = CHECKOUT.replace('    delivery: at-least-once\n', '');
const B_TEXT = 'design: tiny\ndsl: 1\n# nothing yet\n';

let dir: string;
let c: LspClient;
let a: string;
let b: string;

interface ChecklistAnswer {
  designs: Array<{
    uri: string;
    name?: string;
    status?: string;
    areas: Array<{ area: string; title: string; state: string; reason?: string; counts: Record<string, number>; findings: Array<{ ruleId: string; severity: string; message: string; range: unknown }> }>;
  }>;
}

const checklist = (uri?: string) => c.request<ChecklistAnswer>('ddr/checklist', uri ? { uri } : {});
const changedCount = () => c.notifications.filter((n) => n.method === 'ddr/checklistChanged').length;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-lsp-ws-'));
  fs.writeFileSync(path.join(dir, 'a.design.yaml'), A_TEXT);
  fs.mkdirSync(path.join(dir, 'sub'));
  fs.writeFileSync(path.join(dir, 'sub', 'b.design.yml'), B_TEXT);
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.writeFileSync(path.join(dir, 'node_modules', 'dep.design.yaml'), A_TEXT);
  fs.writeFileSync(path.join(dir, 'notes.yaml'), 'not: a design\n');
  a = uriOf(path.join(dir, 'a.design.yaml'));
  b = uriOf(path.join(dir, 'sub', 'b.design.yml'));
  c = await LspClient.start({ workspaceFolders: [dir] });
});

after(async () => {
  await c?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every design under the folders is analysed and published without being opened; node_modules is skipped', async () => {
  const da = await c.diagnosticsFor(a, null);
  assert.deepEqual(da.map((d) => [d.code, d.range.start.line, d.message]), [
    ['DLV001', 138, 'channel `order-events` does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)'],
  ]);
  assert.equal(c.diagnostics.get(a)!.at(-1)!.version, undefined, 'a file that is not open has no version');
  assert.deepEqual(await c.diagnosticsFor(b, null), []);
  assert.ok(![...c.diagnostics.keys()].some((u) => u.includes('node_modules') || u.endsWith('notes.yaml')));
  const watchers = JSON.stringify(c.registrations);
  assert.match(watchers, /workspace\/didChangeWatchedFiles/);
  assert.match(watchers, /\*\*\/\*\.design\.yaml/);
  assert.match(watchers, /\*\*\/\*\.design\.yml/);
});

test('ddr/checklist: each design, its areas in checklist order with state, counts and findings', async () => {
  const r = await checklist();
  assert.deepEqual(r.designs.map((d) => [d.uri, d.name, d.status]), [
    [a, 'checkout', 'in-review'],
    [b, 'tiny', undefined],
  ]);
  const da = r.designs[0];
  assert.deepEqual(da.areas.map((x) => `${x.area}:${x.state}:${x.counts.error}/${x.counts.warning}/${x.counts.info}`), [
    'delivery:done:1/0/0',
    'retries:done:0/0/0',
    'duplicates:done:0/0/0',
    'timeouts:done:0/0/0',
    'partial-failure:open:0/0/0',
    'consistency:open:0/0/0',
    'ordering:open:0/0/0',
    'structure:open:0/0/0',
  ]);
  assert.deepEqual(da.areas[0], {
    area: 'delivery',
    title: 'Delivery guarantees',
    state: 'done',
    counts: { error: 1, warning: 0, info: 0 },
    findings: [
      {
        ruleId: 'DLV001',
        severity: 'error',
        message: 'channel `order-events` does not declare its delivery guarantee (at-most-once, at-least-once or exactly-once)',
        range: { start: { line: 138, character: 10 }, end: { line: 138, character: 22 } },
      },
    ],
  });
  const one = await checklist(b);
  assert.deepEqual(one.designs.map((d) => d.uri), [b]);
});

test('ddr.setChecklistState on a closed file: accepted-risk with its reason, written through workspace/applyEdit', async () => {
  const n = changedCount();
  const r = await c.request('workspace/executeCommand', {
    command: 'ddr.setChecklistState',
    arguments: [{ uri: a, area: 'consistency', state: 'accepted-risk', reason: 'prices may lag by 30s' }],
  });
  assert.deepEqual(r, { applied: true });
  const last = c.applied.at(-1)!;
  assert.deepEqual(
    (last.params.edit.documentChanges![0] as { textDocument: unknown }).textDocument,
    { uri: a, version: null },
    'a file that is not open is edited with version null',
  );
  const onDisk = fs.readFileSync(path.join(dir, 'a.design.yaml'), 'utf8');
  assert.equal(onDisk, A_TEXT.replace('    consistency: open\n', '    consistency: accepted-risk  # accepted-risk consistency: prices may lag by 30s\n'));
  const published = c.diagnostics.get(a)!.length;
  await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: a, type: 2 }] });
  await c.waitFor(() => c.diagnostics.get(a)!.length > published, 'the file re-read and re-published');
  await c.waitFor(() => changedCount() > n, 'ddr/checklistChanged');
  const area = (await checklist(a)).designs[0].areas.find((x) => x.area === 'consistency')!;
  assert.deepEqual([area.state, area.reason], ['accepted-risk', 'prices may lag by 30s']);
});

test('ddr.setChecklistState creates `review:` and `checklist:` when absent, keeping the comment', async () => {
  const r = await c.request('workspace/executeCommand', { command: 'ddr.setChecklistState', arguments: [{ uri: b, area: 'ordering', state: 'done' }] });
  assert.deepEqual(r, { applied: true });
  // A new key goes after the last line with content; the comment at the end of the file stays at the end.
  assert.equal(fs.readFileSync(path.join(dir, 'sub', 'b.design.yml'), 'utf8'), 'design: tiny\ndsl: 1\nreview:\n  checklist:\n    ordering: done\n# nothing yet\n');
  await assert.rejects(
    c.request('workspace/executeCommand', { command: 'ddr.setChecklistState', arguments: [{ uri: b, area: 'speed', state: 'done' }] }),
    /`speed` is not a concern area/,
  );
});

test('an open document wins over the disk; closing it goes back to the file', async () => {
  const opened = A_TEXT.replace('channels:\n  - name: order-events\n', 'channels:\n  - name: order-events\n    delivery: at-least-once\n');
  await c.open(a, opened);
  assert.deepEqual(await c.diagnosticsFor(a, 1), []);
  assert.deepEqual((await checklist(a)).designs[0].areas[0].counts, { error: 0, warning: 0, info: 0 });
  const published = c.diagnostics.get(a)!.length;
  await c.close(a);
  await c.waitFor(() => c.diagnostics.get(a)!.length > published && c.diagnostics.get(a)!.at(-1)!.diagnostics.length === 1, 'the file’s own diagnostics again');
  assert.equal(c.diagnostics.get(a)!.at(-1)!.diagnostics[0].code, 'DLV001');
});

test('watched files: a new design is read, a deleted one is cleared from diagnostics and the checklist', async () => {
  const d = uriOf(path.join(dir, 'new.design.yaml'));
  fs.writeFileSync(path.join(dir, 'new.design.yaml'), 'design: new\n');
  await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: d, type: 1 }] });
  const dd = await c.diagnosticsFor(d, null);
  assert.deepEqual(dd.map((x) => [x.code, x.message]), [['DSN006', 'the design needs `dsl`']]);
  fs.rmSync(path.join(dir, 'sub', 'b.design.yml'));
  const before = c.diagnostics.get(b)!.length;
  await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: b, type: 3 }] });
  await c.waitFor(() => c.diagnostics.get(b)!.length > before, 'cleared diagnostics');
  assert.deepEqual(c.diagnostics.get(b)!.at(-1)!.diagnostics, []);
  assert.deepEqual((await checklist()).designs.map((x) => x.uri), [a, d]);
});

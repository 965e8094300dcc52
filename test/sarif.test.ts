// `ddr lint --format sarif` is SARIF 2.1.0 that GitHub code scanning accepts: valid
// against the official schema, every rule described, exact regions, related locations,
// and waived findings as suppressed results.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Ajv from 'ajv';
import { RULES } from '../server/src/engine/registry';
import { docsUrl } from '../server/src/engine/rule';

const repoRoot = path.join(__dirname, '..', '..');
const BIN = path.join(repoRoot, 'bin', 'ddr.js');
const SCHEMA = path.join(repoRoot, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const VERSION = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

const temps: string[] = [];
after(() => temps.forEach((t) => fs.rmSync(t, { recursive: true, force: true })));

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

function sarif(args: string[], cwd: string): { code: number | null; log: Json; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'lint', '--format', 'sarif', ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(r.status, 2, `ddr failed: ${r.stderr}`);
  return { code: r.status, log: JSON.parse(r.stdout), stderr: r.stderr };
}

/**
 * The schema ships as draft-04 (`id`); ajv 8 reads it as draft-07 once `id` is `$id`.
 * Its formats are checked, not ignored.
 */
function validator() {
  const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8'));
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // The schema's `language` pattern has a stray `]`, legal only without the u flag.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => {
    try {
      new URL(s);
      return true;
    } catch {
      return false;
    }
  });
  ajv.addFormat('uri-reference', (s: string) => {
    try {
      new URL(s, 'file:///base/');
      return !/[\s\\]/.test(s);
    } catch {
      return false;
    }
  });
  ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s));
  return ajv.compile(schema);
}

function assertValid(log: Json): void {
  const validate = validator();
  const ok = validate(log);
  assert.ok(ok, `SARIF schema errors:\n${JSON.stringify(validate.errors?.slice(0, 10), null, 2)}`);
}

test('the SARIF of examples/ is valid SARIF 2.1.0 and describes every rule', () => {
  const { log } = sarif(['examples/'], repoRoot);
  assertValid(log);
  // The validator rejects what GitHub would: a 0-based line, a missing message.
  const broken = JSON.parse(JSON.stringify(log));
  broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
  delete broken.runs[0].results[0].message;
  assert.equal(validator()(broken), false, 'the schema check can fail');
  assert.equal(log.version, '2.1.0');
  assert.equal(typeof log.$schema, 'string');
  assert.equal(log.runs.length, 1);
  const run = log.runs[0];
  assert.equal(run.columnKind, 'utf16CodeUnits');
  assert.equal(run.originalUriBaseIds['%SRCROOT%'].uri, `file://${repoRoot}/`);
  const driver = run.tool.driver;
  assert.equal(driver.name, 'ddr');
  assert.equal(driver.version, VERSION);
  assert.match(driver.informationUri, /^https:\/\//);
  assert.deepEqual(
    driver.rules.map((r: Json) => r.id),
    RULES.map((r) => r.id),
  );
  for (const [i, rule] of RULES.entries()) {
    const d = driver.rules[i];
    assert.equal(d.name, rule.name);
    assert.equal(d.shortDescription.text, rule.docs.summary);
    assert.ok(d.fullDescription.text.includes(rule.docs.why));
    assert.ok(d.help.text.includes(rule.docs.why) && d.help.text.includes(rule.docs.fix), `${rule.id}: help has why and fix`);
    assert.ok(d.help.markdown.includes(rule.docs.why) && d.help.markdown.includes(rule.docs.fix));
    assert.equal(d.helpUri, docsUrl(rule));
    assert.equal(d.defaultConfiguration.level, { error: 'error', warning: 'warning', info: 'note' }[rule.severity]);
    assert.deepEqual(d.properties.tags, [rule.area]);
  }
  assert.ok(run.results.length > 0, 'the examples have findings');
  for (const r of run.results) {
    assert.equal(driver.rules[r.ruleIndex].id, r.ruleId, 'ruleIndex points at the rule');
    const loc = r.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uriBaseId, '%SRCROOT%');
    assert.match(loc.artifactLocation.uri, /^examples\/[a-z-]+\.design\.yaml$/);
    assert.ok(loc.region.endLine > loc.region.startLine || loc.region.endColumn >= loc.region.startColumn);
  }
});

test('a result: ruleId, level, message and its exact 1-based region; related locations; suppressions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ddr-sarif-'));
  temps.push(dir);
  const text = [
    'design: shop', // 1
    'dsl: 1', // 2
    'desciption: x', // 3
    'channels:', // 4
    '  - name: c', // 5
    '    delivery: at-most-once',
    '    ordering: none',
    '    out_of_order: drop',
    '  - name: c', // 9
    '    delivery: at-most-once',
    '    ordering: none',
    '    out_of_order: drop',
    "  # review-ignore DLV001: the audit stream's guarantee is decided in ADR-12", // 13
    '  - name: audit', // 14
    '    ordering: none',
    '    out_of_order: drop',
    '',
  ].join('\n');
  fs.mkdirSync(path.join(dir, 'my designs'));
  fs.writeFileSync(path.join(dir, 'my designs', 'shop.design.yaml'), text);
  fs.writeFileSync(path.join(dir, 'empty.design.yaml'), '');
  const { log, code } = sarif([], dir);
  assertValid(log);
  assert.equal(code, 1);
  const results: Json[] = log.runs[0].results;
  const uri = 'my%20designs/shop.design.yaml';
  const of = (id: string) => results.filter((r) => r.ruleId === id);

  const [dsn002] = of('DSN002');
  assert.deepEqual(dsn002, {
    ruleId: 'DSN002',
    ruleIndex: RULES.findIndex((r) => r.id === 'DSN002'),
    level: 'warning',
    message: { text: 'unknown key `desciption` in a design; did you mean `description`?' },
    locations: [
      { physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: { startLine: 3, startColumn: 1, endLine: 3, endColumn: 11 } } },
    ],
  });

  const [dsn005] = of('DSN005');
  assert.equal(dsn005.level, 'error');
  assert.deepEqual(dsn005.locations[0].physicalLocation.region, { startLine: 9, startColumn: 11, endLine: 9, endColumn: 12 });
  assert.deepEqual(dsn005.relatedLocations, [
    {
      id: 1,
      message: { text: 'the first channel named `c`' },
      physicalLocation: { artifactLocation: { uri, uriBaseId: '%SRCROOT%' }, region: { startLine: 5, startColumn: 11, endLine: 5, endColumn: 12 } },
    },
  ]);

  // The waived finding is listed, suppressed in source with the waiver's reason.
  const [dlv001] = of('DLV001');
  assert.deepEqual(dlv001.suppressions, [{ kind: 'inSource', justification: "the audit stream's guarantee is decided in ADR-12" }]);
  assert.deepEqual(dlv001.locations[0].physicalLocation.region, { startLine: 14, startColumn: 11, endLine: 14, endColumn: 16 });
  assert.equal(
    results.filter((r) => r.suppressions).length,
    1,
    'only the waived finding is suppressed',
  );

  // A zero-width finding (an empty file lacks `design` and `dsl`) still has a valid region.
  const [dsn006] = of('DSN006');
  assert.deepEqual(dsn006.locations[0].physicalLocation, {
    artifactLocation: { uri: 'empty.design.yaml', uriBaseId: '%SRCROOT%' },
    region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
  });

  // The text and JSON reports leave the waived finding out.
  const json = spawnSync(process.execPath, [BIN, 'lint', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  assert.ok(!json.stdout.includes('DLV001'), 'the JSON report omits waived findings');
});

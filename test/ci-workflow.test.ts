// The GitHub Actions recipe (docs/ci/github-actions.yml, also in README.md), tried: the
// file validates against SchemaStore's GitHub workflow schema (@action-validator/core
// embeds it), and its `run:` steps run, in order and with GitHub's shell and `if:` rules,
// in a temporary checkout of a repository with designs: the install step installs a local
// package that runs this build's ddr (nothing is downloaded), the review writes the SARIF
// log the upload step names.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { validateWorkflow } from '@action-validator/core';
import { parse as parseYaml } from 'yaml';
import { tempDir } from './support/tempDir';

const ROOT = path.join(__dirname, '..', '..');
const WORKFLOW = path.join(ROOT, 'docs', 'ci', 'github-actions.yml');
const text = fs.readFileSync(WORKFLOW, 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

const workflow = parseYaml(text) as Workflow;
const job = workflow.jobs.ddr;

/** A package with a `ddr` command that runs this build's bin/ddr.js: what `$DDR_PACKAGE` installs here. */
function localPackage(): string {
  return tempDir(
    {
      'package.json': JSON.stringify({ name: 'distributed-design-review', version: '0.0.0-local', bin: { ddr: 'ddr.js' } }),
      'ddr.js': `#!/usr/bin/env node\nrequire(${JSON.stringify(path.join(ROOT, 'bin', 'ddr.js'))});\n`,
    },
    'ddr-local-pkg-',
  );
}

interface Ran {
  step: Step;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the job's `run:` steps as a runner would: `bash --noprofile --norc -eo pipefail`,
 * the workflow's, job's and step's env, a step after a failed one only when its `if:`
 * allows it. `uses:` steps are returned unrun: whether each would run, and what it gets.
 */
function runJob(checkout: string, overrides: Record<string, string>): { ran: Ran[]; wouldUse: Array<{ step: Step; runs: boolean }> } {
  const ran: Ran[] = [];
  const wouldUse: Array<{ step: Step; runs: boolean }> = [];
  let failed = false;
  for (const step of job.steps) {
    const cond = step.if?.trim();
    assert.ok(cond === undefined || cond === '${{ !cancelled() }}' || cond === 'always()', `this runner knows no \`if: ${cond}\``);
    const runs = cond === undefined ? !failed : true;
    if (step.uses) {
      wouldUse.push({ step, runs });
      continue;
    }
    if (!runs) {
      continue;
    }
    const env = { ...process.env, ...workflow.env, ...job.env, ...step.env, ...overrides };
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: checkout, env, encoding: 'utf8', timeout: 120_000 });
    ran.push({ step, status: r.status, stdout: r.stdout, stderr: r.stderr });
    failed ||= r.status !== 0;
  }
  return { ran, wouldUse };
}

/** The local package installed by the install step, into a prefix of its own, with nothing fetched. */
function installOverrides(): Record<string, string> {
  const prefix = tempDir({}, 'ddr-prefix-');
  return {
    DDR_PACKAGE: localPackage(),
    npm_config_prefix: prefix,
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`,
  };
}

function checkoutWith(designs: string[]): string {
  const files: Record<string, string> = { 'README.md': '# A service\n' };
  for (const d of designs) {
    files[`designs/${d}`] = fs.readFileSync(path.join(ROOT, 'examples', d), 'utf8');
  }
  return tempDir(files, 'ddr-checkout-');
}

describe('the GitHub Actions recipe', () => {
  test('validates against the GitHub workflow schema (SchemaStore), which rejects a broken copy', () => {
    assert.deepEqual(validateWorkflow(text).errors, []);
    const broken = validateWorkflow(text.replace('runs-on:', 'runs_on:').replace('security-events: write', 'security-events: writ'));
    assert.deepEqual(broken.errors.map((e) => ('path' in e ? e.path : e.title)).sort(), ['/jobs/ddr', '/permissions']);
  });

  test('README.md shows the same workflow', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    assert.ok(readme.includes('```yaml\n' + text + '```\n'), 'README.md has docs/ci/github-actions.yml verbatim in a ```yaml block');
  });

  test('checks out, sets up Node 20, and uploads what the review step writes, even when the review fails', () => {
    const uses = job.steps.filter((s) => s.uses).map((s) => s.uses);
    assert.deepEqual(uses, ['actions/checkout@v4', 'actions/setup-node@v4', 'github/codeql-action/upload-sarif@v3']);
    assert.equal(job.steps[1].with?.['node-version'], 20);
    const lint = job.steps.find((s) => s.run?.includes('ddr lint'))!;
    const upload = job.steps.find((s) => s.uses?.includes('upload-sarif'))!;
    assert.match(lint.run!, new RegExp(`--format sarif --output ${upload.with?.sarif_file} `));
  });

  test('its run steps, in a checkout with findings: install, review (exit 1, the SARIF log written), upload still runs', () => {
    const checkout = checkoutWith(['checkout.design.yaml', 'retries.design.yaml']);
    const overrides = installOverrides();
    const { ran, wouldUse } = runJob(checkout, overrides);
    assert.deepEqual(
      ran.map((r) => [r.step.name, r.status]),
      [
        ['Install ddr', 0],
        ['Review the designs', 1],
      ],
      ran.map((r) => r.stderr).join('\n'),
    );
    assert.ok(fs.existsSync(path.join(overrides.npm_config_prefix, 'bin', 'ddr')), 'the install step put ddr on the PATH');
    assert.equal(ran[1].stdout, '');
    assert.deepEqual(
      wouldUse.map((u) => [u.step.uses, u.runs]),
      [
        ['actions/checkout@v4', true],
        ['actions/setup-node@v4', true],
        ['github/codeql-action/upload-sarif@v3', true],
      ],
    );
    const upload = wouldUse[2].step;
    const log = JSON.parse(fs.readFileSync(path.join(checkout, String(upload.with?.sarif_file)), 'utf8')) as {
      version: string;
      runs: Array<{ tool: { driver: { name: string } }; results: Array<{ ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }> }> }>;
    };
    assert.equal(log.version, '2.1.0');
    const results = log.runs[0].results;
    assert.equal(log.runs[0].tool.driver.name, 'ddr');
    assert.deepEqual([...new Set(results.map((r) => r.ruleId))].sort(), ['RTY001', 'RTY002', 'RTY003', 'RTY004', 'RTY005', 'RTY006', 'RTY007', 'RTY008', 'RTY009', 'RTY010', 'RTY011']);
    // Code scanning places a result by its path relative to the repository root.
    assert.deepEqual([...new Set(results.map((r) => JSON.stringify(r.locations[0].physicalLocation.artifactLocation)))], ['{"uri":"designs/retries.design.yaml","uriBaseId":"%SRCROOT%"}']);
  });

  test('its run steps, in a checkout whose designs are clean: the job passes with an empty log', () => {
    const checkout = checkoutWith(['checkout.design.yaml']);
    const { ran } = runJob(checkout, installOverrides());
    assert.deepEqual(
      ran.map((r) => [r.step.name, r.status]),
      [
        ['Install ddr', 0],
        ['Review the designs', 0],
      ],
      ran.map((r) => r.stderr).join('\n'),
    );
    const log = JSON.parse(fs.readFileSync(path.join(checkout, 'ddr.sarif'), 'utf8')) as { runs: Array<{ results: unknown[] }> };
    assert.deepEqual(log.runs[0].results, []);
  });
});

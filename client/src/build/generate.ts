// Writes what the extension's manifest derives from the engine, so that nothing about a
// key or a rule is written twice:
//   - syntaxes/distributed-design.tmLanguage.json, from the DSL's schema;
//   - package.json's `ddr.severity` setting: one property per rule of the registry.
// Usage (after `npm run build`): node out/client/src/build/generate.js [--check]
// With --check it writes nothing and exits 1 when a file is stale (the tests do the same).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../../server/src/engine/registry';
import { AREA_TITLES } from '../../../server/src/engine/types';
import { buildGrammar } from './grammar';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const GRAMMAR_PATH = path.join(ROOT, 'syntaxes', 'distributed-design.tmLanguage.json');
export const PACKAGE_PATH = path.join(ROOT, 'package.json');

export function grammarText(): string {
  return JSON.stringify(buildGrammar(), null, 2) + '\n';
}

/** The `ddr.severity` setting's schema: every rule id, with its name, area and default. */
export function severitySetting(): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const r of RULES) {
    properties[r.id] = {
      type: 'string',
      enum: ['error', 'warning', 'info', 'off'],
      // Only what the catalog fixes (name, area, default), so that rewording a rule's docs
      // does not make package.json stale.
      description: `${r.name}: ${AREA_TITLES[r.area].toLowerCase()}, default ${r.severity}`,
    };
  }
  return {
    type: 'object',
    default: {},
    scope: 'resource',
    markdownDescription:
      'Severity of each rule, by rule id: `error`, `warning`, `info` or `off` (the rule does not run). Rules not listed keep their default severity. For example `{"RTY011": "off", "TMO001": "error"}`.\n\nRules: ' +
      RULES.map((r) => `\`${r.id}\` ${r.name}`).join(', ') +
      '.',
    properties,
    additionalProperties: false,
  };
}

interface Manifest {
  contributes?: { configuration?: { properties?: Record<string, unknown> } };
}

/** package.json with `ddr.severity` regenerated, in npm's own format (2 spaces, final newline). */
export function packageText(current: string): string {
  const pkg = JSON.parse(current) as Manifest;
  const props = pkg.contributes?.configuration?.properties;
  if (!props) {
    throw new Error('package.json has no contributes.configuration.properties');
  }
  props['ddr.severity'] = severitySetting();
  return JSON.stringify(pkg, null, 2) + '\n';
}

function main(): void {
  const check = process.argv.includes('--check');
  const targets: Array<[string, string]> = [
    [GRAMMAR_PATH, grammarText()],
    [PACKAGE_PATH, packageText(fs.readFileSync(PACKAGE_PATH, 'utf8'))],
  ];
  let stale = 0;
  for (const [file, text] of targets) {
    const now = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (now === text) {
      continue;
    }
    stale++;
    if (check) {
      console.error(`stale: ${path.relative(ROOT, file)}`);
    } else {
      fs.writeFileSync(file, text);
      console.log(`wrote ${path.relative(ROOT, file)}`);
    }
  }
  if (check && stale) {
    console.error('run: npm run build && node out/client/src/build/generate.js');
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main();
}

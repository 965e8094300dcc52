// SARIF 2.1.0, as GitHub code scanning accepts it: one run, every rule of the registry as
// a reporting descriptor (so a rule's help shows even where it did not fire), results
// with 1-based regions in UTF-16 code units, and waived findings as suppressed results.
import { pathToFileURL } from 'node:url';
import { RULES } from '../../engine/registry';
import { docsUrl, Rule } from '../../engine/rule';
import type { Finding, Severity } from '../../engine/types';
import { helpMarkdown, helpText, HOMEPAGE } from '../ruleDocs';
import { jsonText } from './escape';
import { FileResult, locate } from './types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export interface SarifOptions {
  version: string;
  cwd: string;
}

function descriptor(rule: Rule) {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.docs.summary },
    fullDescription: { text: `${rule.docs.summary} ${rule.docs.why}` },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    helpUri: docsUrl(rule),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: [rule.area] },
  };
}

/** A relative path as a URI reference: each segment percent-encoded, `/` between them. */
export function toUri(file: string): string {
  return file
    .split('/')
    .map((s) => (s === '..' || s === '.' ? s : encodeURIComponent(s)))
    .join('/');
}

export function formatSarif(results: FileResult[], opts: SarifOptions): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const out: unknown[] = [];
  for (const r of results) {
    const physical = (range: Finding['range']) => {
      const at = locate(r.map, range);
      return {
        artifactLocation: { uri: toUri(r.file), uriBaseId: '%SRCROOT%' },
        region: { startLine: at.line, startColumn: at.column, endLine: at.endLine, endColumn: at.endColumn },
      };
    };
    const result = (f: Finding, suppression?: { reason: string }) => {
      const res: Record<string, unknown> = {
        ruleId: f.ruleId,
        ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
        level: LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: physical(f.range) }],
      };
      if (f.related?.length) {
        res.relatedLocations = f.related.map((x, i) => ({ id: i + 1, message: { text: x.message }, physicalLocation: physical(x.range) }));
      }
      if (suppression) {
        res.suppressions = [{ kind: 'inSource', justification: suppression.reason }];
      }
      return res;
    };
    const all: Array<[Finding, { reason: string } | undefined]> = [
      ...r.findings.map((f): [Finding, undefined] => [f, undefined]),
      ...r.waived.map((w): [Finding, { reason: string }] => [w, w.waiver]),
    ];
    all.sort((a, b) => a[0].range[0] - b[0].range[0] || a[0].range[1] - b[0].range[1] || (a[0].ruleId < b[0].ruleId ? -1 : 1));
    for (const [f, s] of all) {
      out.push(result(f, s));
    }
  }
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'ddr',
            fullName: 'Distributed Design Review',
            version: opts.version,
            semanticVersion: opts.version,
            informationUri: HOMEPAGE,
            rules: RULES.map(descriptor),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(opts.cwd).href.replace(/\/?$/, '/') } },
        columnKind: 'utf16CodeUnits',
        results: out,
      },
    ],
  };
  // jsonText: no control character raw, even those JSON.stringify leaves (C1, bidi).
  return jsonText(JSON.stringify(log, null, 2)) + '\n';
}

// Findings → LSP diagnostics: the rule id as `code`, its doc page as `codeDescription`,
// related information for relation rules, tags where they apply, and in `data` what the
// code actions need to find the finding again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostic, DiagnosticSeverity, DiagnosticTag, Range as LspRange } from 'vscode-languageserver/node';
import type { Analysis } from '../engine/analyze';
import { LineMap } from '../engine/positions';
import { RULES_BY_ID } from '../engine/registry';
import { docsUrl, FindingTag } from '../engine/rule';
import type { Finding, Range, Severity } from '../engine/types';

/** The package root: out/server/src/lsp → four levels up. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export const SOURCE = 'ddr';

export function docsPath(ruleId: string): string {
  return path.join(PACKAGE_ROOT, 'docs', 'rules', `${ruleId}.md`);
}

const DOCS_URIS = new Map<string, string>();

/** The rule's doc page in the installed package (docs/rules/<ID>.md, written by `npm run gen`). */
export function docsUri(ruleId: string): string {
  // Every diagnostic carries it, on every keystroke: built once per rule.
  let uri = DOCS_URIS.get(ruleId);
  if (uri === undefined) {
    uri = pathToFileURL(docsPath(ruleId)).toString();
    DOCS_URIS.set(ruleId, uri);
  }
  return uri;
}

/** The doc page to open: the local file when it exists, else the published page. */
export function docsTarget(ruleId: string): { uri: string; external: boolean } {
  return fs.existsSync(docsPath(ruleId)) ? { uri: docsUri(ruleId), external: false } : { uri: docsUrl({ id: ruleId }), external: true };
}

export function lineMapOf(a: Analysis): LineMap {
  return new LineMap(a.text, a.parsed.text === a.text ? a.parsed.lineStarts : undefined);
}

export function toLspRange(map: LineMap, r: Range): LspRange {
  return map.range(r);
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/** The engine's finding tags as LSP's (`Rule.tags`): `unnecessary` text editors show faded. */
const TAGS: Record<FindingTag, DiagnosticTag> = { unnecessary: DiagnosticTag.Unnecessary };

export interface DiagnosticData {
  ruleId: string;
  /** The finding's offsets in the analysed version. */
  range: Range;
  path: string;
  fixable: boolean;
  version: number | null;
}

export function toDiagnostic(f: Finding, uri: string, map: LineMap, version: number | null): Diagnostic {
  const d: Diagnostic = {
    range: toLspRange(map, f.range),
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: docsUri(f.ruleId) },
    source: SOURCE,
    message: f.message,
    data: { ruleId: f.ruleId, range: f.range, path: f.path, fixable: !!f.fixable, version } satisfies DiagnosticData,
  };
  if (f.related?.length) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri, range: toLspRange(map, r.range) }, message: r.message }));
  }
  const tags = RULES_BY_ID.get(f.ruleId)?.tags;
  if (tags?.length) {
    d.tags = tags.map((t) => TAGS[t]);
  }
  return d;
}

export function toDiagnostics(a: Analysis, uri: string, version: number | null): Diagnostic[] {
  const map = lineMapOf(a);
  return a.findings.map((f) => toDiagnostic(f, uri, map, version));
}

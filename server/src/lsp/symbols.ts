// Document symbols (the outline), go to definition, find references and rename: the
// engine's navigation in LSP's terms.
import {
  DocumentSymbol,
  Location,
  PrepareRenameParams,
  Range as LspRange,
  RenameParams,
  ResponseError,
  ErrorCodes,
  SymbolInformation,
  SymbolKind,
  TextDocumentPositionParams,
  ReferenceParams,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import * as fs from 'node:fs';
import { definitionsOf, occurrenceAt, occurrences, outline, OutlineKind, OutlineSymbol, prepareRename, referencesOf, renameEdits } from '../engine/navigation';
import { analysedFully, Documents } from './documents';
import { docsPath, docsUri, lineMapOf, toLspRange } from './diagnostics';

const KIND: Record<OutlineKind, SymbolKind> = {
  requirement: SymbolKind.Constant,
  service: SymbolKind.Class,
  operation: SymbolKind.Method,
  channel: SymbolKind.Event,
  consumer: SymbolKind.Interface,
  data: SymbolKind.Struct,
  workflow: SymbolKind.Function,
  step: SymbolKind.Field,
};

function current(documents: Documents, uri: string) {
  const cur = documents.analysisOf(uri);
  return cur && analysedFully(cur.analysis) ? { ...cur, map: lineMapOf(cur.analysis) } : undefined;
}

export function onDocumentSymbol(documents: Documents, uri: string, hierarchical: boolean): DocumentSymbol[] | SymbolInformation[] {
  const cur = current(documents, uri);
  if (!cur) {
    return [];
  }
  const toSymbol = (s: OutlineSymbol): DocumentSymbol => ({
    name: s.name,
    ...(s.detail ? { detail: s.detail } : {}),
    kind: KIND[s.kind],
    range: toLspRange(cur.map, s.range),
    selectionRange: toLspRange(cur.map, s.selectionRange),
    children: s.children.map(toSymbol),
  });
  const tree = outline(cur.analysis);
  if (hierarchical) {
    return tree.map(toSymbol);
  }
  const flat: SymbolInformation[] = [];
  const walk = (s: OutlineSymbol, container?: string) => {
    flat.push({ name: s.name, kind: KIND[s.kind], location: { uri, range: toLspRange(cur.map, s.range) }, ...(container ? { containerName: container } : {}) });
    s.children.forEach((c) => walk(c, s.name));
  };
  tree.forEach((s) => walk(s));
  return flat;
}

const ZERO: LspRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** The document's current analysis, its occurrences and the one at the position, or undefined. */
function occurrenceFor(documents: Documents, params: TextDocumentPositionParams) {
  const cur = current(documents, params.textDocument.uri);
  if (!cur) {
    return undefined;
  }
  const all = occurrences(cur.analysis);
  const o = occurrenceAt(cur.analysis, cur.map.offset(params.position), all);
  return o ? { cur, all, o } : undefined;
}

export function onDefinition(documents: Documents, params: TextDocumentPositionParams): Location[] | null {
  const at = occurrenceFor(documents, params);
  if (!at) {
    return null;
  }
  const { cur, all, o } = at;
  if (o.kind === 'rule') {
    // A rule is defined by its documentation page.
    return fs.existsSync(docsPath(o.name)) ? [{ uri: docsUri(o.name), range: ZERO }] : null;
  }
  const defs = definitionsOf(cur.analysis, o.kind, o.name, all);
  return defs.length ? defs.map((d) => ({ uri: params.textDocument.uri, range: toLspRange(cur.map, d.range) })) : null;
}

export function onReferences(documents: Documents, params: ReferenceParams): Location[] | null {
  const at = occurrenceFor(documents, params);
  if (!at) {
    return null;
  }
  const { cur, all, o } = at;
  return referencesOf(cur.analysis, o.kind, o.name, params.context.includeDeclaration, all).map((r) => ({
    uri: params.textDocument.uri,
    range: toLspRange(cur.map, r.range),
  }));
}

export function onPrepareRename(documents: Documents, params: PrepareRenameParams): { range: LspRange; placeholder: string } | null {
  const cur = current(documents, params.textDocument.uri);
  if (!cur) {
    return null;
  }
  const t = prepareRename(cur.analysis, cur.map.offset(params.position));
  if ('error' in t) {
    throw new ResponseError(ErrorCodes.InvalidRequest, t.error);
  }
  return { range: toLspRange(cur.map, t.range), placeholder: t.placeholder };
}

export function onRename(documents: Documents, params: RenameParams, documentChanges: boolean): WorkspaceEdit | null {
  const uri = params.textDocument.uri;
  const cur = current(documents, uri);
  if (!cur) {
    return null;
  }
  const edits = renameEdits(cur.analysis, cur.map.offset(params.position), params.newName);
  if ('error' in edits) {
    throw new ResponseError(ErrorCodes.InvalidRequest, edits.error);
  }
  const lsp = edits.map((e) => ({ range: toLspRange(cur.map, e.range), newText: e.newText }));
  return documentChanges ? { documentChanges: [{ textDocument: { uri, version: cur.version }, edits: lsp }] } : { changes: { [uri]: lsp } };
}

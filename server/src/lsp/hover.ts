// textDocument/hover: the engine's hover, with positions in LSP's terms.
import { Hover, HoverParams, MarkupKind } from 'vscode-languageserver/node';
import { hoverAt } from '../engine/hover';
import { analysedFully, Documents } from './documents';
import { docsUri, lineMapOf, toLspRange } from './diagnostics';

export function onHover(documents: Documents, params: HoverParams): Hover | null {
  const cur = documents.analysisOf(params.textDocument.uri);
  if (!cur || !analysedFully(cur.analysis)) {
    return null;
  }
  const map = lineMapOf(cur.analysis);
  const h = hoverAt(cur.analysis, map.offset(params.position), { docsUrl: docsUri });
  if (!h) {
    return null;
  }
  return { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toLspRange(map, h.range) };
}

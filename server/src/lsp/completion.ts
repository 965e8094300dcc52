// textDocument/completion: the engine's completions as LSP items replacing the word at the cursor.
import {
  CompletionItem,
  CompletionItemKind,
  CompletionList,
  CompletionParams,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
} from 'vscode-languageserver/node';
import { Completion, CompletionKind, completeAt } from '../engine/completion';
import { analysedFully, Documents } from './documents';
import { lineMapOf, toLspRange } from './diagnostics';

export const TRIGGER_CHARACTERS = [':', ' ', '[', ',', '.'];

const KIND: Record<CompletionKind, CompletionItemKind> = {
  key: CompletionItemKind.Property,
  enum: CompletionItemKind.EnumMember,
  bool: CompletionItemKind.Value,
  operation: CompletionItemKind.Method,
  service: CompletionItemKind.Class,
  channel: CompletionItemKind.Event,
  data: CompletionItemKind.Struct,
  requirement: CompletionItemKind.Constant,
  workflow: CompletionItemKind.Function,
  rule: CompletionItemKind.Reference,
  area: CompletionItemKind.Property,
  state: CompletionItemKind.EnumMember,
  code: CompletionItemKind.Value,
};

export function toCompletionItem(c: Completion, map: ReturnType<typeof lineMapOf>): CompletionItem {
  const item: CompletionItem = {
    label: c.label,
    kind: KIND[c.kind],
    textEdit: { range: toLspRange(map, c.range), newText: c.insertText },
    insertTextFormat: InsertTextFormat.PlainText,
  };
  if (c.detail) {
    item.detail = c.detail;
  }
  if (c.documentation) {
    item.documentation = { kind: MarkupKind.Markdown, value: c.documentation };
  }
  if (c.sortText) {
    item.sortText = c.sortText;
  }
  if (c.multiline) {
    item.insertTextMode = InsertTextMode.adjustIndentation;
  }
  return item;
}

export function onCompletion(documents: Documents, params: CompletionParams): CompletionList {
  const cur = documents.analysisOf(params.textDocument.uri);
  if (!cur || !analysedFully(cur.analysis)) {
    return { isIncomplete: false, items: [] };
  }
  const map = lineMapOf(cur.analysis);
  const items = completeAt(cur.analysis, map.offset(params.position)).map((c) => toCompletionItem(c, map));
  return { isIncomplete: false, items };
}

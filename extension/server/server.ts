// The Ringstep language server (a Node process started by the extension through
// vscode-languageclient). It turns LSP requests into calls on AsmLanguageService.
//
// The client passes, in initializationOptions, the guest kernel's source files (so definitions and
// references cross into the kernel) and whether diagnostics/inlay hints are on.

import {
  createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, DiagnosticSeverity,
  CompletionItemKind, SymbolKind, MarkupKind, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AsmLanguageService, type CompletionKind, type SymbolKind as OurSymbolKind } from './service';
import { assemblerCheck } from './assemblerCheck';

export interface ServerInitOptions {
  kernelFiles?: { uri: string; path: string; text: string }[];
  diagnostics?: boolean;
  inlayHints?: boolean;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const service = new AsmLanguageService({ check: assemblerCheck });
let settings: ServerInitOptions = { diagnostics: true, inlayHints: true };

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword, register: CompletionItemKind.Variable, directive: CompletionItemKind.Property,
  label: CompletionItemKind.Function, constant: CompletionItemKind.Constant, macro: CompletionItemKind.Snippet,
  syscall: CompletionItemKind.EnumMember,
};
const SYMBOL_KIND: Record<OurSymbolKind, SymbolKind> = {
  function: SymbolKind.Function, label: SymbolKind.Key, constant: SymbolKind.Constant, macro: SymbolKind.Method, object: SymbolKind.Variable,
};

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const opts = (params.initializationOptions ?? {}) as ServerInitOptions;
  settings = { ...settings, ...opts };
  if (opts.kernelFiles) service.setKernelFiles(opts.kernelFiles);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      completionProvider: { triggerCharacters: ['%', '$', '.'] },
      inlayHintProvider: true,
    },
    serverInfo: { name: 'ringstep-asm' },
  };
});

connection.onNotification('ringstep/settings', (s: ServerInitOptions) => {
  settings = { ...settings, ...s };
  if (s.kernelFiles) service.setKernelFiles(s.kernelFiles);
  for (const d of documents.all()) validate(d);
  void connection.languages.inlayHint.refresh().catch(() => undefined);
});

// Diagnostics are computed a moment after the last keystroke, not on every one.
const pending = new Map<string, ReturnType<typeof setTimeout>>();
function scheduleValidate(doc: TextDocument): void {
  clearTimeout(pending.get(doc.uri));
  pending.set(doc.uri, setTimeout(() => { pending.delete(doc.uri); validate(doc); }, 200));
}

function nameFor(uri: string): string {
  return uri.startsWith('file://') ? decodeURIComponent(uri.slice('file://'.length)) : uri;
}

function validate(doc: TextDocument): void {
  const current = documents.get(doc.uri);
  if (!current) return;
  service.update(current.uri, current.getText(), nameFor(current.uri));
  const diags = settings.diagnostics === false ? [] : service.diagnostics(current.uri);
  void connection.sendDiagnostics({
    uri: current.uri,
    diagnostics: diags.map((d) => ({
      range: d.range, message: d.message, source: 'ringstep-as',
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    })),
  });
}

documents.onDidOpen((e) => { service.update(e.document.uri, e.document.getText(), nameFor(e.document.uri)); validate(e.document); });
documents.onDidChangeContent((e) => { service.update(e.document.uri, e.document.getText(), nameFor(e.document.uri)); scheduleValidate(e.document); });
documents.onDidClose((e) => {
  service.remove(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onHover((p) => {
  const h = service.hover(p.textDocument.uri, p.position);
  return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range } : null;
});
connection.onDefinition((p) => service.definition(p.textDocument.uri, p.position));
connection.onReferences((p) => service.references(p.textDocument.uri, p.position, p.context.includeDeclaration));
connection.onDocumentSymbol((p) => {
  const convert = (s: ReturnType<AsmLanguageService['documentSymbols']>[number]): import('vscode-languageserver').DocumentSymbol => ({
    name: s.name, kind: SYMBOL_KIND[s.kind], range: s.range, selectionRange: s.selectionRange, detail: s.detail,
    children: s.children.map(convert),
  });
  return service.documentSymbols(p.textDocument.uri).map(convert);
});
connection.onFoldingRanges((p) => service.foldingRanges(p.textDocument.uri));
connection.onCompletion((p) => service.completion(p.textDocument.uri, p.position).map((c) => ({
  label: c.label, kind: COMPLETION_KIND[c.kind], detail: c.detail, insertText: c.insertText, filterText: c.filterText,
  sortText: c.sortText, documentation: c.documentation,
})));
connection.languages.inlayHint.on((p) => {
  if (settings.inlayHints === false) return [];
  return service.inlayHints(p.textDocument.uri, p.range).map((h) => ({ position: h.position, label: h.label, tooltip: h.tooltip, paddingLeft: true }));
});

documents.listen(connection);
connection.listen();

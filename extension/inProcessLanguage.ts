// The language features without a language server process (the browser entry): the same
// AsmLanguageService, called directly from vscode providers.

import * as vscode from 'vscode';
import { AsmLanguageService, type Range as SRange, type Location as SLocation } from './server/service';
import { assemblerCheck } from './server/assemblerCheck';
import type { KernelFile, LanguageFeatures } from './activate';

const toRange = (r: SRange) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
const toLocation = (l: SLocation) => new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range));

const SYMBOL_KIND = {
  function: vscode.SymbolKind.Function, label: vscode.SymbolKind.Key, constant: vscode.SymbolKind.Constant,
  macro: vscode.SymbolKind.Method, object: vscode.SymbolKind.Variable,
} as const;
const COMPLETION_KIND = {
  keyword: vscode.CompletionItemKind.Keyword, register: vscode.CompletionItemKind.Variable, directive: vscode.CompletionItemKind.Property,
  label: vscode.CompletionItemKind.Function, constant: vscode.CompletionItemKind.Constant, macro: vscode.CompletionItemKind.Snippet,
  syscall: vscode.CompletionItemKind.EnumMember,
} as const;

export function startInProcessLanguageFeatures(selector: vscode.DocumentFilter[], kernelFiles: KernelFile[]): LanguageFeatures {
  const service = new AsmLanguageService({ check: assemblerCheck });
  service.setKernelFiles(kernelFiles);
  const diagnostics = vscode.languages.createDiagnosticCollection('ringstep-asm');
  const subs: vscode.Disposable[] = [diagnostics];
  const matches = (doc: vscode.TextDocument) => vscode.languages.match(selector, doc) > 0;
  const sync = (doc: vscode.TextDocument) => { if (matches(doc)) service.update(doc.uri.toString(), doc.getText(), doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString()); };
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const validate = (doc: vscode.TextDocument) => {
    if (!matches(doc)) return;
    sync(doc);
    const on = vscode.workspace.getConfiguration('ringstep.languageServer').get<boolean>('diagnostics', true);
    diagnostics.set(doc.uri, on ? service.diagnostics(doc.uri.toString()).map((d) => {
      const v = new vscode.Diagnostic(toRange(d.range), d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      v.source = 'ringstep-as';
      return v;
    }) : []);
  };
  const later = (doc: vscode.TextDocument) => {
    clearTimeout(timers.get(doc.uri.toString()));
    timers.set(doc.uri.toString(), setTimeout(() => validate(doc), 200));
  };
  vscode.workspace.textDocuments.forEach(validate);
  subs.push(
    vscode.workspace.onDidOpenTextDocument(validate),
    vscode.workspace.onDidChangeTextDocument((e) => { sync(e.document); later(e.document); }),
    vscode.workspace.onDidCloseTextDocument((d) => { service.remove(d.uri.toString()); diagnostics.delete(d.uri); }),
    vscode.languages.registerHoverProvider(selector, {
      provideHover(doc, pos) {
        sync(doc);
        const h = service.hover(doc.uri.toString(), pos);
        return h ? new vscode.Hover(new vscode.MarkdownString(h.markdown), toRange(h.range)) : undefined;
      },
    }),
    vscode.languages.registerDefinitionProvider(selector, {
      provideDefinition(doc, pos) { sync(doc); return service.definition(doc.uri.toString(), pos).map(toLocation); },
    }),
    vscode.languages.registerReferenceProvider(selector, {
      provideReferences(doc, pos, ctx) { sync(doc); return service.references(doc.uri.toString(), pos, ctx.includeDeclaration).map(toLocation); },
    }),
    vscode.languages.registerDocumentSymbolProvider(selector, {
      provideDocumentSymbols(doc) {
        sync(doc);
        const convert = (s: ReturnType<AsmLanguageService['documentSymbols']>[number]): vscode.DocumentSymbol => {
          const d = new vscode.DocumentSymbol(s.name, s.detail ?? '', SYMBOL_KIND[s.kind], toRange(s.range), toRange(s.selectionRange));
          d.children = s.children.map(convert);
          return d;
        };
        return service.documentSymbols(doc.uri.toString()).map(convert);
      },
    }),
    vscode.languages.registerFoldingRangeProvider(selector, {
      provideFoldingRanges(doc) {
        sync(doc);
        return service.foldingRanges(doc.uri.toString()).map((f) => new vscode.FoldingRange(f.startLine, f.endLine, f.kind === 'comment' ? vscode.FoldingRangeKind.Comment : undefined));
      },
    }),
    vscode.languages.registerCompletionItemProvider(selector, {
      provideCompletionItems(doc, pos) {
        sync(doc);
        return service.completion(doc.uri.toString(), pos).map((c) => {
          const item = new vscode.CompletionItem(c.label, COMPLETION_KIND[c.kind]);
          item.detail = c.detail;
          item.insertText = c.insertText;
          item.filterText = c.filterText;
          item.sortText = c.sortText;
          return item;
        });
      },
    }, '%', '$', '.'),
    vscode.languages.registerInlayHintsProvider(selector, {
      provideInlayHints(doc, range) {
        if (!vscode.workspace.getConfiguration('ringstep.languageServer').get<boolean>('inlayHints', true)) return [];
        sync(doc);
        return service.inlayHints(doc.uri.toString(), { start: range.start, end: range.end }).map((h) => {
          const hint = new vscode.InlayHint(new vscode.Position(h.position.line, h.position.character), h.label);
          hint.tooltip = h.tooltip;
          hint.paddingLeft = true;
          return hint;
        });
      },
    }),
  );
  return { ready: Promise.resolve(), dispose: () => subs.forEach((s) => s.dispose()) };
}

// The language features in a real extension host, through VS Code's own provider commands
// (the same calls the editor makes for hover, F12, the outline and inlay hints).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, sampleUri, waitFor, findLine } from './helpers';

describe('language features (cat-hostname/cat.s)', function () {
  let doc: vscode.TextDocument;

  before(async function () {
    const a = await api();
    doc = await vscode.workspace.openTextDocument(sampleUri('cat-hostname/cat.s'));
    await vscode.window.showTextDocument(doc);
    await a.languageReady;
  });

  it('gives .s files our language id', function () {
    assert.equal(doc.languageId, 'ringstep-asm');
  });

  it('reports no diagnostics on the sample, and the assembler\'s error on a bad line', async function () {
    await waitFor('language server to analyze the sample', async () => {
      const h = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(findLine(doc, /^\s+testq/), 9));
      return h.length > 0;
    });
    assert.deepEqual(vscode.languages.getDiagnostics(doc.uri).map((d) => d.message), []);
    const untitled = await vscode.workspace.openTextDocument({ language: 'ringstep-asm', content: '        .text\n_start:\n        movq %rax, %rbx, %rcx\n        bogus %eax\n' });
    const diags = await waitFor('diagnostics on the bad file', () => {
      const d = vscode.languages.getDiagnostics(untitled.uri);
      return d.length >= 2 ? d : undefined;
    });
    assert.deepEqual(diags.map((d) => d.range.start.line).sort(), [2, 3]);
    assert.ok(diags.every((d) => d.severity === vscode.DiagnosticSeverity.Error));
  });

  it('hovers an instruction with its flags and a syscall number with its signature', async function () {
    const testq = findLine(doc, /^\s+testq/);
    const h1 = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(testq, 9));
    const text1 = hoverText(h1);
    assert.match(text1, /Logical compare/);
    assert.match(text1, /ZF/);
    const load = findLine(doc, /movl\s+\$SYS_read/);
    const col = doc.lineAt(load).text.indexOf('SYS_read') + 2;
    const h2 = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(load, col));
    assert.match(hoverText(h2), /read\(/);
  });

  it('goes to the definition of a label', async function () {
    const jmp = findLine(doc, /jmp\s+read_loop/);
    const col = doc.lineAt(jmp).text.indexOf('read_loop') + 2;
    const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, new vscode.Position(jmp, col));
    assert.equal(defs.length, 1);
    const range = 'targetRange' in defs[0] ? defs[0].targetRange : defs[0].range;
    assert.equal(range.start.line, findLine(doc, /^read_loop:/));
  });

  it('lists the program\'s symbols in the outline', async function () {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    const names = symbols.map((s) => s.name);
    for (const n of ['_start', 'main', 'read_loop', 'done', 'SYS_read']) assert.ok(names.includes(n), `${n} in ${names.join(', ')}`);
  });

  it('folds each label\'s section (from the language server, not folding markers)', async function () {
    const ranges = await vscode.commands.executeCommand<vscode.FoldingRange[]>('vscode.executeFoldingRangeProvider', doc.uri);
    assert.ok(ranges.some((r) => r.start === findLine(doc, /^read_loop:/) && r.end > r.start), JSON.stringify(ranges));
  });

  it('names each syscall in an inlay hint', async function () {
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', doc.uri, new vscode.Range(0, 0, doc.lineCount, 0));
    const labels = hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')).trim());
    assert.deepEqual(labels, ['exit_group', 'openat', 'read', 'write', 'close']);
  });
});

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

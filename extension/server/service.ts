// The language features for GNU as x86-64 sources, independent of how they reach the editor: the
// Node language server (server.ts) and the browser entry (which registers them as vscode providers)
// both call this. Pure: no Node modules, no vscode.
//
// Positions are 0-based lines and UTF-16 columns; documents are identified by URI strings.

import { parseSource, wordAt, isRegisterName, type SourceModel, type Definition, type Span } from './sourceModel';
import { instructionInfo, registerInfo, allMnemonics, allRegisters, DIRECTIVES } from './instructions';
import { describeSyscall, allSyscalls, ARG_REGISTERS } from './syscallInfo';
import type { Diagnostic as AsmDiagnostic, SourceFile } from '../../emulator/asm/types';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface Location { uri: string; range: Range }

export interface Diagnostic { range: Range; severity: 'error' | 'warning'; message: string }
export interface Hover { markdown: string; range: Range }
export type SymbolKind = 'function' | 'label' | 'constant' | 'macro' | 'object';
export interface DocumentSymbol { name: string; kind: SymbolKind; range: Range; selectionRange: Range; detail?: string; children: DocumentSymbol[] }
export type CompletionKind = 'keyword' | 'register' | 'directive' | 'label' | 'constant' | 'macro' | 'syscall';
export interface CompletionItem { label: string; kind: CompletionKind; detail?: string; insertText?: string; filterText?: string; sortText?: string; documentation?: string }
export interface InlayHint { position: Position; label: string; tooltip?: string }
/** lines startLine..endLine fold to startLine */
export interface FoldingRange { startLine: number; endLine: number; kind?: 'comment' }

/**
 * Runs the emulator's assembler on one file and returns its diagnostics (any file). Injected so the
 * service does not depend on how the assembler's entry point is shaped.
 */
export type AssemblerCheck = (file: SourceFile, readInclude: (name: string, fromFile: string) => SourceFile | undefined) => AsmDiagnostic[];

interface Doc {
  uri: string;
  /** name given to the assembler (a path, or the kernel-relative path for kernel files) */
  name: string;
  text: string;
  model: SourceModel;
  kernel: boolean;
  /** for kernel files: path relative to the kernel's root, e.g. arch/x86/entry/entry_64.S */
  kernelPath?: string;
}

const toRange = (s: Span): Range => ({ start: { line: s.line, character: s.start }, end: { line: s.line, character: s.end } });

export class AsmLanguageService {
  private docs = new Map<string, Doc>();
  private check?: AssemblerCheck;

  constructor(options: { check?: AssemblerCheck } = {}) {
    this.check = options.check;
  }

  /** The guest kernel's sources, for definitions and references across the ring boundary. */
  setKernelFiles(files: { uri: string; path: string; text: string }[]): void {
    for (const [uri, d] of this.docs) if (d.kernel) this.docs.delete(uri);
    for (const f of files) {
      this.docs.set(f.uri, { uri: f.uri, name: f.path, text: f.text, model: parseSource(f.text, f.path), kernel: true, kernelPath: f.path });
    }
  }

  /** Add or replace a document (open editor, or a workspace file). */
  update(uri: string, text: string, name = uri): void {
    const old = this.docs.get(uri);
    if (old && old.text === text) return;
    const kernel = old?.kernel ?? false;
    this.docs.set(uri, { uri, name: old?.name ?? name, text, model: parseSource(text, name), kernel, kernelPath: old?.kernelPath });
  }

  remove(uri: string): void {
    const d = this.docs.get(uri);
    if (d && !d.kernel) this.docs.delete(uri);
  }

  has(uri: string): boolean { return this.docs.has(uri); }

  // ---- diagnostics ----------------------------------------------------------------------------

  diagnostics(uri: string): Diagnostic[] {
    const doc = this.docs.get(uri);
    if (!doc || !this.check) return [];
    let raw: AsmDiagnostic[];
    try {
      raw = this.check({ name: doc.name, text: doc.text }, (name, from) => this.readInclude(name, from));
    } catch (e) {
      return [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, severity: 'error', message: `assembler failed: ${(e as Error).message}` }];
    }
    const out: Diagnostic[] = [];
    for (const d of raw) {
      if (d.file !== doc.name) continue;
      // Kernel files are assembled together; one alone misses the others' symbols.
      if (doc.kernel && /undefined symbol|not defined/i.test(d.message)) continue;
      const line = Math.max(0, d.line - 1);
      const start = Math.max(0, d.column - 1);
      let end = Math.max(start, d.endColumn - 1);
      if (end === start) end = Math.max(start + 1, (doc.model.lines[line] ?? '').length);
      out.push({ range: { start: { line, character: start }, end: { line, character: end } }, severity: d.severity, message: d.message });
    }
    return out;
  }

  private readInclude(name: string, fromFile: string): SourceFile | undefined {
    const dir = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/') + 1) : '';
    for (const d of this.docs.values()) {
      if (d.name === dir + name || d.name === name || d.kernelPath === name || d.kernelPath === `include/${name}` || d.name.endsWith('/' + name)) return { name: d.name, text: d.text };
    }
    return undefined;
  }

  // ---- navigation -----------------------------------------------------------------------------

  /** Definitions for the name under the cursor: same file first, then user files, then the kernel. */
  definition(uri: string, pos: Position): Location[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    const w = wordAt(doc.model.lines[pos.line] ?? '', pos.character);
    if (!w || w.word.startsWith('%')) return [];
    return this.findDefinitions(doc, w.word, pos).map((x) => ({ uri: x.doc.uri, range: toRange(x.def.span) }));
  }

  private findDefinitions(doc: Doc, name: string, pos?: Position): { doc: Doc; def: Definition }[] {
    // numeric local labels: 1b / 1f
    const local = /^([0-9]+)([bf])$/.exec(name);
    if (local && pos) {
      const defs = doc.model.definitions.filter((d) => d.kind === 'local-label' && d.name === local[1]);
      const pick = local[2] === 'b'
        ? defs.filter((d) => d.span.line <= pos.line).pop()
        : defs.find((d) => d.span.line > pos.line || (d.span.line === pos.line && d.span.start > pos.character));
      return pick ? [{ doc, def: pick }] : [];
    }
    const same = doc.model.definitions.filter((d) => d.name === name && d.kind !== 'local-label');
    if (same.length) return same.map((def) => ({ doc, def }));
    if (name.startsWith('.L')) return []; // assembler-local: never crosses files
    const out: { doc: Doc; def: Definition }[] = [];
    // user files before kernel files
    const ordered = [...this.docs.values()].sort((a, b) => Number(a.kernel) - Number(b.kernel));
    for (const other of ordered) {
      if (other === doc) continue;
      for (const def of other.model.definitions) if (def.name === name && def.kind !== 'local-label') out.push({ doc: other, def });
    }
    return out;
  }

  references(uri: string, pos: Position, includeDeclaration = true): Location[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    const w = wordAt(doc.model.lines[pos.line] ?? '', pos.character);
    if (!w || w.word.startsWith('%') || /^[0-9]/.test(w.word)) return [];
    const name = w.word;
    const scope = name.startsWith('.L') ? [doc] : [...this.docs.values()];
    const out: Location[] = [];
    for (const d of scope) {
      if (includeDeclaration) for (const def of d.model.definitions) if (def.name === name && def.kind !== 'local-label') out.push({ uri: d.uri, range: toRange(def.span) });
      for (const r of d.model.references) if (r.name === name) out.push({ uri: d.uri, range: toRange(r.span) });
    }
    return out;
  }

  documentSymbols(uri: string): DocumentSymbol[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    const m = doc.model;
    const labels = m.definitions.filter((d) => d.kind === 'label').sort((a, b) => a.span.line - b.span.line);
    const top: DocumentSymbol[] = [];
    let current: DocumentSymbol | undefined;
    const lastLine = Math.max(0, m.lines.length - 1);
    const topLabels = labels.filter((d) => !d.name.startsWith('.L'));
    for (const def of labels) {
      const isLocal = def.name.startsWith('.L');
      const next = topLabels.find((d) => d.span.line > def.span.line);
      const endLine = isLocal ? def.span.line : next ? Math.max(def.span.line, next.span.line - 1) : lastLine;
      const kind: SymbolKind = m.functions.has(def.name) || m.globals.has(def.name) || !isLocal && this.looksLikeCode(m, def) ? 'function' : 'label';
      const sym: DocumentSymbol = {
        name: def.name, kind: isLocal ? 'label' : kind,
        range: { start: { line: def.span.line, character: 0 }, end: { line: endLine, character: (m.lines[endLine] ?? '').length } },
        selectionRange: toRange(def.span), detail: m.globals.has(def.name) ? 'global' : undefined, children: [],
      };
      if (isLocal && current) current.children.push(sym);
      else { top.push(sym); if (!isLocal) current = sym; }
    }
    for (const def of m.definitions) {
      if (def.kind !== 'constant' && def.kind !== 'macro') continue;
      top.push({
        name: def.name, kind: def.kind, range: toRange(def.span), selectionRange: toRange(def.span),
        detail: def.kind === 'constant' ? `= ${def.valueText ?? ''}` : 'macro', children: [],
      });
    }
    return top.sort((a, b) => a.range.start.line - b.range.start.line);
  }

  /**
   * Folding: .macro/.endm, .rept/.irp/.irpc/.endr and .if.../.endif blocks, each non-local label's
   * section (to the line before the next one), and runs of three or more comment lines. Given by
   * the service rather than as folding markers in the language configuration, because VS Code
   * shows the text after a marker as a section header in the minimap (".if \\has_error_code").
   */
  foldingRanges(uri: string): FoldingRange[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    const m = doc.model;
    const out: FoldingRange[] = [];
    const add = (startLine: number, endLine: number, kind?: 'comment') => {
      if (endLine > startLine) out.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
    };
    const closes: Record<string, RegExp> = { '.endm': /^\.macro$/, '.endr': /^\.(rept|irp|irpc)$/, '.endif': /^\.if\w*$/ };
    const open: { op: string; line: number }[] = [];
    for (const s of m.statements) {
      const op = s.op.toLowerCase();
      if (op === '.macro' || op === '.rept' || op === '.irp' || op === '.irpc' || /^\.if\w*$/.test(op)) {
        open.push({ op, line: s.line });
        continue;
      }
      const opener = closes[op];
      if (!opener) continue;
      // the innermost block this closes (an unbalanced closer closes nothing)
      for (let k = open.length - 1; k >= 0; k--) {
        if (!opener.test(open[k].op)) continue;
        add(open[k].line, s.line);
        open.length = k;
        break;
      }
    }
    // label sections, ending before the next label and without trailing blank lines
    const starts = m.definitions.filter((d) => d.kind === 'label' && !d.name.startsWith('.L') && !/^\d/.test(d.name)).map((d) => d.span.line).sort((a, b) => a - b);
    for (let k = 0; k < starts.length; k++) {
      let end = (k + 1 < starts.length ? starts[k + 1] : m.lines.length) - 1;
      while (end > starts[k] && (m.lines[end] ?? '').trim() === '') end--;
      add(starts[k], end);
    }
    // runs of whole-line comments
    let run = -1;
    for (let line = 0; line <= m.lines.length; line++) {
      const isComment = line < m.lines.length && /^\s*(#|\/\/)/.test(m.lines[line]);
      if (isComment && run < 0) run = line;
      if (!isComment && run >= 0) {
        if (line - run >= 3) add(run, line - 1, 'comment');
        run = -1;
      }
    }
    return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  }

  /** A label followed by instructions (not data directives) is code. */
  private looksLikeCode(m: SourceModel, def: Definition): boolean {
    const next = m.statements.find((s) => s.line > def.span.line || (s.line === def.span.line && s.opSpan.start > def.span.start));
    return !!next && !next.op.startsWith('.');
  }

  // ---- hover ----------------------------------------------------------------------------------

  hover(uri: string, pos: Position): Hover | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    const line = doc.model.lines[pos.line] ?? '';
    const w = wordAt(line, pos.character);
    if (!w) return undefined;
    const range: Range = { start: { line: pos.line, character: w.start }, end: { line: pos.line, character: w.end } };
    const stmt = doc.model.statements.find((s) => s.line === pos.line && s.opSpan.start <= pos.character && pos.character <= s.opSpan.end);

    // the mnemonic or directive of a statement
    if (stmt && !stmt.op.startsWith('.')) {
      const info = instructionInfo(stmt.op);
      if (info) {
        const parts = [`**${stmt.op}** — ${info.summary}`];
        if (info.suffixSize) parts.push(`Operand size: ${info.suffixSize * 8}-bit (AT&T suffix \`${stmt.op.slice(-1)}\`).`);
        if (info.flagsRead.length) parts.push(`Reads flags: ${info.flagsRead.join(' ')}`);
        parts.push(info.flagsWritten.length ? `Flags written: ${info.flagsWritten.join(' ')}` : 'Flags: none changed');
        if (info.flagsUndefined.length) parts.push(`Flags left undefined: ${info.flagsUndefined.join(' ')}`);
        for (const n of info.notes.slice(0, 2)) parts.push(`_${n}_`);
        if (info.op === 'syscall' || stmt.op.toLowerCase() === 'syscall') {
          const sc = this.syscallBefore(doc, stmt.line);
          if (sc) parts.push(this.syscallMarkdown(sc.nr));
          parts.push('Saves RIP in RCX and RFLAGS in R11, masks RFLAGS with IA32_FMASK, loads CS/SS from IA32_STAR and jumps to IA32_LSTAR (entry_SYSCALL_64) in ring 0.');
        }
        return { markdown: parts.join('\n\n'), range };
      }
      const macro = this.findDefinitions(doc, stmt.op).find((x) => x.def.kind === 'macro');
      if (macro) return { markdown: this.symbolMarkdown(macro.doc, macro.def), range };
    }
    if (stmt && stmt.op.startsWith('.')) {
      const text = DIRECTIVES[stmt.op.toLowerCase()];
      if (text) return { markdown: `**${stmt.op}** — ${text}`, range };
    }

    // registers
    const reg = registerInfo(w.word);
    if (reg && (w.word.startsWith('%') || isRegisterName(w.word))) {
      return { markdown: `**%${reg.name}** — ${reg.text}`, range };
    }

    // numbers: `mov $N, %eax` before a syscall
    const num = /^\$?(-?(?:0x[0-9a-f]+|[0-9]+))$/i.exec(w.word);
    if (num) {
      const nr = this.numberLoadedForSyscall(doc, pos.line);
      if (nr !== undefined) return { markdown: this.syscallMarkdown(nr), range };
      return undefined;
    }

    // symbols
    const name = w.word.replace(/^\$/, '');
    const defs = this.findDefinitions(doc, name, pos);
    if (defs.length) {
      const parts = defs.slice(0, 3).map((x) => this.symbolMarkdown(x.doc, x.def));
      const nr = this.numberLoadedForSyscall(doc, pos.line);
      if (nr !== undefined) parts.push(this.syscallMarkdown(nr));
      return { markdown: parts.join('\n\n---\n\n'), range };
    }
    return undefined;
  }

  private symbolMarkdown(doc: Doc, def: Definition): string {
    const where = doc.kernel ? `kernel: \`${doc.kernelPath}\`:${def.span.line + 1}` : `${basename(doc.name)}:${def.span.line + 1}`;
    const kind = def.kind === 'constant' ? `constant = \`${def.valueText ?? ''}\`` : def.kind === 'macro' ? 'macro' : doc.model.functions.has(def.name) ? 'function' : 'label';
    const parts = [`**${def.name}** (${kind}) — ${where}`];
    if (def.kind === 'constant') {
      const v = this.constantValue(doc, def.name);
      if (v !== undefined && String(v) !== def.valueText) parts.push(`Value: ${v} (0x${(v < 0n ? BigInt.asUintN(64, v) : v).toString(16)})`);
    }
    if (def.doc.length) parts.push(def.doc.join('\n'));
    if (doc.kernel) {
      const mirror = linuxCounterpart(doc);
      parts.push(mirror ? `Ring 0 code. Linux counterpart: ${mirror}` : 'Ring 0 code of Ringstep\'s guest kernel.');
    }
    return parts.join('\n\n');
  }

  private syscallMarkdown(nr: number): string {
    const d = describeSyscall(nr);
    if (!d) return `System call ${nr}: not an x86-64 Linux syscall (the kernel returns -ENOSYS).`;
    const regs = d.args.map((a, i) => `\`${ARG_REGISTERS[i]}\` ${a}`).join(', ');
    return `System call **${d.nr}**: \`${d.signature}\`${regs ? `\n\nArguments: ${regs}` : ''}\n\nResult in \`rax\` (-errno on failure).`;
  }

  // ---- syscall numbers ------------------------------------------------------------------------

  /** The syscall number a `syscall` on `line` will see in eax, when the source makes it plain. */
  syscallBefore(doc: Doc, line: number): { nr: number; line: number } | undefined {
    const stmts = doc.model.statements.filter((s) => s.line < line).reverse();
    const labelsBetween = (from: number) => doc.model.definitions.some((d) => d.kind !== 'constant' && d.kind !== 'macro' && d.span.line > from && d.span.line <= line);
    for (const s of stmts) {
      const op = s.op.toLowerCase();
      if (op.startsWith('.')) continue;
      const v = this.raxWrite(doc, s);
      if (v === null) return undefined; // rax written by something we cannot read
      if (v !== undefined) {
        // a label between the load and the syscall may be jumped to from elsewhere: only trust
        // it when the label is the load's own block start (cat.s: `read_loop:` then the load)
        if (labelsBetween(s.line)) return undefined;
        return { nr: Number(v), line: s.line };
      }
      if (/^(syscall|call[qw]?|ret[qw]?|jmp[qw]?|int|sysret[lq]?|iret[lqw]?)$/.test(op)) return undefined;
    }
    return undefined;
  }

  /** undefined: the statement does not write eax/rax; null: writes it with an unknown value. */
  private raxWrite(doc: Doc, s: { op: string; operands: string; intel: boolean }): bigint | null | undefined {
    const op = s.op.toLowerCase();
    const ops = splitOperands(s.operands);
    if (ops.length === 0) return /^(cqto|cltq|cwtl|cbtw|cqo|cdqe|cwde|cbw|rdtsc|rdtscp|cpuid|syscall)$/.test(op) ? null : undefined;
    const dest = s.intel ? ops[0] : ops[ops.length - 1];
    const src = s.intel ? ops[1] : ops[0];
    const isRax = (o: string | undefined) => !!o && /^%?(rax|eax)$/i.test(o.trim());
    const writesAx = (o: string | undefined) => !!o && /^%?(rax|eax|ax|al|ah)$/i.test(o.trim());
    if (!writesAx(dest)) return /^(xchg|xadd|mul|div|imul|idiv|lods)/.test(op) && ops.length < 2 ? null : undefined;
    if (/^(xor|sub)[lq]?$/.test(op) && src && dest && src.trim().replace('%', '') === dest.trim().replace('%', '')) return 0n;
    if (/^mov[lq]?$/.test(op) && isRax(dest) && src) {
      const t = src.trim();
      const expr = s.intel ? t : t.startsWith('$') ? t.slice(1) : undefined;
      if (expr === undefined) return null;
      const v = this.evaluate(doc, expr);
      return v === undefined ? null : v;
    }
    return null;
  }

  /** The number loaded into eax on `line` when a syscall follows it (for hovering the number). */
  private numberLoadedForSyscall(doc: Doc, line: number): number | undefined {
    const next = doc.model.statements.filter((s) => s.line > line && !s.op.startsWith('.')).find((s) => /^syscall$/i.test(s.op));
    if (!next) return undefined;
    const sc = this.syscallBefore(doc, next.line);
    return sc && sc.line === line ? sc.nr : undefined;
  }

  private evaluate(doc: Doc, expr: string, depth = 0): bigint | undefined {
    const t = expr.trim();
    if (depth > 8 || t === '') return undefined;
    const neg = t.startsWith('-');
    const body = neg ? t.slice(1).trim() : t;
    let v: bigint | undefined;
    if (/^0x[0-9a-f]+$/i.test(body) || /^0b[01]+$/i.test(body) || /^[0-9]+$/.test(body)) v = BigInt(body);
    else if (/^[A-Za-z_.$][\w.$]*$/.test(body)) v = this.constantValue(doc, body, depth + 1);
    else {
      const m = /^(.+?)\s*([+-])\s*([^+-]+)$/.exec(body);
      if (m) {
        const a = this.evaluate(doc, m[1], depth + 1);
        const b = this.evaluate(doc, m[3], depth + 1);
        if (a !== undefined && b !== undefined) v = m[2] === '+' ? a + b : a - b;
      }
    }
    return v === undefined ? undefined : neg ? -v : v;
  }

  private constantValue(doc: Doc, name: string, depth = 0): bigint | undefined {
    const defs = this.findDefinitions(doc, name).filter((x) => x.def.kind === 'constant');
    const d = defs[0];
    if (!d || d.def.valueText === undefined) return undefined;
    return this.evaluate(d.doc, d.def.valueText, depth);
  }

  // ---- inlay hints ----------------------------------------------------------------------------

  inlayHints(uri: string, range?: Range): InlayHint[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    const out: InlayHint[] = [];
    for (const s of doc.model.statements) {
      if (range && (s.line < range.start.line || s.line > range.end.line)) continue;
      if (s.op.toLowerCase() !== 'syscall') continue;
      const sc = this.syscallBefore(doc, s.line);
      if (!sc) continue;
      const d = describeSyscall(sc.nr);
      out.push({
        position: { line: s.line, character: s.opSpan.end },
        label: ` ${d ? d.name : `#${sc.nr} (unknown)`}`,
        tooltip: d ? d.signature : `no x86-64 syscall has number ${sc.nr}`,
      });
    }
    return out;
  }

  // ---- completion -----------------------------------------------------------------------------

  completion(uri: string, pos: Position): CompletionItem[] {
    const doc = this.docs.get(uri);
    if (!doc) return [];
    const line = doc.model.lines[pos.line] ?? '';
    const before = line.slice(0, pos.character);
    const code = before.replace(/#.*$/, '');
    const items: CompletionItem[] = [];

    if (/%[\w]*$/.test(code)) {
      for (const r of allRegisters()) items.push({ label: '%' + r, kind: 'register', detail: registerInfo(r)?.text });
      return items;
    }
    const afterLabel = code.replace(/^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*/, '');
    if (/^\s*\.[\w]*$/.test(afterLabel)) {
      for (const [d, text] of Object.entries(DIRECTIVES)) items.push({ label: d, kind: 'directive', detail: text });
      return items;
    }
    const inOperands = /^\s*[A-Za-z_.$][\w.$]*\s+/.test(afterLabel);
    if (!inOperands) {
      for (const m of allMnemonics()) items.push({ label: m, kind: 'keyword', detail: instructionInfo(m)?.summary });
      for (const d of this.allDefinitions(doc)) if (d.def.kind === 'macro') items.push({ label: d.def.name, kind: 'macro', detail: 'macro' });
      return items;
    }
    // operands: labels, constants, syscall numbers after `$` when loading eax
    for (const d of this.allDefinitions(doc)) {
      if (d.def.kind === 'local-label' || d.def.kind === 'macro') continue;
      items.push({
        label: d.def.name, kind: d.def.kind === 'constant' ? 'constant' : 'label',
        detail: d.doc.kernel ? `kernel: ${d.doc.kernelPath}` : d.def.kind === 'constant' ? `= ${d.def.valueText}` : undefined,
        sortText: d.doc === doc ? '0' + d.def.name : '1' + d.def.name,
      });
    }
    if (/\$[\w]*$/.test(code) || /\bmov\w*\s+[^,]*$/i.test(afterLabel)) {
      for (const sc of allSyscalls()) {
        items.push({
          label: `${sc.nr} — ${sc.name}`, kind: 'syscall', insertText: String(sc.nr), filterText: sc.name,
          detail: sc.signature, sortText: '2' + String(sc.nr).padStart(4, '0'),
        });
      }
    }
    for (const r of allRegisters()) items.push({ label: '%' + r, kind: 'register', insertText: '%' + r, sortText: '3' + r });
    return items;
  }

  private allDefinitions(doc: Doc): { doc: Doc; def: Definition }[] {
    const out: { doc: Doc; def: Definition }[] = [];
    const seen = new Set<string>();
    const ordered = [doc, ...[...this.docs.values()].filter((d) => d !== doc)];
    for (const d of ordered) {
      for (const def of d.model.definitions) {
        if (d !== doc && (def.name.startsWith('.L') || (d.kernel && !d.model.globals.has(def.name) && def.kind === 'label'))) continue;
        if (seen.has(def.name)) continue;
        seen.add(def.name);
        out.push({ doc: d, def });
      }
    }
    return out;
  }
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** The Linux file a kernel source says it mirrors (its header comment names it). */
function linuxCounterpart(doc: Doc): string | undefined {
  const header = doc.model.headerComment.join(' ');
  const m = /((?:arch|kernel|include|lib|mm|fs)\/[\w./-]+\.[chS])/.exec(header);
  if (m) return `\`${m[1]}\` in Linux 6.12`;
  if (doc.kernelPath && /^(arch|kernel|lib|mm|fs)\//.test(doc.kernelPath)) return `\`${doc.kernelPath.replace(/\.S$/, '')}\` (same path in Linux)`;
  return undefined;
}

/** Split an operand list at top-level commas (not inside parentheses, brackets or strings). */
export function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) { cur += c; if (c === '\\') cur += text[++i] ?? ''; else if (c === '"') inString = false; continue; }
    if (c === '"') inString = true;
    if (c === '(' || c === '[') depth++;
    if (c === ')' || c === ']') depth--;
    if (c === ',' && depth === 0) { out.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

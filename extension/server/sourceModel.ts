// A lexical model of one GNU as source file, for the editor features that must work even while the
// file does not assemble: where labels and constants are defined, where names are used, which line
// holds which instruction. Pure (no Node, no vscode): the language server and the browser entry use it.
//
// Positions are 0-based lines and UTF-16 columns (the LSP convention).

export interface Span {
  line: number;
  start: number;
  end: number;
}

export type DefinitionKind = 'label' | 'constant' | 'macro' | 'local-label';

export interface Definition {
  name: string;
  kind: DefinitionKind;
  span: Span;
  /** for constants: the expression text after `.set NAME,` / `.equ` / `=` / `#define NAME` */
  valueText?: string;
  /** comment lines right above the definition (or at the end of its line), for hover */
  doc: string[];
}

export interface Reference {
  name: string;
  span: Span;
}

export interface Statement {
  line: number;
  /** mnemonic or directive as written (directives keep their dot) */
  op: string;
  opSpan: Span;
  /** the operand text, comments removed */
  operands: string;
  operandsStart: number;
  /** true after .intel_syntax and before .att_syntax */
  intel: boolean;
}

export interface SourceModel {
  definitions: Definition[];
  references: Reference[];
  statements: Statement[];
  /** `.globl`/`.global` names */
  globals: Set<string>;
  /** `.type name, @function` names */
  functions: Set<string>;
  /** first comment block of the file (kernel files name the Linux file they mirror there) */
  headerComment: string[];
  lines: string[];
}

const ID_START = /[A-Za-z_.$]/;
const ID_CHAR = /[\w.$@]/;

/**
 * Split a line into code and comment, honouring strings and a block comment carried over from
 * the previous line. Returns the code with comments replaced by spaces (so columns stay true).
 */
function stripComments(line: string, inBlock: boolean, isCppFile: boolean): { code: string; comment: string; inBlock: boolean } {
  let code = '';
  let comment = '';
  let i = 0;
  let inString = false;
  // cpp directives in .S files are code for our purposes (#define, #include, #if...)
  const cppDirective = isCppFile && /^\s*#\s*(include|define|undef|if|ifdef|ifndef|else|elif|endif|error)\b/.test(line);
  while (i < line.length) {
    const c = line[i];
    if (inBlock) {
      if (c === '*' && line[i + 1] === '/') { inBlock = false; code += '  '; i += 2; continue; }
      comment += c; code += ' '; i++; continue;
    }
    if (inString) {
      code += c;
      if (c === '\\') { code += line[i + 1] ?? ''; i += 2; continue; }
      if (c === '"') inString = false;
      i++; continue;
    }
    if (c === '"') { inString = true; code += c; i++; continue; }
    if (c === '/' && line[i + 1] === '*') { inBlock = true; code += '  '; i += 2; continue; }
    if (c === '/' && line[i + 1] === '/' && isCppFile) { comment += line.slice(i + 2); code += ' '.repeat(line.length - i); break; }
    if (c === '#' && !(cppDirective && i === line.indexOf('#'))) { comment += line.slice(i + 1); code += ' '.repeat(line.length - i); break; }
    if (c === "'" ) { // character literal: 'a or 'a'
      code += line.slice(i, i + 2); i += 2;
      if (line[i - 1] === '\\') { code += line[i] ?? ''; i++; }
      if (line[i] === "'") { code += "'"; i++; }
      continue;
    }
    code += c; i++;
  }
  return { code, comment: comment.trim(), inBlock };
}

/** Identifiers in an operand text, with their columns; skips strings, registers and numbers. */
export function identifiersIn(text: string, base: number): { name: string; start: number; end: number }[] {
  const out: { name: string; start: number; end: number }[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') { // skip string
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++; continue;
    }
    if (c === "'") { i += text[i + 1] === '\\' ? 3 : 2; if (text[i] === "'") i++; continue; }
    if (c === '%') { // register (AT&T)
      i++; while (i < text.length && ID_CHAR.test(text[i])) i++;
      continue;
    }
    if (c === '\\') { // macro parameter
      i++; while (i < text.length && /\w/.test(text[i])) i++;
      continue;
    }
    if (/[0-9]/.test(c)) {
      const start = i;
      while (i < text.length && /[\w]/.test(text[i])) i++;
      const tok = text.slice(start, i);
      if (/^[0-9]+[bf]$/.test(tok)) out.push({ name: tok, start: base + start, end: base + i }); // 1b / 1f
      continue;
    }
    if (ID_START.test(c)) {
      const start = i;
      while (i < text.length && ID_CHAR.test(text[i])) i++;
      let name = text.slice(start, i);
      // `sym@PLT`, `sym@GOTPCREL`: the symbol is before the @
      const at = name.indexOf('@');
      if (at > 0) name = name.slice(0, at);
      out.push({ name, start: base + start, end: base + start + name.length });
      continue;
    }
    i++;
  }
  return out;
}

const INTEL_KEYWORDS = new Set(['byte', 'word', 'dword', 'qword', 'tbyte', 'xmmword', 'ptr', 'offset', 'flat', 'rip']);
const SECTION_FLAG_WORDS = new Set(['@progbits', '@nobits', '@function', '@object', '@note', '@gnu_indirect_function']);

/** Directives whose operands name no symbols (or whose names are not references). */
const NO_REF_DIRECTIVES = new Set([
  '.section', '.pushsection', '.text', '.data', '.bss', '.file', '.loc', '.ident', '.intel_syntax', '.att_syntax',
  '.ascii', '.asciz', '.string', '.include', '.macro', '.endm', '.err', '.error', '.warning', '.print', '.irp', '.irpc',
  '.code64', '.cfi_startproc', '.cfi_endproc', '.cfi_def_cfa', '.cfi_offset', '.cfi_def_cfa_offset', '.cfi_rel_offset',
  '.cfi_register', '.cfi_restore', '.cfi_signal_frame', '.cfi_undefined', '.cfi_adjust_cfa_offset', '.ifdef', '.ifndef',
  '.purgem', '.altmacro', '.noaltmacro',
]);

export function parseSource(text: string, fileName = ''): SourceModel {
  const isCpp = /\.S$/.test(fileName) || /^\s*#\s*(include|define|ifdef|ifndef)\b/m.test(text);
  const lines = text.split(/\r?\n/);
  const model: SourceModel = {
    definitions: [], references: [], statements: [], globals: new Set(), functions: new Set(), headerComment: [], lines,
  };
  let inBlock = false;
  let intel = false;
  let pendingDoc: string[] = [];
  let headerDone = false;
  let macroDepth = 0;
  let macroParams = new Set<string>();

  for (let ln = 0; ln < lines.length; ln++) {
    const raw = lines[ln];
    const wasInBlock = inBlock;
    const { code, comment, inBlock: nowInBlock } = stripComments(raw, inBlock, isCpp);
    inBlock = nowInBlock;
    const trimmed = code.trim();

    if (!headerDone) {
      if (trimmed === '') {
        if (comment || wasInBlock) model.headerComment.push(comment);
        else if (model.headerComment.length) headerDone = true;
      } else headerDone = true;
    }
    if (trimmed === '') {
      if (comment) pendingDoc.push(comment);
      else pendingDoc = [];
      continue;
    }

    // cpp: #define NAME VALUE
    const def = /^(\s*#\s*define\s+)([A-Za-z_]\w*)(?:\s+(.*))?$/.exec(code);
    if (def) {
      const start = def[1].length;
      model.definitions.push({
        name: def[2], kind: 'constant', span: { line: ln, start, end: start + def[2].length },
        valueText: def[3]?.trim(), doc: docFor(pendingDoc, comment),
      });
      pendingDoc = [];
      continue;
    }
    if (/^\s*#/.test(code)) { pendingDoc = []; continue; } // other cpp lines

    // statements separated by ';'
    let offset = 0;
    for (const part of splitStatements(code)) {
      parseStatement(part.text, offset + part.start, ln);
      offset = 0;
    }
    pendingDoc = [];

    function parseStatement(stmt: string, base: number, line: number): void {
      let rest = stmt;
      let col = base;
      // labels (possibly several: `a: b: insn`)
      for (;;) {
        const m = /^(\s*)([A-Za-z_.$][\w.$]*|[0-9]+)(\s*):(?!:)/.exec(rest);
        if (!m) break;
        const start = col + m[1].length;
        const name = m[2];
        const kind: DefinitionKind = /^[0-9]+$/.test(name) ? 'local-label' : 'label';
        model.definitions.push({ name, kind, span: { line, start, end: start + name.length }, doc: docFor(pendingDoc, comment) });
        rest = rest.slice(m[0].length);
        col += m[0].length;
      }
      // NAME = expr
      const assign = /^(\s*)([A-Za-z_.$][\w.$]*)\s*=\s*(.*)$/.exec(rest);
      if (assign && !assign[2].startsWith('.')) {
        const start = col + assign[1].length;
        model.definitions.push({
          name: assign[2], kind: 'constant', span: { line, start, end: start + assign[2].length },
          valueText: assign[3].trim(), doc: docFor(pendingDoc, comment),
        });
        addRefs(assign[3], col + rest.indexOf(assign[3], assign[1].length + assign[2].length), line);
        return;
      }
      const opm = /^(\s*)([A-Za-z_.$][\w.$]*)/.exec(rest);
      if (!opm) return;
      const op = opm[2];
      const opStart = col + opm[1].length;
      const operandsStart = opStart + op.length;
      const operands = rest.slice(opm[0].length);
      const lower = op.toLowerCase();
      model.statements.push({ line, op, opSpan: { line, start: opStart, end: opStart + op.length }, operands, operandsStart, intel });

      if (lower === '.intel_syntax') { intel = true; return; }
      if (lower === '.att_syntax') { intel = false; return; }
      if (lower === '.macro') {
        const mm = /^(\s+)([A-Za-z_.$][\w.$]*)(.*)$/.exec(operands);
        if (mm) {
          const start = operandsStart + mm[1].length;
          model.definitions.push({ name: mm[2], kind: 'macro', span: { line, start, end: start + mm[2].length }, doc: docFor(pendingDoc, comment) });
          macroParams = new Set(identifiersIn(mm[3], 0).map((x) => x.name));
        }
        macroDepth++;
        return;
      }
      if (lower === '.endm') { macroDepth = Math.max(0, macroDepth - 1); if (!macroDepth) macroParams = new Set(); return; }
      if (lower === '.set' || lower === '.equ' || lower === '.equiv' || lower === '.eqv') {
        const sm = /^(\s+)([A-Za-z_.$][\w.$]*)\s*,\s*(.*)$/.exec(operands);
        if (sm) {
          const start = operandsStart + sm[1].length;
          model.definitions.push({
            name: sm[2], kind: 'constant', span: { line, start, end: start + sm[2].length },
            valueText: sm[3].trim(), doc: docFor(pendingDoc, comment),
          });
          addRefs(sm[3], operandsStart + operands.lastIndexOf(sm[3]), line);
        }
        return;
      }
      if (lower === '.globl' || lower === '.global') {
        for (const id of identifiersIn(operands, operandsStart)) {
          model.globals.add(id.name);
          model.references.push({ name: id.name, span: { line, start: id.start, end: id.end } });
        }
        return;
      }
      if (lower === '.type') {
        const ids = identifiersIn(operands, operandsStart);
        if (ids[0]) {
          model.references.push({ name: ids[0].name, span: { line, start: ids[0].start, end: ids[0].end } });
          if (/@function|STT_FUNC/.test(operands)) model.functions.add(ids[0].name);
        }
        return;
      }
      if (NO_REF_DIRECTIVES.has(lower)) return;
      if (lower.startsWith('.') && lower !== '.size' && !/^\.(quad|long|int|word|short|byte|8byte|4byte|2byte|fill|zero|skip|space|org|align|balign|p2align|if|ifeq|ifne|ifgt|ifge|iflt|ifle|elseif|rept)$/.test(lower)) return;
      addRefs(operands, operandsStart, line);
    }

    function addRefs(text: string, base: number, line: number): void {
      for (const id of identifiersIn(text, base)) {
        const low = id.name.toLowerCase();
        if (intel && (INTEL_KEYWORDS.has(low) || isRegisterName(low))) continue;
        if (SECTION_FLAG_WORDS.has(id.name)) continue;
        if (macroDepth && macroParams.has(id.name)) continue;
        if (isRegisterName(low) && text[id.start - base - 1] !== '$') continue; // bare register in Intel-ish macros
        model.references.push({ name: id.name, span: { line, start: id.start, end: id.end } });
      }
    }
  }
  return model;
}

function docFor(pending: string[], trailing: string): string[] {
  if (pending.length) return [...pending];
  return trailing ? [trailing] : [];
}

function splitStatements(code: string): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  let inString = false;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (inString) { if (c === '\\') i++; else if (c === '"') inString = false; continue; }
    if (c === '"') inString = true;
    else if (c === ';') { out.push({ text: code.slice(start, i), start }); start = i + 1; }
  }
  out.push({ text: code.slice(start), start });
  return out;
}

const REGISTER_RE = /^(?:[re]?(?:ax|bx|cx|dx|si|di|sp|bp)|[abcd][lh]|(?:si|di|sp|bp)l|r(?:[89]|1[0-5])[dwbl]?|rip|eip|[c-gs]s|cr[0-9]|cr1[0-5]|[dd][br][0-7])$/;
export function isRegisterName(name: string): boolean {
  return REGISTER_RE.test(name.toLowerCase());
}

/** The word (identifier, %register, local label like 1b) under a position, with its span. */
export function wordAt(line: string, character: number): { word: string; start: number; end: number } | undefined {
  const isWordChar = (c: string | undefined) => c !== undefined && /[\w.$%]/.test(c);
  let s = character;
  let e = character;
  if (!isWordChar(line[s]) && isWordChar(line[s - 1])) s--, e--;
  if (!isWordChar(line[s])) return undefined;
  while (s > 0 && isWordChar(line[s - 1])) s--;
  while (e < line.length && isWordChar(line[e])) e++;
  // a `%` is only allowed as the first character
  let word = line.slice(s, e);
  const pct = word.lastIndexOf('%');
  if (pct > 0) { s += pct; word = word.slice(pct); }
  // `$sym` is an AT&T immediate of sym
  if (word.length > 1 && word[0] === '$') { s++; word = word.slice(1); }
  return { word, start: s, end: e };
}

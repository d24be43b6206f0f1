// One source file through GNU as's pipeline: lines -> macros/conditionals -> statements -> section
// items (bytes, relaxable branches, alignment, variable-size space), then branch relaxation.
// The linker (link.ts) takes the laid-out files, places their sections and patches fixups.
import type { AsmMemOperand, AsmOperand, EncodeRequest, EncodeResult, Symbolic } from '../isa/types';
import type { AssembleOptions, Diagnostic, SourceFile, SourceLocation } from './types';
import {
  Expr, ExprError, NotConstant, Position, Value, evaluate, exprSymbols, parseExpr, parseExprText, tokenize, u64, s64,
} from './expr';
import { Arg, parseStringLiteral, splitArgs, splitStatements, stripComments } from './source';
import { parseAttOperand, parseIntelOperand, splitOperands, ValueOf } from './operands';
import { lookupRegister } from './regs';
import { nopPadding } from './nops';

export type EncodeFn = (req: EncodeRequest) => EncodeResult;

/** Where something came from: file, 1-based line, 0-based columns, and the macro chain. */
export interface Loc {
  file: string;
  line: number;
  col: number;
  endCol: number;
  expandedFrom: SourceLocation[];
}

export interface DataFixup {
  offset: number;
  size: 1 | 2 | 4 | 8;
  pcRelative: boolean;
  signed: boolean;
  expr: Expr;
  loc: Loc;
}

export type Item =
  | { kind: 'bytes'; bytes: Uint8Array; fixups: DataFixup[]; loc: Loc; isCode: boolean }
  | {
      kind: 'branch'; loc: Loc; target: Expr;
      short?: { bytes: Uint8Array; fixups: DataFixup[] };
      long: { bytes: Uint8Array; fixups: DataFixup[] };
      useLong: boolean;
    }
  | { kind: 'align'; align: number; fill: number | null; maxSkip: number; loc: Loc; size: number }
  | { kind: 'space'; count: Expr; fill: number; loc: Loc; size: number; org?: boolean };
// (`org`: `count` is the target offset in the section, for .org and `. = expr`; the size follows layout)

export interface Section {
  name: string;
  flags: string;
  nobits: boolean;
  items: Item[];
  frag: number;
  fragOffset: number;
  align: number;
  /** starts on its own page (`.balign 4096` before any content, or a name the layout reserves) */
  pageStart: boolean;
  /** final offsets of each item (length items+1), set by layout() */
  offsets: number[];
}

export type SymDef = {
  name: string;
  /** label: a place; equ: an expression (constant or not); undefined: only declared/referenced */
  kind: 'label' | 'equ' | 'undefined';
  pos?: Position;
  expr?: Expr;
  binding: 'local' | 'global' | 'weak';
  type?: 'func' | 'object' | 'notype';
  sizeExpr?: Expr;
  definedAt?: { file: string; line: number; column: number };
  /** .equiv: redefinition is an error */
  equiv?: boolean;
};

export interface DocSymbol {
  name: string;
  kind: 'label' | 'macro' | 'equate';
  file: string;
  line: number;
  /** 1-based */
  column: number;
  endColumn: number;
}

export interface Reference {
  name: string;
  file: string;
  line: number;
  /** 1-based */
  column: number;
}

interface SrcLine {
  text: string;
  file: string;
  line: number;
}

interface Frame {
  lines: SrcLine[];
  idx: number;
  expandedFrom: SourceLocation[];
  kind: 'file' | 'macro' | 'rept';
  /** conditional stack depth when the frame started (.exitm unwinds conditionals to it) */
  condDepth: number;
}

interface MacroDef {
  name: string;
  params: { name: string; def?: string; req: boolean; vararg: boolean }[];
  body: SrcLine[];
}

interface Cond {
  active: boolean;
  /** some branch of this .if chain has already been taken */
  taken: boolean;
  /** the enclosing region was active */
  outer: boolean;
  sawElse: boolean;
}

const MAX_MACRO_DEPTH = 100;
const MAX_EXPANDED_LINES = 2_000_000;
const MAX_SECTION_BYTES = 256 * 1024 * 1024;

const BRANCH_RELAXABLE = /^(jmp|jmpq|j(o|no|b|c|nae|ae|nb|nc|e|z|ne|nz|be|na|a|nbe|s|ns|p|pe|np|po|l|nge|ge|nl|le|ng|g|nle))$/;
const BRANCH_REL8_ONLY = /^(loop|loopl|loopq|loope|loopz|loopne|loopnz|jrcxz|jecxz)$/;
const BRANCH_CALL = /^(call|callq|xbegin)$/;
/** The segment a memory operand uses without an override: %ss with an %rsp/%rbp base, else %ds. */
function defaultSegment(m: AsmMemOperand): number {
  const SS = 2, DS = 3;
  return m.base === 4 || m.base === 5 ? SS : DS;
}

/** Operator characters that glue blank-separated macro-argument pieces together (measured against GNU as). */
const JOINS_MACRO_ARG = /^[+/|&^<>!]$/;

const PREFIXES = new Set(['rep', 'repe', 'repz', 'repne', 'repnz', 'lock', 'data16', 'addr32', 'rex', 'rex.w']);
const PREFIX_BYTE: Record<string, number> = { rep: 0xf3, repe: 0xf3, repz: 0xf3, repne: 0xf2, repnz: 0xf2, lock: 0xf0, data16: 0x66, addr32: 0x67, rex: 0x40, 'rex.w': 0x48 };

/** Default flags of well-known section names (what `as` gives them without a flags string). */
function defaultSectionFlags(name: string): { flags: string; nobits: boolean } {
  if (name === '.text' || name.startsWith('.text.') || name === '.init' || name === '.fini' || name.endsWith('.text')) return { flags: 'ax', nobits: false };
  if (name === '.bss' || name.startsWith('.bss.') || name.startsWith('.bss..') || name === '.tbss') return { flags: 'aw', nobits: true };
  if (name === '.data' || name.startsWith('.data.') || name === '.tdata') return { flags: 'aw', nobits: false };
  if (name === '.rodata' || name.startsWith('.rodata.')) return { flags: 'a', nobits: false };
  // unknown names: GNU as would make them non-allocated; we load them read-only instead
  return { flags: 'a', nobits: false };
}

export class FileAssembler {
  readonly diagnostics: Diagnostic[] = [];
  readonly sections = new Map<string, Section>();
  readonly symbols = new Map<string, SymDef>();
  readonly docSymbols: DocSymbol[] = [];
  readonly references: Reference[] = [];
  private macros = new Map<string, MacroDef>();
  private localCounters = new Map<string, number>();
  private conds: Cond[] = [];
  private frames: Frame[] = [];
  private cur!: Section;
  private previous: Section | null = null;
  private sectionStack: { cur: Section; previous: Section | null }[] = [];
  private syntax: 'att' | 'intel' = 'att';
  /** .comm/.lcomm requests, allocated in .bss after pass one */
  private commons: { common: boolean; name: string; nameCol: number; size: number; align: number; loc: Loc }[] = [];
  private expandedLines = 0;
  private macroCounter = 0;
  private loc!: Loc;
  private stopped = false;

  constructor(
    readonly file: SourceFile,
    private opts: AssembleOptions,
    private encode: EncodeFn | null,
    private sharedCounter: { macro: number },
  ) {
    this.switchSection('.text');
  }

  // ---- diagnostics -------------------------------------------------------------------------

  error(message: string, loc: Loc = this.loc, col?: number, endCol?: number, severity: 'error' | 'warning' = 'error'): void {
    const c = col ?? loc.col;
    const e = Math.max(endCol ?? loc.endCol, c + 1);
    let msg = message;
    if (loc.expandedFrom.length) {
      const from = loc.expandedFrom[loc.expandedFrom.length - 1];
      msg += ` (in expansion at ${from.file}:${from.line})`;
    }
    this.diagnostics.push({ file: loc.file, line: loc.line, column: c + 1, endColumn: e + 1, severity, message: msg });
  }

  warn(message: string, col?: number, endCol?: number): void {
    this.error(message, this.loc, col, endCol, 'warning');
  }

  private exprError(err: unknown): void {
    if (err instanceof ExprError) this.error(err.message, this.loc, err.col, err.endCol);
    else if (err instanceof NotConstant) this.error('expression is not constant here');
    else this.error(`internal error: ${(err as Error)?.message ?? String(err)}`);
  }

  // ---- sections ----------------------------------------------------------------------------

  private getSection(name: string, flags?: string, nobits?: boolean): Section {
    let s = this.sections.get(name);
    if (!s) {
      const d = defaultSectionFlags(name);
      s = {
        name, flags: flags ?? d.flags, nobits: nobits ?? d.nobits, items: [], frag: 0, fragOffset: 0, align: 1,
        pageStart: name === '.entry.text' || name === '.cpu_entry_area', offsets: [],
      };
      this.sections.set(name, s);
    } else if (flags !== undefined) {
      // later flags strings may add flags (as GNU as warns about changes, we merge quietly)
      for (const f of flags) if (!s.flags.includes(f)) s.flags += f;
      if (nobits) s.nobits = true;
    }
    return s;
  }

  private switchSection(name: string, flags?: string, nobits?: boolean): void {
    const next = this.getSection(name, flags, nobits);
    if (this.cur && next !== this.cur) this.previous = this.cur;
    this.cur = next;
  }

  private position(): Position {
    return { section: this.cur.name, item: this.cur.items.length, frag: this.cur.frag, fragOffset: this.cur.fragOffset };
  }

  private pushItem(item: Item): void {
    const s = this.cur;
    s.items.push(item);
    if (item.kind === 'bytes') {
      s.fragOffset += item.bytes.length;
      if (s.fragOffset > MAX_SECTION_BYTES) {
        this.error(`section ${s.name} is larger than ${MAX_SECTION_BYTES} bytes`);
        this.stopped = true;
      }
    } else {
      s.frag++;
      s.fragOffset = 0;
    }
  }

  private emitData(bytes: Uint8Array, fixups: DataFixup[], isCode: boolean): void {
    if (this.cur.nobits && (fixups.length || bytes.some((b) => b !== 0))) {
      this.error(`cannot store non-zero data in nobits section ${this.cur.name}`);
      return;
    }
    this.pushItem({ kind: 'bytes', bytes, fixups, loc: this.loc, isCode });
  }

  // ---- symbols and expressions -------------------------------------------------------------

  private sym(name: string): SymDef {
    let s = this.symbols.get(name);
    if (!s) {
      s = { name, kind: 'undefined', binding: 'local' };
      this.symbols.set(name, s);
    }
    return s;
  }

  private localLabelName(digits: string, instance: number): string {
    return `.L${digits}\u0002${instance}`;
  }

  private defineLabel(name: string, col: number): void {
    let real = name;
    if (/^\d+$/.test(name)) {
      const n = (this.localCounters.get(name) ?? 0) + 1;
      this.localCounters.set(name, n);
      real = this.localLabelName(name, n);
    }
    const s = this.sym(real);
    if (s.kind !== 'undefined') {
      this.error(`symbol '${name}' is already defined`, this.loc, col, col + name.length);
      return;
    }
    s.kind = 'label';
    s.pos = this.position();
    s.definedAt = { file: this.loc.file, line: this.loc.line, column: col + 1 };
    if (real === name) {
      this.docSymbols.push({ name, kind: 'label', file: this.loc.file, line: this.loc.line, column: col + 1, endColumn: col + 1 + name.length });
    }
  }

  /**
   * Rewrites a freshly parsed expression for storage: `.` becomes this place, `1b`/`1f` become
   * their labels, equates already defined are substituted (so a later `.set` does not change it).
   * Records references for the language server.
   */
  private prepare(e: Expr, depth = 0): Expr {
    switch (e.k) {
      case 'num': case 'pos': return e;
      case 'un': return { k: 'un', op: e.op, a: this.prepare(e.a, depth) };
      case 'bin': return { k: 'bin', op: e.op, a: this.prepare(e.a, depth), b: this.prepare(e.b, depth) };
      case 'sym': {
        if (e.name === '.') return { k: 'pos', pos: this.position() };
        const m = /^(\d+)([bf])$/.exec(e.name);
        if (m) {
          const n = this.localCounters.get(m[1]) ?? 0;
          if (m[2] === 'b' && n === 0) throw new ExprError(`backward reference to local label '${m[1]}' that is not defined yet`, e.col, e.endCol);
          return { ...e, name: this.localLabelName(m[1], m[2] === 'b' ? n : n + 1) };
        }
        if (depth === 0) this.references.push({ name: e.name, file: this.loc.file, line: this.loc.line, column: e.col + 1 });
        const s = this.symbols.get(e.name);
        if (s?.kind === 'equ' && s.expr && !s.equiv && s.binding === 'local') return s.expr;
        if (!s) this.sym(e.name);
        return e;
      }
    }
  }

  /** Pass-one view of values: places are (section, fixed run) + offset; equates are followed. */
  private passOneResolver(depth = 0): { sym: (e: Extract<Expr, { k: 'sym' }>) => Value | undefined; pos: (p: Position) => Value } {
    const pos = (p: Position): Value => ({ sec: `${p.section}#${p.frag}`, off: BigInt(p.fragOffset) });
    return {
      pos,
      sym: (e) => {
        const s = this.symbols.get(e.name);
        if (s?.kind === 'label') return pos(s.pos!);
        if (s?.kind === 'equ' && depth < 50) return evaluate(s.expr!, this.passOneResolver(depth + 1));
        const d = this.opts.defsym?.[e.name];
        if (d !== undefined && (!s || s.kind === 'undefined')) return { sec: null, off: u64(d) };
        return undefined;
      },
    };
  }

  /** The value of a prepared expression when it is an absolute number now, else undefined. */
  private constantNow(e: Expr): bigint | undefined {
    try {
      const v = evaluate(e, this.passOneResolver());
      return v && v.sec === null ? v.off : undefined;
    } catch (err) {
      if (err instanceof NotConstant) return undefined;
      throw err;
    }
  }

  /** Parses text as an expression that must be constant now (counts, .if, alignments). */
  private absolute(text: string, col: number, what: string): bigint | undefined {
    try {
      const e = this.prepare(parseExprText(text, col));
      const v = this.constantNow(e);
      if (v === undefined) this.error(`${what} must be a constant expression`, this.loc, col, col + text.length);
      return v;
    } catch (err) {
      this.exprError(err);
      return undefined;
    }
  }

  private valueOf: ValueOf = (e) => {
    const p = this.prepare(e);
    const v = this.constantNow(p);
    // the encoder takes signed values: `$-1` is -1, not 2^64-1
    if (v !== undefined) return s64(v);
    return { ref: p } as Symbolic;
  };

  // ---- driver ------------------------------------------------------------------------------

  run(): void {
    const lines = stripComments(this.file.text).map((text, i) => ({ text, file: this.file.name, line: i + 1 }));
    this.frames.push({ lines, idx: 0, expandedFrom: [], kind: 'file', condDepth: 0 });
    this.loop();
    this.allocateCommons();
    if (this.conds.length) {
      this.loc = { file: this.file.name, line: lines.length, col: 0, endCol: 1, expandedFrom: [] };
      this.error('missing .endif at end of file');
    }
  }

  /**
   * .lcomm and .comm symbols go after everything else in .bss, as GNU as + ld place them: .lcomm in
   * .bss subsection 1 (after the section's own contents), common symbols after all .bss input, the
   * first aligned to the largest common alignment. (ld orders several commons by its hash table;
   * we keep source order.)
   */
  private allocateCommons(): void {
    if (!this.commons.length) return;
    const saved = { cur: this.cur, previous: this.previous, loc: this.loc };
    this.switchSection('.bss');
    const commons = this.commons.filter((c) => c.common);
    const place = (c: (typeof this.commons)[number], align: number) => {
      this.loc = c.loc;
      this.alignTo(align, 0, 0);
      this.defineLabel(c.name, c.nameCol);
      const sym = this.sym(c.name);
      if (c.common) sym.binding = 'global';
      sym.type = 'object';
      sym.sizeExpr = { k: 'num', v: BigInt(c.size) };
      this.emitData(new Uint8Array(c.size), [], false);
    };
    for (const c of this.commons) if (!c.common) place(c, c.align);
    const maxAlign = Math.max(...commons.map((c) => c.align), 1);
    commons.forEach((c, i) => place(c, i === 0 ? maxAlign : c.align));
    this.cur = saved.cur;
    this.previous = saved.previous;
    this.loc = saved.loc;
  }

  private loop(): void {
    while (this.frames.length && !this.stopped) {
      const f = this.frames[this.frames.length - 1];
      if (f.idx >= f.lines.length) {
        this.frames.pop();
        continue;
      }
      const ln = f.lines[f.idx++];
      if (++this.expandedLines > MAX_EXPANDED_LINES) {
        this.loc = { file: ln.file, line: ln.line, col: 0, endCol: 1, expandedFrom: f.expandedFrom };
        this.error(`more than ${MAX_EXPANDED_LINES} lines after macro expansion; stopping`);
        this.stopped = true;
        break;
      }
      for (const st of splitStatements(ln.text)) {
        if (this.stopped || this.frames[this.frames.length - 1] !== f) {
          // .exitm/.end/.include changed the frame stack mid-line: the rest of the line still belongs to f
          if (this.stopped) break;
        }
        this.loc = { file: ln.file, line: ln.line, col: st.col, endCol: st.col + st.text.length, expandedFrom: f.expandedFrom };
        try {
          this.statement(st.text, st.col, f);
        } catch (err) {
          this.exprError(err);
        }
      }
    }
  }

  private get active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1].active;
  }

  private statement(raw: string, col0: number, frame: Frame): void {
    let text = raw;
    let col = col0;
    const skipWs = () => {
      const t = text.trimStart();
      col += text.length - t.length;
      text = t;
    };
    skipWs();
    if (text === '') return;
    if (!this.active) {
      const w = /^\.[A-Za-z0-9_]+/.exec(text)?.[0].toLowerCase();
      if (w && (w.startsWith('.if') || w === '.else' || w === '.elseif' || w === '.endif')) this.conditional(w, text.slice(w.length), col + w.length, col);
      return;
    }
    // labels
    for (;;) {
      const m = /^([A-Za-z_.$][\w.$@]*|\d+)\s*:(?!:)/.exec(text);
      if (!m) break;
      // `%gs:` cannot appear here; a lone segment name followed by ':' in Intel syntax is not a label at statement start
      this.defineLabel(m[1], col);
      text = text.slice(m[0].length);
      col += m[0].length;
      skipWs();
      if (text === '') return;
    }
    // sym = expr
    const asg = /^([A-Za-z_.$][\w.$@]*)\s*==?(?!=)\s*/.exec(text);
    if (asg) {
      this.assign(asg[1], text.slice(asg[0].length), col + asg[0].length, col, false);
      return;
    }
    const wm = /^[A-Za-z_.$][\w.$@]*/.exec(text);
    if (!wm) {
      this.error(`unexpected '${text[0]}' at start of statement`, this.loc, col);
      return;
    }
    const word = wm[0];
    const rest = text.slice(word.length);
    const restCol = col + word.length;
    const macro = this.macros.get(word) ?? this.macros.get(word.toLowerCase());
    if (macro) {
      this.invokeMacro(macro, rest, restCol, col, frame);
      return;
    }
    if (word.startsWith('.')) {
      this.directive(word.toLowerCase(), rest, restCol, col, frame);
      return;
    }
    this.instruction(word, rest, restCol, col);
  }

  // ---- conditionals ------------------------------------------------------------------------

  private conditional(word: string, rest: string, restCol: number, col: number): void {
    const top = this.conds[this.conds.length - 1];
    if (word === '.endif') {
      if (!top) this.error('.endif without .if', this.loc, col, col + 6);
      else this.conds.pop();
      return;
    }
    if (word === '.else') {
      if (!top) { this.error('.else without .if', this.loc, col, col + 5); return; }
      if (top.sawElse) this.error('duplicate .else', this.loc, col, col + 5);
      top.sawElse = true;
      top.active = top.outer && !top.taken;
      top.taken = true;
      return;
    }
    if (word === '.elseif') {
      if (!top) { this.error('.elseif without .if', this.loc, col, col + 7); return; }
      if (top.taken || !top.outer) { top.active = false; return; }
      const v = this.absolute(rest.trim(), restCol + (rest.length - rest.trimStart().length), '.elseif condition');
      top.active = v !== undefined && v !== 0n;
      top.taken = top.active;
      return;
    }
    const outer = this.active;
    if (!outer) {
      this.conds.push({ active: false, taken: true, outer: false, sawElse: false });
      return;
    }
    const r = this.ifCondition(word, rest, restCol, col);
    this.conds.push({ active: r, taken: r, outer: true, sawElse: false });
  }

  private ifCondition(word: string, rest: string, restCol: number, col: number): boolean {
    const arg = rest.trim();
    const argCol = restCol + (rest.length - rest.trimStart().length);
    const num = (what: string) => this.absolute(arg, argCol, what);
    switch (word) {
      case '.if': case '.ifne': { const v = num('.if condition'); return v !== undefined && v !== 0n; }
      case '.ifeq': { const v = num('.ifeq condition'); return v === 0n; }
      case '.ifge': { const v = num('.ifge condition'); return v !== undefined && s64(v) >= 0n; }
      case '.ifgt': { const v = num('.ifgt condition'); return v !== undefined && s64(v) > 0n; }
      case '.ifle': { const v = num('.ifle condition'); return v !== undefined && s64(v) <= 0n; }
      case '.iflt': { const v = num('.iflt condition'); return v !== undefined && s64(v) < 0n; }
      case '.ifdef': case '.ifndef': case '.ifnotdef': {
        const s = this.symbols.get(arg);
        const defined = (!!s && s.kind !== 'undefined') || this.opts.defsym?.[arg] !== undefined;
        return word === '.ifdef' ? defined : !defined;
      }
      case '.ifb': return arg === '';
      case '.ifnb': return arg !== '';
      case '.ifc': case '.ifnc': {
        const parts = splitArgs(rest, restCol);
        const unq = (s: string) => (s.length >= 2 && s[0] === "'" && s.endsWith("'") ? s.slice(1, -1) : s);
        const same = parts.length === 2 && unq(parts[0].text) === unq(parts[1].text);
        if (parts.length !== 2) this.error(`${word} needs two comma-separated strings`, this.loc, col);
        return word === '.ifc' ? same : !same;
      }
      case '.ifeqs': case '.ifnes': {
        const parts = splitArgs(rest, restCol);
        const strs = parts.map((p) => parseStringLiteral(p.text));
        if (parts.length !== 2 || strs.some((s) => !s)) { this.error(`${word} needs two quoted strings`, this.loc, col); return false; }
        const same = strs[0]!.join(',') === strs[1]!.join(',');
        return word === '.ifeqs' ? same : !same;
      }
    }
    this.error(`unknown conditional '${word}'`, this.loc, col, col + word.length);
    return false;
  }

  // ---- blocks: .macro, .rept, .irp, .irpc --------------------------------------------------

  /** Reads raw lines up to the matching end directive from the current frame. */
  private collectBlock(frame: Frame, opens: RegExp, close: RegExp, what: string): SrcLine[] | undefined {
    const body: SrcLine[] = [];
    let depth = 1;
    while (frame.idx < frame.lines.length) {
      const ln = frame.lines[frame.idx++];
      const first = /^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*(\.[A-Za-z]+)/.exec(ln.text)?.[1]?.toLowerCase();
      if (first && opens.test(first)) depth++;
      else if (first && close.test(first)) {
        depth--;
        if (depth === 0) return body;
      }
      body.push(ln);
    }
    this.error(`missing ${what} before end of ${frame.kind === 'file' ? 'file' : 'expansion'}`);
    return undefined;
  }

  private pushFrame(lines: SrcLine[], kind: 'macro' | 'rept', frame: Frame): boolean {
    if (this.frames.length > MAX_MACRO_DEPTH) {
      this.error(`macros nested more than ${MAX_MACRO_DEPTH} deep (recursive macro?)`);
      this.stopped = true;
      return false;
    }
    const here: SourceLocation = { file: this.loc.file, line: this.loc.line };
    this.frames.push({ lines, idx: 0, expandedFrom: [...frame.expandedFrom, here], kind, condDepth: this.conds.length });
    return true;
  }

  private defineMacro(rest: string, restCol: number, frame: Frame): void {
    const header = rest.trim();
    const m = /^([A-Za-z_.$][\w.$@]*)\s*,?\s*(.*)$/.exec(header);
    const body = this.collectBlock(frame, /^\.macro$/, /^\.endm$/, '.endm');
    if (!m) { this.error('.macro needs a name'); return; }
    const name = m[1];
    const params: MacroDef['params'] = [];
    // parameters are separated by commas or blanks; `name=default`, `name:req`, `name:vararg`
    const paramText = m[2].replace(/\s*=\s*/g, '=');
    for (const p of splitArgs(paramText, 0).flatMap((a) => a.text.split(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/)).filter((s) => s !== '')) {
      const pm = /^([A-Za-z_][\w]*)(?::(req|vararg))?(?:=(.*))?$/.exec(p);
      if (!pm) { this.error(`bad macro parameter '${p}'`); continue; }
      params.push({ name: pm[1], def: pm[3], req: pm[2] === 'req', vararg: pm[2] === 'vararg' });
    }
    if (!body) return;
    const col = restCol + (rest.length - rest.trimStart().length);
    this.docSymbols.push({ name, kind: 'macro', file: this.loc.file, line: this.loc.line, column: col + 1, endColumn: col + 1 + name.length });
    this.macros.set(name, { name, params, body });
  }

  /**
   * Splits a macro invocation's arguments at commas and at blanks, as GNU as does (`m 1 2, 3` is three
   * arguments), except that blanks next to + / | & ^ < > ! keep an expression whole (`m 1 + 2, 3` is
   * two). GNU as (its input scrubber) does not join around - * % (`m 1 - 2` is three), nor do we.
   */
  private macroArgs(rest: string, restCol: number, nparams: number): Arg[] {
    const args = splitArgs(rest, restCol);
    if (nparams <= 1) return args;
    const out: Arg[] = [];
    for (const a of args) {
      const t = a.text;
      let depth = 0;
      let start = 0;
      for (let i = 0; i <= t.length; i++) {
        const ch = t[i];
        if (ch === '"') { i++; while (i < t.length && t[i] !== '"') { if (t[i] === '\\') i++; i++; } continue; }
        if (ch === '(') depth++;
        else if (ch === ')') depth--;
        if (i < t.length && !(depth === 0 && /\s/.test(ch))) continue;
        if (i < t.length) {
          let j = i;
          while (j < t.length && /\s/.test(t[j])) j++;
          const prev = t.slice(start, i).trimEnd().slice(-1);
          const next = t[j] ?? '';
          if (j === t.length || JOINS_MACRO_ARG.test(prev) || JOINS_MACRO_ARG.test(next)) { i = j - 1; continue; }
        }
        const piece = t.slice(start, i).trim();
        if (piece !== '') out.push({ text: piece, col: a.col + start + (t.slice(start, i).length - t.slice(start, i).trimStart().length) });
        else if (args.length > 1 && start === 0 && i === t.length) out.push(a); // an empty argument between commas
        start = i + 1;
      }
    }
    return out;
  }

  private invokeMacro(m: MacroDef, rest: string, restCol: number, col: number, frame: Frame): void {
    const args = this.macroArgs(rest, restCol, m.params.length);
    const values = new Map<string, string>();
    let positional = 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const kw = /^([A-Za-z_]\w*)\s*=(?!=)\s*(.*)$/s.exec(a.text);
      if (kw && m.params.some((p) => p.name === kw[1])) {
        values.set(kw[1], kw[2]);
        continue;
      }
      const p = m.params[positional];
      if (!p) { this.error(`too many arguments to macro '${m.name}'`, this.loc, a.col, a.col + a.text.length); break; }
      if (p.vararg) {
        values.set(p.name, args.slice(i).map((x) => x.text).join(', '));
        positional++;
        break;
      }
      // a quoted argument is passed without its quotes, as GNU as does
      values.set(p.name, /^"[^"]*"$/.test(a.text) ? a.text.slice(1, -1) : a.text);
      positional++;
    }
    for (const p of m.params) {
      const v = values.get(p.name);
      if (v === undefined || v === '') {
        if (p.req) this.error(`missing value for required parameter '${p.name}' of macro '${m.name}'`, this.loc, col, col + m.name.length);
        values.set(p.name, p.def ?? '');
      }
    }
    const counter = String(this.sharedCounter.macro++);
    const subst = (text: string) => this.substitute(text, values, counter);
    const lines = m.body.map((ln) => ({ ...ln, text: subst(ln.text) }));
    this.pushFrame(lines, 'macro', frame);
  }

  /** Replaces `\param`, `\()` and `\@` in a body line. */
  private substitute(text: string, values: Map<string, string>, counter: string | null): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (c !== '\\') { out += c; i++; continue; }
      if (text[i + 1] === '@' && counter !== null) { out += counter; i += 2; continue; }
      if (text[i + 1] === '(' && text[i + 2] === ')') { i += 3; continue; }
      const m = /^[A-Za-z_]\w*/.exec(text.slice(i + 1));
      if (m && values.has(m[0])) { out += values.get(m[0]); i += 1 + m[0].length; continue; }
      out += c;
      i++;
    }
    return out;
  }

  private repeat(word: string, rest: string, restCol: number, frame: Frame): void {
    const body = this.collectBlock(frame, /^\.(rept|irp|irpc)$/, /^\.endr$/, '.endr');
    if (!body) return;
    const lines: SrcLine[] = [];
    const addCopy = (values: Map<string, string> | null) => {
      for (const ln of body) lines.push({ ...ln, text: values ? this.substitute(ln.text, values, null) : ln.text });
    };
    if (word === '.rept') {
      const n = this.absolute(rest.trim(), restCol, '.rept count');
      if (n === undefined) return;
      const count = s64(n);
      if (count < 0n) { this.error('.rept count is negative'); return; }
      if (count * BigInt(Math.max(1, body.length)) > BigInt(MAX_EXPANDED_LINES)) {
        this.error(`.rept count ${count} is too large`);
        return;
      }
      for (let i = 0n; i < count; i++) addCopy(null);
    } else {
      const args = splitArgs(rest, restCol);
      const first = args.shift();
      const name = first?.text ?? '';
      if (!/^[A-Za-z_]\w*$/.test(name)) { this.error(`${word} needs a parameter name`); return; }
      if (word === '.irp') {
        if (args.length === 0) addCopy(new Map([[name, '']]));
        for (const a of args) addCopy(new Map([[name, a.text]]));
      } else {
        const chars = args.map((a) => a.text).join('');
        for (const ch of chars) addCopy(new Map([[name, ch]]));
      }
    }
    this.pushFrame(lines, 'rept', frame);
  }

  // ---- equates -----------------------------------------------------------------------------

  /** `.org target[, fill]` and `. = target`: pad up to an offset in the current section (resolved at layout). */
  private org(text: string, col: number, fill: number | null): void {
    let target: Expr;
    try { target = this.prepare(parseExprText(text.trim(), col + (text.length - text.trimStart().length))); } catch (err) { this.exprError(err); return; }
    this.pushItem({ kind: 'space', count: target, fill: fill ?? 0, loc: this.loc, size: 0, org: true });
  }

  private assign(name: string, exprText: string, exprCol: number, nameCol: number, equiv: boolean): void {
    if (name === '.') { this.org(exprText, exprCol, null); return; }
    let e: Expr;
    try {
      e = this.prepare(parseExprText(exprText.trim(), exprCol + (exprText.length - exprText.trimStart().length)));
    } catch (err) {
      this.exprError(err);
      return;
    }
    const s = this.sym(name);
    if (s.kind === 'label') { this.error(`symbol '${name}' is already defined as a label`, this.loc, nameCol, nameCol + name.length); return; }
    if (s.kind === 'equ' && (equiv || s.equiv)) { this.error(`symbol '${name}' is already defined`, this.loc, nameCol, nameCol + name.length); return; }
    // a constant is stored as its number; otherwise the expression is kept and resolved at link time
    const v = this.constantNow(e);
    s.kind = 'equ';
    s.expr = v !== undefined ? { k: 'num', v } : e;
    if (equiv) s.equiv = true;
    if (!s.definedAt) {
      s.definedAt = { file: this.loc.file, line: this.loc.line, column: nameCol + 1 };
      this.docSymbols.push({ name, kind: 'equate', file: this.loc.file, line: this.loc.line, column: nameCol + 1, endColumn: nameCol + 1 + name.length });
    }
  }

  // ---- directives --------------------------------------------------------------------------

  private directive(word: string, rest: string, restCol: number, col: number, frame: Frame): void {
    const args = () => splitArgs(rest, restCol);
    const endCol = col + word.length;
    switch (word) {
      case '.if': case '.ifne': case '.ifeq': case '.ifge': case '.ifgt': case '.ifle': case '.iflt':
      case '.ifdef': case '.ifndef': case '.ifnotdef': case '.ifb': case '.ifnb': case '.ifc': case '.ifnc':
      case '.ifeqs': case '.ifnes': case '.else': case '.elseif': case '.endif':
        this.conditional(word, rest, restCol, col);
        return;
      case '.macro': this.defineMacro(rest, restCol, frame); return;
      case '.endm': case '.endr': this.error(`${word} without a matching block start`, this.loc, col, endCol); return;
      case '.exitm': {
        const i = this.frames.lastIndexOf(this.frames.slice().reverse().find((f) => f.kind === 'macro')!);
        if (i < 0) { this.error('.exitm outside a macro', this.loc, col, endCol); return; }
        this.conds.length = this.frames[i].condDepth;
        this.frames.length = i;
        return;
      }
      case '.purgem': this.macros.delete(rest.trim()); return;
      case '.rept': case '.irp': case '.irpc': this.repeat(word, rest, restCol, frame); return;
      case '.include': {
        const a = args()[0];
        const name = a && parseStringLiteral(a.text);
        if (!name) { this.error('.include needs a quoted file name', this.loc, col, endCol); return; }
        const fname = new TextDecoder().decode(new Uint8Array(name));
        const inc = this.opts.readInclude?.(fname, this.loc.file);
        if (!inc) { this.error(`cannot find include file '${fname}'`, this.loc, a.col, a.col + a.text.length); return; }
        if (this.frames.length > MAX_MACRO_DEPTH) { this.error('.include nested too deep'); return; }
        const lines = stripComments(inc.text).map((text, i) => ({ text, file: inc.name, line: i + 1 }));
        this.frames.push({ lines, idx: 0, expandedFrom: frame.expandedFrom, kind: 'file', condDepth: this.conds.length });
        return;
      }
      case '.err': this.error('.err encountered', this.loc, col, endCol); return;
      case '.error': case '.warning': case '.print': {
        const a = rest.trim();
        const s = a ? parseStringLiteral(a) : undefined;
        const msg = s ? new TextDecoder().decode(new Uint8Array(s)) : word === '.error' ? '.error directive invoked in source file' : word === '.warning' ? '.warning directive invoked in source file' : a;
        if (word === '.error') this.error(msg, this.loc, col, endCol);
        else if (word === '.warning') this.warn(msg, col, endCol);
        return;
      }
      case '.end': this.frames.length = 0; return;
      // sections
      case '.text': case '.data': case '.bss': this.switchSection(word); return;
      case '.section': case '.pushsection': {
        const a = args();
        if (!a.length) { this.error(`${word} needs a section name`, this.loc, col, endCol); return; }
        let name = a[0].text;
        if (name.startsWith('"')) name = name.slice(1, -1);
        let flags: string | undefined;
        let nobits: boolean | undefined;
        if (a[1]) {
          const f = a[1].text;
          if (f.startsWith('"')) flags = f.slice(1, -1);
          else if (/^[0-9]+$/.test(f)) { /* subsection number: ignored */ }
          else { this.error(`bad section flags '${f}'`, this.loc, a[1].col, a[1].col + f.length); return; }
          const bad = flags?.replace(/[awxMSGTRoedy?]/g, '');
          if (bad) this.error(`unknown section flag '${bad[0]}'`, this.loc, a[1].col, a[1].col + f.length);
          flags = flags?.replace(/[^awx]/g, '') ?? flags;
          if (flags !== undefined && !flags.includes('a')) flags = 'a' + flags;
        }
        if (a[2]) {
          const t = a[2].text.replace(/^[@%]/, '');
          if (t === 'nobits') nobits = true;
          else if (t === 'progbits' || t === 'note' || t === 'init_array' || t === 'fini_array' || t === 'preinit_array') nobits = false;
          else { this.error(`unknown section type '${a[2].text}'`, this.loc, a[2].col, a[2].col + a[2].text.length); }
        }
        if (word === '.pushsection') this.sectionStack.push({ cur: this.cur, previous: this.previous });
        this.switchSection(name, flags, nobits);
        return;
      }
      case '.popsection': {
        const top = this.sectionStack.pop();
        if (!top) { this.error('.popsection without .pushsection', this.loc, col, endCol); return; }
        this.cur = top.cur;
        this.previous = top.previous;
        return;
      }
      case '.previous': {
        if (!this.previous) { this.error('.previous without a previous section', this.loc, col, endCol); return; }
        const p = this.previous;
        this.previous = this.cur;
        this.cur = p;
        return;
      }
      case '.subsection': return;
      // symbols
      case '.globl': case '.global': case '.weak': case '.local': {
        for (const a of args()) {
          if (!/^[A-Za-z_.$][\w.$@]*$/.test(a.text)) { this.error(`bad symbol name '${a.text}'`, this.loc, a.col, a.col + a.text.length); continue; }
          const s = this.sym(a.text);
          s.binding = word === '.weak' ? 'weak' : word === '.local' ? 'local' : 'global';
          this.references.push({ name: a.text, file: this.loc.file, line: this.loc.line, column: a.col + 1 });
        }
        return;
      }
      case '.extern': case '.hidden': case '.protected': case '.internal': case '.ident': case '.file': case '.loc':
      case '.loc_mark_labels': case '.code64': case '.arch': case '.linkonce': case '.symver': case '.att_mnemonic':
        return;
      case '.code16': case '.code32': this.error(`${word} is not supported: only 64-bit code is`, this.loc, col, endCol); return;
      case '.intel_syntax': {
        const a = rest.trim().toLowerCase();
        if (a === 'prefix') this.error('.intel_syntax prefix is not supported; use noprefix', this.loc, col, endCol);
        this.syntax = 'intel';
        return;
      }
      case '.att_syntax': this.syntax = 'att'; return;
      case '.type': {
        const a = args();
        if (a.length < 2) { this.error('.type needs a symbol and a type', this.loc, col, endCol); return; }
        const t = a[1].text.replace(/^[@%"]/, '').replace(/"$/, '').toLowerCase();
        const s = this.sym(a[0].text);
        if (t === 'function' || t === 'stt_func' || t === 'gnu_indirect_function') s.type = 'func';
        else if (t === 'object' || t === 'stt_object' || t === 'tls_object' || t === 'common') s.type = 'object';
        else if (t === 'notype' || t === 'stt_notype') s.type = 'notype';
        else this.error(`unknown symbol type '${a[1].text}'`, this.loc, a[1].col, a[1].col + a[1].text.length);
        return;
      }
      case '.size': {
        const a = args();
        if (a.length !== 2) { this.error('.size needs a symbol and an expression', this.loc, col, endCol); return; }
        try {
          this.sym(a[0].text).sizeExpr = this.prepare(parseExprText(a[1].text, a[1].col));
        } catch (err) { this.exprError(err); }
        return;
      }
      case '.equ': case '.set': case '.equiv': case '.eqv': {
        const a = args();
        if (a.length !== 2) { this.error(`${word} needs a symbol and an expression`, this.loc, col, endCol); return; }
        if (!/^[A-Za-z_.$][\w.$@]*$/.test(a[0].text)) { this.error(`bad symbol name '${a[0].text}'`, this.loc, a[0].col); return; }
        this.assign(a[0].text, a[1].text, a[1].col, a[0].col, word === '.equiv');
        return;
      }
      case '.comm': case '.lcomm': {
        const a = args();
        if (a.length < 2) { this.error(`${word} needs a symbol and a size`, this.loc, col, endCol); return; }
        const size = this.absolute(a[1].text, a[1].col, `${word} size`);
        const given = a[2] ? this.absolute(a[2].text, a[2].col, `${word} alignment`) : undefined;
        if (size === undefined || (a[2] && given === undefined)) return;
        if (size > BigInt(MAX_SECTION_BYTES)) { this.error(`${word} size is too large`, this.loc, a[1].col); return; }
        // GNU's defaults: .lcomm aligns to the largest power of two <= size (at most 8); a common
        // symbol to the smallest power of two >= size (at most 16)
        let align = given !== undefined ? Number(given) : 1;
        if (given === undefined) {
          if (word === '.lcomm') align = size >= 8n ? 8 : size >= 4n ? 4 : size >= 2n ? 2 : 1;
          else while (align < 16 && BigInt(align) < size) align *= 2;
        }
        if (align < 1 || (align & (align - 1)) !== 0 || align > 1 << 30) { this.error(`${word} alignment is not a power of 2`, this.loc, a[2]?.col ?? col); return; }
        this.commons.push({ common: word === '.comm', name: a[0].text, nameCol: a[0].col, size: Number(size), align, loc: this.loc });
        return;
      }
      // data
      case '.byte': this.dataValues(args(), 1); return;
      case '.word': case '.short': case '.hword': case '.value': case '.2byte': this.dataValues(args(), 2); return;
      case '.long': case '.int': case '.4byte': this.dataValues(args(), 4); return;
      case '.quad': case '.8byte': this.dataValues(args(), 8); return;
      case '.ascii': case '.asciz': case '.string': {
        const out: number[] = [];
        for (const a of args()) {
          const s = parseStringLiteral(a.text);
          if (!s) { this.error(`expected a quoted string, found '${a.text}'`, this.loc, a.col, a.col + a.text.length); return; }
          out.push(...s);
          if (word !== '.ascii') out.push(0);
        }
        this.emitData(new Uint8Array(out), [], false);
        return;
      }
      case '.uleb128': case '.sleb128': {
        const out: number[] = [];
        for (const a of args()) {
          const v = this.absolute(a.text, a.col, `${word} value`);
          if (v === undefined) return;
          let x = word === '.sleb128' ? s64(v) : v;
          for (;;) {
            const b = Number(x & 0x7fn);
            x >>= 7n;
            const done = word === '.sleb128' ? (x === 0n && !(b & 0x40)) || (x === -1n && !!(b & 0x40)) : x === 0n;
            out.push(done ? b : b | 0x80);
            if (done) break;
          }
        }
        this.emitData(new Uint8Array(out), [], false);
        return;
      }
      case '.zero': case '.skip': case '.space': {
        const a = args();
        if (!a.length) { this.error(`${word} needs a size`, this.loc, col, endCol); return; }
        const fill = a[1] ? this.absolute(a[1].text, a[1].col, `${word} fill value`) : 0n;
        if (fill === undefined) return;
        let count: Expr;
        try { count = this.prepare(parseExprText(a[0].text, a[0].col)); } catch (err) { this.exprError(err); return; }
        const n = this.constantNow(count);
        if (n !== undefined) {
          if (s64(n) < 0n) { this.error(`${word} size is negative`, this.loc, a[0].col, a[0].col + a[0].text.length); return; }
          if (n > BigInt(MAX_SECTION_BYTES)) { this.error(`${word} size ${n} is too large`, this.loc, a[0].col); return; }
          this.emitData(new Uint8Array(Number(n)).fill(Number(fill & 0xffn)), [], false);
        } else {
          this.pushItem({ kind: 'space', count, fill: Number(fill & 0xffn), loc: this.loc, size: 0 });
        }
        return;
      }
      case '.org': {
        const a = args();
        if (!a.length || a[0].text === '') { this.error('.org needs an expression', this.loc, col, endCol); return; }
        const fill = a[1] ? this.absolute(a[1].text, a[1].col, '.org fill value') : 0n;
        if (fill === undefined) return;
        this.org(a[0].text, a[0].col, Number(fill & 0xffn));
        return;
      }
      case '.fill': {
        const a = args();
        if (!a.length) { this.error('.fill needs a repeat count', this.loc, col, endCol); return; }
        const rep = this.absolute(a[0].text, a[0].col, '.fill repeat count');
        const size = a[1] ? this.absolute(a[1].text, a[1].col, '.fill size') : 1n;
        const val = a[2] ? this.absolute(a[2].text, a[2].col, '.fill value') : 0n;
        if (rep === undefined || size === undefined || val === undefined) return;
        const sz = Number(size > 8n ? 8n : size);
        if (s64(rep) < 0n) { this.error('.fill repeat count is negative'); return; }
        if (rep * BigInt(sz) > BigInt(MAX_SECTION_BYTES)) { this.error('.fill is too large'); return; }
        const one = new Uint8Array(sz);
        const v32 = val & 0xffffffffn; // GNU as: the upper 4 bytes of the 8-byte value are zero
        for (let i = 0; i < sz && i < 4; i++) one[i] = Number((v32 >> BigInt(8 * i)) & 0xffn);
        const out = new Uint8Array(Number(rep) * sz);
        for (let i = 0; i < Number(rep); i++) out.set(one, i * sz);
        this.emitData(out, [], false);
        return;
      }
      case '.align': case '.balign': case '.p2align': {
        const a = args();
        if (!a.length || a[0].text === '') { this.error(`${word} needs an alignment`, this.loc, col, endCol); return; }
        const n = this.absolute(a[0].text, a[0].col, 'alignment');
        const fill = a[1] && a[1].text !== '' ? this.absolute(a[1].text, a[1].col, 'fill value') : null;
        const max = a[2] && a[2].text !== '' ? this.absolute(a[2].text, a[2].col, 'maximum skip') : 0n;
        if (n === undefined || max === undefined || fill === undefined) return;
        let align: number;
        if (word === '.p2align') {
          if (n > 30n) { this.error('alignment too large', this.loc, a[0].col); return; }
          align = 2 ** Number(n);
        } else {
          align = Number(n === 0n ? 1n : n);
          if (n > 1n << 30n || (align & (align - 1)) !== 0) { this.error('alignment is not a power of 2', this.loc, a[0].col, a[0].col + a[0].text.length); return; }
        }
        this.alignTo(align, fill === null ? null : Number(fill & 0xffn), Number(max));
        return;
      }
      default:
        if (word.startsWith('.cfi_')) return;
        this.error(`unknown directive '${word}'`, this.loc, col, endCol);
    }
  }

  private alignTo(align: number, fill: number | null, maxSkip: number): void {
    const s = this.cur;
    if (align > s.align) s.align = align;
    if (align >= 4096 && s.items.every((it) => it.kind === 'align')) s.pageStart = true;
    if (align <= 1) return;
    this.pushItem({ kind: 'align', align, fill, maxSkip, loc: this.loc, size: 0 });
  }

  private dataValues(args: Arg[], size: 1 | 2 | 4 | 8): void {
    const bytes = new Uint8Array(args.length * size);
    const fixups: DataFixup[] = [];
    args.forEach((a, i) => {
      if (a.text === '') { this.error('missing value', this.loc, a.col); return; }
      let e: Expr;
      try {
        if (a.text.startsWith('"') && size === 1) {
          // `.byte "ab"` is not valid GNU as either, but give a clear message
          this.error('use .ascii for strings', this.loc, a.col, a.col + a.text.length);
          return;
        }
        e = this.prepare(parseExprText(a.text, a.col));
        const v = this.constantNow(e);
        if (v !== undefined) {
          if (size < 8) {
            const lim = 1n << BigInt(8 * size);
            const sv = s64(v);
            if (!(sv >= -(lim / 2n) && sv < lim)) {
              const t = v & (lim - 1n);
              this.warn(`value 0x${v.toString(16)} truncated to 0x${t.toString(16)}`, a.col, a.col + a.text.length);
            }
          }
          for (let b = 0; b < size; b++) bytes[i * size + b] = Number((v >> BigInt(8 * b)) & 0xffn);
        } else {
          fixups.push({ offset: i * size, size, pcRelative: false, signed: false, expr: e, loc: { ...this.loc, col: a.col, endCol: a.col + a.text.length } });
        }
      } catch (err) {
        this.exprError(err);
      }
    });
    this.emitData(bytes, fixups, false);
  }

  // ---- instructions ------------------------------------------------------------------------

  private instruction(word: string, rest: string, restCol: number, col: number): void {
    const prefixes: string[] = [];
    let mnemonic = word.toLowerCase();
    let opsText = rest;
    let opsCol = restCol;
    let mnemonicCol = col;
    // prefixes written as words before the mnemonic
    while (PREFIXES.has(mnemonic)) {
      const t = opsText.trimStart();
      const m = /^[A-Za-z_.][\w.]*/.exec(t);
      if (!m) break;
      prefixes.push(mnemonic);
      mnemonicCol = opsCol + (opsText.length - t.length);
      mnemonic = m[0].toLowerCase();
      opsText = t.slice(m[0].length);
      opsCol = mnemonicCol + m[0].length;
    }
    if (PREFIXES.has(mnemonic) && opsText.trim() === '') {
      // a prefix on its own (`rep; movsb` or `lock` on a line by itself): its byte
      this.emitData(new Uint8Array([PREFIX_BYTE[mnemonic]]), [], true);
      return;
    }
    if (!this.encode) return; // analysis only
    const isBranch = BRANCH_RELAXABLE.test(mnemonic) || BRANCH_REL8_ONLY.test(mnemonic) || BRANCH_CALL.test(mnemonic);
    const isIO = /^(in|out|ins|outs)[bwl]?$/.test(mnemonic);
    const parsed: AsmOperand[] = [];
    for (const o of splitOperands(opsText, opsCol)) {
      if (o.text === '') { this.error('missing operand', this.loc, o.col); return; }
      if (isIO && /^\(\s*%dx\s*\)$/i.test(o.text)) { parsed.push(lookupRegister('dx')!); continue; }
      try {
        const p = this.syntax === 'att'
          ? parseAttOperand(o.text, o.col, isBranch, this.valueOf)
          : parseIntelOperand(o.text, o.col, isBranch, this.valueOf, (e) => this.constantNow(this.prepareQuiet(e)) !== undefined);
        if (p.op.kind === 'rel') p.op = { kind: 'rel', value: { ref: this.prepare(p.op.value.ref as Expr) } };
        if (p.indirect && !isBranch) this.warn(`'*' on an operand of '${mnemonic}' is ignored`, o.col);
        parsed.push(p.op);
      } catch (err) {
        this.exprError(err);
        return;
      }
    }
    // AT&T lists operands in reverse Intel order, except `enter` (imm16, imm8 in both syntaxes)
    const operands = this.syntax === 'att' && !/^enter[wq]?$/.test(mnemonic) ? parsed.reverse() : parsed;
    // like GNU as, an explicit segment override equal to the default segment emits no prefix
    for (const o of operands) if (o.kind === 'mem' && o.seg !== null && o.seg === defaultSegment(o)) o.seg = null;
    // `movabsq $imm, %reg` and friends: the register already gives the size the suffix states
    if (this.syntax === 'att' && /^movabs[bwlq]$/.test(mnemonic) && operands.some((o) => o.kind === 'reg')) mnemonic = 'movabs';
    // Intel `ins WORD PTR es:[rdi],dx`: the size lives on the memory operand; say it in the mnemonic
    if (this.syntax === 'intel' && mnemonic === 'ins') {
      const m = operands.find((o) => o.kind === 'mem');
      if (m?.kind === 'mem' && m.size && m.size <= 4) mnemonic = 'ins' + ({ 1: 'b', 2: 'w', 4: 'l' } as Record<number, string>)[m.size];
    }
    const req: EncodeRequest = { mnemonic, operands, syntax: this.syntax };
    if (prefixes.length) req.prefixes = prefixes as EncodeRequest['prefixes'];
    const rel = operands.find((o) => o.kind === 'rel');
    const fail = (r: EncodeResult & { ok: false }) => this.error(r.error, this.loc, mnemonicCol, this.loc.endCol);
    const toFixups = (r: EncodeResult & { ok: true }): DataFixup[] =>
      r.fixups.map((f) => ({ offset: f.offset, size: f.size, pcRelative: f.pcRelative, signed: f.signed, expr: f.ref as Expr, loc: this.loc }));
    if (rel && rel.kind === 'rel') {
      const target = rel.value.ref as Expr;
      const long = this.safeEncode({ ...req, branchSize: 4 });
      const rel8Only = BRANCH_REL8_ONLY.test(mnemonic);
      if (BRANCH_CALL.test(mnemonic) || (!rel8Only && long.ok && !BRANCH_RELAXABLE.test(mnemonic))) {
        if (!long.ok) { fail(long); return; }
        this.emitData(long.bytes, toFixups(long), true);
        return;
      }
      const short = this.safeEncode({ ...req, branchSize: 1 });
      if (rel8Only) {
        if (!short.ok) { fail(short); return; }
        this.emitData(short.bytes, toFixups(short), true);
        return;
      }
      if (!long.ok) { fail(long); return; }
      if (!short.ok) { fail(short); return; }
      this.pushItem({
        kind: 'branch', loc: this.loc, target, useLong: false,
        short: { bytes: short.bytes, fixups: toFixups(short) },
        long: { bytes: long.bytes, fixups: toFixups(long) },
      });
      return;
    }
    const r = this.safeEncode(req);
    if (!r.ok) { fail(r); return; }
    this.emitData(r.bytes, toFixups(r), true);
  }

  private prepareQuiet(e: Expr): Expr {
    const n = this.references.length;
    const p = this.prepare(e);
    this.references.length = n;
    return p;
  }

  private safeEncode(req: EncodeRequest): EncodeResult {
    try {
      return this.encode!(req);
    } catch (err) {
      return { ok: false, error: `cannot encode '${req.mnemonic}': ${(err as Error)?.message ?? err}` };
    }
  }

  // ---- layout (after pass one) -------------------------------------------------------------

  /** Value of a place once sections are laid out, relative to its section's start. */
  sectionResolver(depth = 0): { sym: (e: Extract<Expr, { k: 'sym' }>) => Value | undefined; pos: (p: Position) => Value } {
    const pos = (p: Position): Value => ({ sec: p.section, off: BigInt(this.sections.get(p.section)!.offsets[p.item] ?? 0) });
    return {
      pos,
      sym: (e) => {
        const s = this.symbols.get(e.name);
        if (s?.kind === 'label') return pos(s.pos!);
        if (s?.kind === 'equ' && depth < 50) return evaluate(s.expr!, this.sectionResolver(depth + 1));
        const d = this.opts.defsym?.[e.name];
        if (d !== undefined && (!s || s.kind === 'undefined')) return { sec: null, off: u64(d) };
        return undefined;
      },
    };
  }

  private computeOffsets(s: Section): void {
    const offs: number[] = new Array(s.items.length + 1);
    let off = 0;
    s.items.forEach((it, i) => {
      offs[i] = off;
      switch (it.kind) {
        case 'bytes': off += it.bytes.length; break;
        case 'branch': off += it.useLong ? it.long.bytes.length : it.short!.bytes.length; break;
        case 'align': {
          const pad = (it.align - (off % it.align)) % it.align;
          it.size = it.maxSkip > 0 && pad > it.maxSkip ? 0 : pad;
          off += it.size;
          break;
        }
        case 'space': off += it.size; break;
      }
    });
    offs[s.items.length] = off;
    s.offsets = offs;
  }

  /** Branch relaxation as GNU as does it: every jmp/jcc starts short and grows when it must. */
  layout(): void {
    const branches: { s: Section; i: number; it: Extract<Item, { kind: 'branch' }> }[] = [];
    const spaces: { s: Section; i: number; it: Extract<Item, { kind: 'space' }> }[] = [];
    for (const s of this.sections.values()) {
      s.items.forEach((it, i) => {
        if (it.kind === 'branch') branches.push({ s, i, it });
        if (it.kind === 'space') spaces.push({ s, i, it });
      });
    }
    // a branch can be short only to a place in its own section that cannot be preempted (not weak)
    for (const b of branches) {
      const syms = exprSymbols(b.it.target);
      if (syms.some((x) => this.symbols.get(x.name)?.binding === 'weak')) { b.it.useLong = true; continue; }
      const s = this.symbols.get(syms[0]?.name ?? '');
      if (!s || s.kind !== 'label' || s.pos!.section !== b.s.name) { b.it.useLong = true; continue; }
    }
    for (let iter = 0; iter < 1000; iter++) {
      for (const s of this.sections.values()) this.computeOffsets(s);
      let changed = false;
      for (const sp of spaces) {
        let n = 0;
        try {
          const v = evaluate(sp.it.count, this.sectionResolver());
          const want = sp.it.org ? this.orgSize(v, sp.s, sp.i) : v && v.sec === null ? v.off : -1n;
          if (want !== undefined && s64(want) >= 0n && want < BigInt(MAX_SECTION_BYTES)) n = Number(want);
        } catch { /* reported below */ }
        if (n !== sp.it.size) { sp.it.size = n; changed = true; }
      }
      for (const b of branches) {
        if (b.it.useLong) continue;
        let ok = false;
        try {
          const v = evaluate(b.it.target, this.sectionResolver());
          if (v && v.sec === b.s.name) {
            const end = b.s.offsets[b.i] + b.it.short!.bytes.length;
            const d = s64(v.off) - BigInt(end);
            ok = d >= -128n && d <= 127n;
          }
        } catch { /* long form; the linker reports bad expressions */ }
        if (!ok) { b.it.useLong = true; changed = true; }
      }
      if (!changed) break;
    }
    for (const sp of spaces) {
      this.loc = sp.it.loc;
      try {
        const v = evaluate(sp.it.count, this.sectionResolver());
        if (sp.it.org) {
          const want = this.orgSize(v, sp.s, sp.i);
          if (want === undefined) this.error('.org target must be absolute or in the current section');
          else if (s64(want) < 0n) this.error('attempt to move .org backwards');
          else if (want >= BigInt(MAX_SECTION_BYTES)) this.error('.org target is too far');
        } else if (!v || v.sec !== null) this.error('.skip size must be an absolute expression');
        else if (s64(v.off) < 0n) this.error('.skip size is negative');
      } catch (err) { this.exprError(err); }
    }
  }

  /** How far a .org item must pad: its target's offset in the section minus where the item starts. */
  private orgSize(v: Value | undefined, s: Section, i: number): bigint | undefined {
    if (!v || (v.sec !== null && v.sec !== s.name)) return undefined;
    return BigInt.asUintN(64, v.off - BigInt(s.offsets[i]));
  }

  /** Bytes for an align item at its laid-out size. */
  static alignBytes(s: Section, it: Extract<Item, { kind: 'align' }>): Uint8Array {
    if (it.fill !== null) return new Uint8Array(it.size).fill(it.fill);
    if (s.flags.includes('x')) return nopPadding(it.size);
    return new Uint8Array(it.size);
  }
}

/** Parses text into tokens for callers that want to re-use expression parsing (language server). */
export { tokenize, parseExpr };

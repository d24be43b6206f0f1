// Operand parsing for both syntaxes into the encoder's AsmOperand shapes (Intel order is the
// caller's job for AT&T: it reverses the list).
import type { AsmOperand, AsmMemOperand, SegNum, Size, Symbolic } from '../isa/types';
import { RIP } from '../isa/types';
import { Expr, ExprError, parseExprText } from './expr';
import { lookupRegister, isRipName } from './regs';

/** Turns an expression into the encoder's value: a number when known now, else a Symbolic. */
export type ValueOf = (e: Expr, col: number) => bigint | Symbolic;

export interface ParsedOperand {
  op: AsmOperand;
  /** AT&T `*` before a jmp/call operand */
  indirect: boolean;
}

const SEGS: Record<string, SegNum> = { es: 0, cs: 1, ss: 2, ds: 3, fs: 4, gs: 5 };

/** Does this trailing "(...)" hold registers (AT&T base/index) rather than a parenthesised expression? */
function isRegisterGroup(inner: string): boolean {
  const t = inner.trim();
  return t === '' || t.startsWith('%') || t.startsWith(',');
}

/** Finds the index of the '(' that opens the final parenthesised group of `s`, or -1. */
function lastGroupStart(s: string): number {
  if (!s.endsWith(')')) return -1;
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    if (s[i] === ')') depth++;
    else if (s[i] === '(') { depth--; if (depth === 0) return i; }
  }
  return -1;
}

function exprOf(text: string, col: number): Expr {
  return parseExprText(text, col);
}

/** One AT&T operand. `branch`: the mnemonic takes a relative target (jmp/jcc/call/loop). */
export function parseAttOperand(text: string, col: number, branch: boolean, valueOf: ValueOf): ParsedOperand {
  let s = text;
  let c = col;
  let indirect = false;
  if (s.startsWith('*')) {
    indirect = true;
    const rest = s.slice(1);
    c += 1 + (rest.length - rest.trimStart().length);
    s = rest.trim();
  }
  if (s.startsWith('$')) {
    const e = exprOf(s.slice(1), c + 1);
    return { op: { kind: 'imm', value: valueOf(e, c + 1) }, indirect };
  }
  let seg: SegNum | null = null;
  const segMatch = /^%(es|cs|ss|ds|fs|gs)\s*:/i.exec(s);
  if (segMatch) {
    seg = SEGS[segMatch[1].toLowerCase()];
    const rest = s.slice(segMatch[0].length);
    c += segMatch[0].length + (rest.length - rest.trimStart().length);
    s = rest.trim();
    if (s === '') throw new ExprError('missing memory operand after segment override', c);
  }
  if (seg === null && /^%[A-Za-z0-9]+$/.test(s)) {
    const name = s.slice(1);
    const r = lookupRegister(name);
    if (!r) throw new ExprError(`bad register name '${s}'`, c, c + s.length);
    return { op: r, indirect };
  }
  // memory: [disp](base,index,scale) or an expression (absolute address / branch target)
  const g = lastGroupStart(s);
  let dispText = s;
  let mem: AsmMemOperand = { kind: 'mem', seg, base: null, index: null, scale: 1, disp: 0n };
  if (g >= 0 && isRegisterGroup(s.slice(g + 1, -1))) {
    dispText = s.slice(0, g).trim();
    const inner = s.slice(g + 1, -1);
    const parts = inner.split(',');
    if (parts.length > 3) throw new ExprError('too many parts in memory operand', c + g);
    let pcol = c + g + 1;
    const regAt = (p: string, pc: number) => {
      const t = p.trim();
      const lead = p.length - p.trimStart().length;
      if (!t.startsWith('%')) throw new ExprError(`expected a register, found '${t}'`, pc + lead, pc + lead + Math.max(1, t.length));
      return { name: t.slice(1), col: pc + lead, end: pc + lead + t.length };
    };
    let addr32 = false;
    if (parts[0].trim() !== '') {
      const b = regAt(parts[0], pcol);
      if (isRipName(b.name)) { mem.base = RIP; if (b.name.toLowerCase() === 'eip') addr32 = true; }
      else {
        const r = lookupRegister(b.name);
        if (!r || r.cls !== 'gpr' || (r.size !== 8 && r.size !== 4)) throw new ExprError(`'%${b.name}' is not a valid base register`, b.col, b.end);
        mem.base = r.num;
        if (r.size === 4) addr32 = true;
      }
    }
    pcol += parts[0].length + 1;
    if (parts.length >= 2) {
      if (parts[1].trim() !== '') {
        const x = regAt(parts[1], pcol);
        const r = lookupRegister(x.name);
        if (!r || r.cls !== 'gpr' || (r.size !== 8 && r.size !== 4) || r.num === 4) throw new ExprError(`'%${x.name}' is not a valid index register`, x.col, x.end);
        mem.index = r.num;
        if (r.size === 4) addr32 = true;
      }
      pcol += parts[1].length + 1;
    }
    if (parts.length === 3) {
      const t = parts[2].trim();
      if (t !== '') {
        const scale = Number(t);
        if (scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8) throw new ExprError(`scale factor of '${t}' must be 1, 2, 4 or 8`, pcol);
        mem.scale = scale;
      }
    }
    if (addr32) mem.addr32 = true;
    if (dispText !== '') mem.disp = valueOf(exprOf(dispText, c), c);
    return { op: mem, indirect };
  }
  const e = exprOf(s, c);
  if (branch && !indirect && seg === null) return { op: { kind: 'rel', value: { ref: e } }, indirect };
  mem.disp = valueOf(e, c);
  return { op: mem, indirect };
}

const PTR_SIZES: Record<string, Size> = { byte: 1, word: 2, dword: 4, qword: 8 };

/** One Intel-syntax operand (`.intel_syntax noprefix`). */
export function parseIntelOperand(
  text: string, col: number, branch: boolean, valueOf: ValueOf, isConstant: (e: Expr) => boolean,
): ParsedOperand {
  let s = text;
  let c = col;
  const skip = (n: number) => {
    const rest = s.slice(n);
    c += n + (rest.length - rest.trimStart().length);
    s = rest.trim();
  };
  let size: Size | undefined;
  const ptr = /^(byte|word|dword|qword)\s+(ptr\b)?/i.exec(s);
  if (ptr) { size = PTR_SIZES[ptr[1].toLowerCase()]; skip(ptr[0].length); }
  if (/^offset\b/i.test(s)) {
    skip(6);
    return { op: { kind: 'imm', value: valueOf(exprOf(s, c), c) }, indirect: false };
  }
  const reg = /^%?([A-Za-z][A-Za-z0-9]*)$/.exec(s);
  if (reg && !size) {
    const r = lookupRegister(reg[1]);
    if (r) return { op: r, indirect: false };
  }
  let seg: SegNum | null = null;
  const segm = /^%?(es|cs|ss|ds|fs|gs)\s*:/i.exec(s);
  if (segm) { seg = SEGS[segm[1].toLowerCase()]; skip(segm[0].length); }
  const open = s.indexOf('[');
  if (open < 0) {
    const e = exprOf(s, c);
    if (branch && !size && seg === null) return { op: { kind: 'rel', value: { ref: e } }, indirect: false };
    if (!size && seg === null && isConstant(e)) return { op: { kind: 'imm', value: valueOf(e, c) }, indirect: false };
    const mem: AsmMemOperand = { kind: 'mem', seg, base: null, index: null, scale: 1, disp: valueOf(e, c) };
    if (size) mem.size = size;
    return { op: mem, indirect: false };
  }
  const close = s.lastIndexOf(']');
  if (close < open) throw new ExprError("missing ']'", c + s.length);
  // displacement written before the bracket (`disp[rax]`) or after (`[rax]+8`) joins the inner terms
  const outside = (s.slice(0, open) + ' ' + s.slice(close + 1)).trim();
  const inner = s.slice(open + 1, close);
  const mem: AsmMemOperand = { kind: 'mem', seg, base: null, index: null, scale: 1, disp: 0n };
  if (size) mem.size = size;
  // split the inner text into signed terms at top-level + and -
  const terms: { sign: string; text: string; col: number }[] = [];
  let depth = 0;
  let start = 0;
  let sign = '+';
  const base = c + open + 1;
  for (let i = 0; i <= inner.length; i++) {
    const ch = inner[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (i === inner.length || (depth === 0 && (ch === '+' || ch === '-') && inner.slice(start, i).trim() !== '')) {
      const raw = inner.slice(start, i);
      terms.push({ sign, text: raw.trim(), col: base + start + (raw.length - raw.trimStart().length) });
      if (i < inner.length) { sign = ch; start = i + 1; }
    }
  }
  const dispParts: string[] = [];
  let addr32 = false;
  for (const t of terms) {
    const scaled = /^%?([A-Za-z][A-Za-z0-9]*)\s*\*\s*(\d+)$/.exec(t.text) ?? /^(\d+)\s*\*\s*%?([A-Za-z][A-Za-z0-9]*)$/.exec(t.text);
    if (scaled) {
      const [name, sc] = /^\d/.test(scaled[1]) ? [scaled[2], scaled[1]] : [scaled[1], scaled[2]];
      const r = lookupRegister(name);
      if (r) {
        const scale = Number(sc);
        if (t.sign === '-' || r.cls !== 'gpr' || (r.size !== 8 && r.size !== 4) || r.num === 4) throw new ExprError(`'${name}' is not a valid index register`, t.col);
        if (scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8) throw new ExprError(`scale factor of '${sc}' must be 1, 2, 4 or 8`, t.col);
        if (mem.index !== null) throw new ExprError('two index registers', t.col);
        mem.index = r.num;
        mem.scale = scale;
        if (r.size === 4) addr32 = true;
        continue;
      }
    }
    const plain = /^%?([A-Za-z][A-Za-z0-9]*)$/.exec(t.text);
    if (plain && (lookupRegister(plain[1]) || isRipName(plain[1]))) {
      if (t.sign === '-') throw new ExprError('a register cannot be subtracted', t.col);
      if (isRipName(plain[1])) {
        if (mem.base !== null) throw new ExprError('rip cannot be combined with other registers', t.col);
        mem.base = RIP;
        continue;
      }
      const r = lookupRegister(plain[1])!;
      if (r.cls !== 'gpr' || (r.size !== 8 && r.size !== 4)) throw new ExprError(`'${plain[1]}' cannot be used for addressing`, t.col);
      if (r.size === 4) addr32 = true;
      if (mem.base === null) mem.base = r.num;
      else if (mem.index === null) mem.index = r.num;
      else throw new ExprError('too many registers in memory operand', t.col);
      continue;
    }
    dispParts.push(`${t.sign}(${t.text})`);
  }
  if (addr32) mem.addr32 = true;
  if (outside !== '') dispParts.push(`+(${outside})`);
  if (dispParts.length) {
    // columns inside the rebuilt text are approximate: point at the bracket
    const e = exprOf(dispParts.join(''), 0);
    shiftCols(e, c + open);
    mem.disp = valueOf(e, c + open);
  }
  return { op: mem, indirect: false };
}

/** Moves every symbol's column so diagnostics on a rebuilt expression point near the original. */
function shiftCols(e: Expr, col: number): void {
  if (e.k === 'sym') { e.endCol = col + (e.endCol - e.col); e.col = col; }
  else if (e.k === 'un') shiftCols(e.a, col);
  else if (e.k === 'bin') { shiftCols(e.a, col); shiftCols(e.b, col); }
}

/** Splits operands at commas outside parentheses/brackets. */
export function splitOperands(text: string, base: number): { text: string; col: number }[] {
  const out: { text: string; col: number }[] = [];
  if (text.trim() === '') return out;
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    if (ch === '"') { i++; while (i < text.length && text[i] !== '"') i++; continue; }
    if (ch === "'") {
      // a character literal: 'a, 'a' or '\n' — skip it whole so its quote or a quoted ',' does not split
      i += text[i + 1] === '\\' ? 2 : 1;
      if (text[i + 1] === "'") i++;
      continue;
    }
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    if (i === text.length || (ch === ',' && depth === 0)) {
      const raw = text.slice(start, i);
      out.push({ text: raw.trim(), col: base + start + (raw.length - raw.trimStart().length) });
      start = i + 1;
    }
  }
  return out;
}

// Expressions as GNU as reads them: tokens, a precedence-climbing parser and an evaluator.
// Precedence (measured against `as` 2.40, highest first):
//   unary - ~ ! +   |   * / % << >>   |   | & ^ ! (or-not)   |   + -   |   == != <> < > <= >=   |   &&   |   ||
// Arithmetic is 64-bit two's complement; / % and comparisons are signed, >> is logical; true is -1.

export type Expr =
  | { k: 'num'; v: bigint }
  /** a symbol by name; `col` is the 0-based column in the line (for diagnostics/references) */
  | { k: 'sym'; name: string; col: number; endCol: number }
  /** a location in a section (`.`, or a label captured when an equate was defined) */
  | { k: 'pos'; pos: Position }
  | { k: 'un'; op: string; a: Expr }
  | { k: 'bin'; op: string; a: Expr; b: Expr };

/** A place inside a file's section: the item it precedes, and where that is within its fixed-size run. */
export interface Position {
  section: string;
  item: number;
  /** run of fixed-size items it belongs to; differences inside one run are known before layout */
  frag: number;
  fragOffset: number;
}

/** A value: absolute (sec null) or an offset relative to a section base (sec = key of that base). */
export interface Value {
  sec: string | null;
  off: bigint;
}

export const MASK64 = (1n << 64n) - 1n;
export const u64 = (v: bigint): bigint => v & MASK64;
export const s64 = (v: bigint): bigint => BigInt.asIntN(64, v);

export class ExprError extends Error {
  constructor(message: string, public col: number, public endCol: number = col + 1) {
    super(message);
  }
}

// ---- tokens ------------------------------------------------------------------------------------

export interface Token {
  t: 'num' | 'id' | 'op' | 'str' | 'reg';
  s: string;
  v?: bigint;
  col: number;
  end: number;
}

const ID_START = /[A-Za-z_.$]/;
const ID_CHAR = /[A-Za-z0-9_.$@]/;

export function isIdStart(c: string): boolean {
  return ID_START.test(c);
}
export function isIdChar(c: string): boolean {
  return ID_CHAR.test(c);
}

/** Reads a character escape at text[i] (just after the backslash); returns [code, next index]. */
export function readEscape(text: string, i: number): [number, number] {
  const c = text[i];
  switch (c) {
    case 'n': return [10, i + 1];
    case 't': return [9, i + 1];
    case 'r': return [13, i + 1];
    case 'b': return [8, i + 1];
    case 'f': return [12, i + 1];
    case 'v': return [11, i + 1];
    case 'a': return [7, i + 1];
    case 'e': return [27, i + 1];
    case 'x': case 'X': {
      let j = i + 1;
      let v = 0;
      while (j < text.length && /[0-9a-fA-F]/.test(text[j])) v = (v * 16 + parseInt(text[j++], 16)) & 0xff;
      return [v, j];
    }
    default:
      if (c !== undefined && c >= '0' && c <= '7') {
        let j = i;
        let v = 0;
        while (j < text.length && j < i + 3 && text[j] >= '0' && text[j] <= '7') v = v * 8 + (text.charCodeAt(j++) - 48);
        return [v & 0xff, j];
      }
      return [c === undefined ? 92 : c.charCodeAt(0), i + 1];
  }
}

const OPS3 = ['<<', '>>', '==', '!=', '<>', '<=', '>=', '&&', '||'];

/**
 * Splits an expression text into tokens. `base` is the column of text[0] in the source line.
 * Numeric local label references (`1b`, `2f`) come out as 'id' tokens `1b`/`2f`.
 */
export function tokenize(text: string, base = 0): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    const start = i;
    if (c >= '0' && c <= '9') {
      let j = i;
      while (j < text.length && /[0-9A-Za-z_]/.test(text[j])) j++;
      const word = text.slice(i, j);
      let v: bigint | undefined;
      if (/^[0-9]+[bf]$/.test(word) && !/^0b[01]+$/i.test(word)) {
        out.push({ t: 'id', s: word, col: base + start, end: base + j });
        i = j;
        continue;
      }
      if (/^0x[0-9a-f]+$/i.test(word)) v = BigInt(word);
      else if (/^0b[01]+$/i.test(word)) v = BigInt(word);
      else if (/^0[0-7]*$/.test(word)) v = word.length > 1 ? BigInt('0o' + word.slice(1)) : 0n;
      else if (/^[1-9][0-9]*$/.test(word)) v = BigInt(word);
      if (v === undefined) throw new ExprError(`invalid number '${word}'`, base + start, base + j);
      out.push({ t: 'num', s: word, v: u64(v), col: base + start, end: base + j });
      i = j;
      continue;
    }
    if (c === "'") {
      // character literal: 'a, 'a' and '\n all mean the character's code
      let code: number;
      let j: number;
      if (text[i + 1] === '\\') [code, j] = readEscape(text, i + 2);
      else if (i + 1 < text.length) { code = text.charCodeAt(i + 1); j = i + 2; }
      else throw new ExprError('missing character after quote', base + i);
      if (text[j] === "'") j++;
      out.push({ t: 'num', s: text.slice(i, j), v: BigInt(code), col: base + start, end: base + j });
      i = j;
      continue;
    }
    if (c === '%' && i + 1 < text.length && /[A-Za-z]/.test(text[i + 1]) && (out.length === 0 || out[out.length - 1].t === 'op')) {
      // a register inside an expression context (only meaningful to callers that accept it)
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9]/.test(text[j])) j++;
      out.push({ t: 'reg', s: text.slice(i + 1, j).toLowerCase(), col: base + start, end: base + j });
      i = j;
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdChar(text[j])) j++;
      out.push({ t: 'id', s: text.slice(i, j), col: base + start, end: base + j });
      i = j;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out.push({ t: 'str', s: text.slice(i, j + 1), col: base + start, end: base + j + 1 });
      i = j + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (OPS3.includes(two)) { out.push({ t: 'op', s: two, col: base + i, end: base + i + 2 }); i += 2; continue; }
    if ('+-*/%&|^!~()<>,=[]:'.includes(c)) { out.push({ t: 'op', s: c, col: base + i, end: base + i + 1 }); i++; continue; }
    throw new ExprError(`unexpected character '${c}' in expression`, base + i);
  }
  return out;
}

// ---- parser -------------------------------------------------------------------------------------

const RANK: Record<string, number> = {
  '||': 1, '&&': 2,
  '==': 3, '!=': 3, '<>': 3, '<': 3, '>': 3, '<=': 3, '>=': 3,
  '+': 4, '-': 4,
  '|': 5, '&': 5, '^': 5, '!': 5,
  '*': 6, '/': 6, '%': 6, '<<': 6, '>>': 6,
};

/** Parses tokens[pos..] as one expression; returns it and the index after it. */
export function parseExpr(tokens: Token[], pos: number, lineEnd: number): [Expr, number] {
  let p = pos;
  const peek = () => tokens[p];
  function primary(): Expr {
    const t = tokens[p];
    if (!t) throw new ExprError('missing expression', lineEnd);
    if (t.t === 'num') { p++; return { k: 'num', v: t.v! }; }
    if (t.t === 'id') { p++; return { k: 'sym', name: t.s, col: t.col, endCol: t.end }; }
    if (t.t === 'op' && t.s === '(') {
      p++;
      const e = binary(0);
      const close = tokens[p];
      if (!close || close.s !== ')') throw new ExprError("missing ')'", close ? close.col : lineEnd);
      p++;
      return e;
    }
    if (t.t === 'op' && (t.s === '-' || t.s === '~' || t.s === '!' || t.s === '+')) {
      p++;
      const a = primary();
      return t.s === '+' ? a : { k: 'un', op: t.s, a };
    }
    throw new ExprError(`unexpected '${t.s}' in expression`, t.col, t.end);
  }
  function binary(minRank: number): Expr {
    let left = primary();
    for (;;) {
      const t = peek();
      if (!t || t.t !== 'op') break;
      const r = RANK[t.s];
      if (r === undefined || r <= minRank) break;
      p++;
      const right = binary(r);
      left = { k: 'bin', op: t.s, a: left, b: right };
    }
    return left;
  }
  const e = binary(0);
  return [e, p];
}

/** Parses a whole text as one expression. */
export function parseExprText(text: string, base = 0): Expr {
  const toks = tokenize(text, base);
  const [e, p] = parseExpr(toks, 0, base + text.length);
  if (p < toks.length) throw new ExprError(`junk '${toks[p].s}' after expression`, toks[p].col, toks[p].end);
  return e;
}

// ---- evaluation -------------------------------------------------------------------------------

export type Resolver = {
  sym(e: Extract<Expr, { k: 'sym' }>): Value | undefined;
  pos(p: Position): Value;
};

/** Evaluates; returns undefined when a symbol is not (yet) known. Throws ExprError on bad operands. */
export function evaluate(e: Expr, r: Resolver): Value | undefined {
  switch (e.k) {
    case 'num': return { sec: null, off: e.v };
    case 'sym': return r.sym(e);
    case 'pos': return r.pos(e.pos);
    case 'un': {
      const a = evaluate(e.a, r);
      if (!a) return undefined;
      if (a.sec !== null) throw new ExprError(`unary '${e.op}' needs an absolute value`, exprCol(e));
      if (e.op === '-') return { sec: null, off: u64(-a.off) };
      if (e.op === '~') return { sec: null, off: u64(~a.off) };
      return { sec: null, off: a.off === 0n ? MASK64 : 0n };
    }
    case 'bin': {
      const a = evaluate(e.a, r);
      const b = evaluate(e.b, r);
      if (!a || !b) return undefined;
      if (e.op === '+') {
        if (a.sec !== null && b.sec !== null) throw new ExprError('cannot add two relocatable values', exprCol(e));
        return { sec: a.sec ?? b.sec, off: u64(a.off + b.off) };
      }
      if (e.op === '-') {
        if (b.sec === null) return { sec: a.sec, off: u64(a.off - b.off) };
        if (a.sec === b.sec) return { sec: null, off: u64(a.off - b.off) };
        // difference of values in different sections (or not yet laid out): not known here
        throw new NotConstant();
      }
      if (a.sec !== null || b.sec !== null) {
        if ((e.op === '==' || e.op === '!=') && a.sec === b.sec) {
          // comparing two places in the same section is fine
        } else throw new ExprError(`operator '${e.op}' needs absolute values`, exprCol(e));
      }
      return { sec: null, off: u64(binop(e.op, a.off, b.off, exprCol(e))) };
    }
  }
}

/** Thrown when a subtraction of two places is not known yet (callers treat it as "not constant"). */
export class NotConstant extends Error {
  constructor() { super('not constant'); }
}

function binop(op: string, a: bigint, b: bigint, col: number): bigint {
  const T = MASK64;
  switch (op) {
    case '*': return a * b;
    case '/': if (b === 0n) throw new ExprError('division by zero', col); return s64(a) / s64(b);
    case '%': if (b === 0n) throw new ExprError('division by zero', col); return s64(a) % s64(b);
    case '<<': return b >= 64n ? 0n : a << b;
    case '>>': return b >= 64n ? 0n : a >> b;
    case '|': return a | b;
    case '&': return a & b;
    case '^': return a ^ b;
    case '!': return a | (~b & T);
    case '==': return a === b ? T : 0n;
    case '!=': case '<>': return a !== b ? T : 0n;
    case '<': return s64(a) < s64(b) ? T : 0n;
    case '>': return s64(a) > s64(b) ? T : 0n;
    case '<=': return s64(a) <= s64(b) ? T : 0n;
    case '>=': return s64(a) >= s64(b) ? T : 0n;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
  }
  throw new ExprError(`unknown operator '${op}'`, col);
}

/** Leftmost column of an expression (for diagnostics), or 0. */
export function exprCol(e: Expr): number {
  switch (e.k) {
    case 'sym': return e.col;
    case 'un': return exprCol(e.a);
    case 'bin': return exprCol(e.a);
    default: return 0;
  }
}

/** Every symbol name used in an expression. */
export function exprSymbols(e: Expr, out: Extract<Expr, { k: 'sym' }>[] = []): Extract<Expr, { k: 'sym' }>[] {
  if (e.k === 'sym') out.push(e);
  else if (e.k === 'un') exprSymbols(e.a, out);
  else if (e.k === 'bin') { exprSymbols(e.a, out); exprSymbols(e.b, out); }
  return out;
}

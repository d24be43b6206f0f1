// Expressions for watch, hover, the REPL, breakpoint conditions and logpoints: a small C-like
// language over the stopped machine. Registers (`rax`, `$rax`, `%rax`, `eax`, `al`, `$rip`,
// `$cpl`), RFLAGS bits (`$rflags.ZF`), the current task's saved frame (`pt_regs->ax`,
// `regs->orig_ax`), casts and dereferences (`*(u64 *)($rsp + 8)`, `(char *)$rsi`), symbols
// (`&entry_SYSCALL_64`, `sys_call_table[0]`), C arithmetic, comparisons and && ||.

const MASK64 = (1n << 64n) - 1n;

// ---- types ---------------------------------------------------------------------------------------

export type CType =
  | { kind: 'int'; size: 1 | 2 | 4 | 8; signed: boolean; name: string }
  | { kind: 'ptr'; to: CType; name: string }
  | { kind: 'struct'; name: 'pt_regs'; size: number }
  | { kind: 'array'; of: CType; length: number; name: string }
  | { kind: 'func'; name: string }
  | { kind: 'void'; name: 'void' };

const int = (size: 1 | 2 | 4 | 8, signed: boolean, name: string): CType => ({ kind: 'int', size, signed, name });
export const U64 = int(8, false, 'u64');
export const S64 = int(8, true, 's64');
const U8 = int(1, false, 'u8');
const CHAR = int(1, true, 'char');
const VOID: CType = { kind: 'void', name: 'void' };
export const PT_REGS_TYPE: CType = { kind: 'struct', name: 'pt_regs', size: 168 };

/** struct pt_regs (arch/x86/include/asm/ptrace.h): field name -> byte offset. */
export const PT_REGS_FIELDS: [string, number][] = [
  ['r15', 0], ['r14', 8], ['r13', 16], ['r12', 24], ['bp', 32], ['bx', 40], ['r11', 48], ['r10', 56],
  ['r9', 64], ['r8', 72], ['ax', 80], ['cx', 88], ['dx', 96], ['si', 104], ['di', 112], ['orig_ax', 120],
  ['ip', 128], ['cs', 136], ['flags', 144], ['sp', 152], ['ss', 160],
];
const PT_REGS_ALIASES: Record<string, string> = {
  rbp: 'bp', rbx: 'bx', rax: 'ax', rcx: 'cx', rdx: 'dx', rsi: 'si', rdi: 'di', orig_rax: 'orig_ax', rip: 'ip',
  eflags: 'flags', rflags: 'flags', rsp: 'sp',
};

const TYPE_WORDS: Record<string, CType> = {
  u8: U8, u16: int(2, false, 'u16'), u32: int(4, false, 'u32'), u64: U64,
  s8: int(1, true, 's8'), s16: int(2, true, 's16'), s32: int(4, true, 's32'), s64: S64,
  i8: int(1, true, 'i8'), i16: int(2, true, 'i16'), i32: int(4, true, 'i32'), i64: int(8, true, 'i64'),
  uint8_t: int(1, false, 'uint8_t'), uint16_t: int(2, false, 'uint16_t'), uint32_t: int(4, false, 'uint32_t'),
  uint64_t: int(8, false, 'uint64_t'), int8_t: int(1, true, 'int8_t'), int16_t: int(2, true, 'int16_t'),
  int32_t: int(4, true, 'int32_t'), int64_t: int(8, true, 'int64_t'), size_t: int(8, false, 'size_t'),
  ssize_t: int(8, true, 'ssize_t'), char: CHAR, short: int(2, true, 'short'), int: int(4, true, 'int'),
  long: int(8, true, 'long'), bool: int(1, false, 'bool'), void: VOID, uintptr_t: int(8, false, 'uintptr_t'),
};

function typeSize(t: CType): number {
  switch (t.kind) {
    case 'int': return t.size;
    case 'ptr': return 8;
    case 'struct': return t.size;
    case 'array': return typeSize(t.of) * t.length;
    default: return 1;
  }
}

// ---- values --------------------------------------------------------------------------------------

export type Location =
  | { kind: 'reg'; name: string }
  | { kind: 'flag'; name: string }
  | { kind: 'mem'; address: bigint };

export interface Value {
  type: CType;
  /** scalar value (unsigned 64-bit two's complement); for struct/array/func lvalues, their address */
  value: bigint;
  /** where it lives, if it can be assigned or have its address taken */
  loc?: Location;
  /** show the decimal as signed even though the type is unsigned (registers) */
  displaySigned?: boolean;
  /** why the bytes at `loc` do not hold a meaningful value (a pt_regs field not yet pushed):
   *  shown as "<why>", and an error if used in arithmetic */
  unavailable?: string;
}

/** What evaluation needs from the stopped machine. */
export interface EvalContext {
  /** canonical register name and width, or undefined; prefixed = written with $ or % */
  register(name: string, prefixed: boolean): { name: string; size: 1 | 2 | 4 | 8; readOnly: boolean } | undefined;
  readRegister(name: string): bigint;
  writeRegister(name: string, value: bigint): void;
  readFlag(name: string): bigint;
  writeFlag(name: string, value: bigint): void;
  /** bytes, null where unmapped */
  readMemory(address: bigint, length: number): (number | null)[];
  writeMemory(address: bigint, bytes: Uint8Array): boolean;
  symbol(name: string): { address: bigint; size: number; type: string; absolute?: boolean } | undefined;
  /** the current task's pt_regs address */
  ptRegsAddress(): bigint | undefined;
  /** why the current pt_regs field at byte `offset` holds no saved value ('not yet pushed',
   *  'no syscall in progress'), or undefined when it does */
  ptRegsField?(offset: number): string | undefined;
  /** "<sym+0x12>" for code/data addresses, if known */
  describeAddress?(address: bigint): string | undefined;
}

export class EvalError extends Error {}

// ---- tokens --------------------------------------------------------------------------------------

type Token =
  | { t: 'num'; v: bigint; pos: number }
  | { t: 'id'; v: string; pos: number; sigil: '' | '$' | '%' }
  | { t: 'op'; v: string; pos: number }
  | { t: 'end'; pos: number };

const OPS = ['->', '&&', '||', '==', '!=', '<=', '>=', '<<', '>>', '+', '-', '*', '/', '%', '&', '|', '^', '!', '~', '<', '>', '(', ')', '[', ']', '.', '=', ','];

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|[0-9][0-9_]*)([uUlL]*)/.exec(src.slice(i))!;
      const digits = m[1].replace(/_/g, '');
      const v = /^0[oO]/.test(digits) ? BigInt('0o' + digits.slice(2)) : BigInt(digits);
      if (i + m[0].length < src.length && /[A-Za-z0-9_]/.test(src[i + m[0].length])) {
        throw new EvalError(`bad number at column ${start + 1}: '${src.slice(i).match(/^[A-Za-z0-9_]+/)![0]}'`);
      }
      out.push({ t: 'num', v, pos: start });
      i += m[0].length;
      continue;
    }
    if (c === "'") {
      const m = /^'(\\[nrt0\\']|[^\\'])'/.exec(src.slice(i));
      if (!m) throw new EvalError(`bad character literal at column ${start + 1}`);
      const ch = m[1].length === 2 ? ({ n: '\n', r: '\r', t: '\t', '0': '\0', '\\': '\\', "'": "'" } as Record<string, string>)[m[1][1]] : m[1];
      out.push({ t: 'num', v: BigInt(ch.charCodeAt(0)), pos: start });
      i += m[0].length;
      continue;
    }
    if ((c === '$' || c === '%') && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1))!;
      out.push({ t: 'id', v: m[0], pos: start, sigil: c });
      i += 1 + m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0], pos: start, sigil: '' });
      i += m[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new EvalError(`unexpected character '${c}' at column ${start + 1}`);
    out.push({ t: 'op', v: op, pos: start });
    i += op.length;
  }
  out.push({ t: 'end', pos: src.length });
  return out;
}

// ---- syntax tree ---------------------------------------------------------------------------------

export type Node =
  | { k: 'num'; v: bigint }
  | { k: 'name'; name: string; sigil: '' | '$' | '%' }
  | { k: 'unary'; op: string; e: Node }
  | { k: 'cast'; type: CType; e: Node }
  | { k: 'binary'; op: string; l: Node; r: Node }
  | { k: 'member'; e: Node; field: string; arrow: boolean }
  | { k: 'index'; e: Node; i: Node }
  | { k: 'assign'; target: Node; value: Node };

const BINARY_LEVELS: string[][] = [
  ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
];

export function parse(src: string): Node {
  if (src.trim() === '') throw new EvalError('empty expression');
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string, at = p) => toks[at].t === 'op' && (toks[at] as { v: string }).v === v;
  const expect = (v: string) => {
    if (!isOp(v)) throw new EvalError(`expected '${v}' at column ${peek().pos + 1}${describeTok(peek())}`);
    p++;
  };
  function describeTok(t: Token): string {
    if (t.t === 'end') return ' but the expression ended';
    return ` but found '${t.t === 'num' ? t.v.toString() : (t as { v: string }).v}'`;
  }

  // A parenthesised type: ( [struct] typeword [unsigned...] *... )
  function tryCast(): CType | undefined {
    if (!isOp('(')) return undefined;
    let q = p + 1;
    const words: string[] = [];
    while (toks[q].t === 'id' && (toks[q] as { sigil: string }).sigil === '') { words.push((toks[q] as { v: string }).v); q++; }
    if (words.length === 0) return undefined;
    let stars = 0;
    while (isOp('*', q)) { stars++; q++; }
    if (!isOp(')', q)) return undefined;
    let base: CType | undefined;
    const w = words.join(' ');
    if (w === 'struct pt_regs' || (w === 'pt_regs' && stars > 0)) base = PT_REGS_TYPE;
    else if (words.length === 1) base = TYPE_WORDS[w];
    else {
      const signed = !words.includes('unsigned');
      const rest = words.filter((x) => x !== 'unsigned' && x !== 'signed' && x !== 'int');
      const size = rest.length === 0 ? 4 : rest.every((x) => x === 'long') ? 8 : rest[0] === 'short' ? 2 : rest[0] === 'char' ? 1 : 0;
      if (size && rest.length <= 2) base = int(size as 1 | 2 | 4 | 8, signed, w);
    }
    if (!base) return undefined;
    let t = base;
    for (let s = 0; s < stars; s++) t = { kind: 'ptr', to: t, name: `${t.name} *` };
    p = q + 1;
    return t;
  }

  function primary(): Node {
    const t = peek();
    if (t.t === 'num') { p++; return { k: 'num', v: t.v }; }
    if (t.t === 'id') { p++; return { k: 'name', name: t.v, sigil: t.sigil }; }
    if (isOp('(')) {
      p++;
      const e = expr();
      expect(')');
      return e;
    }
    throw new EvalError(`expected a value at column ${t.pos + 1}${describeTok(t)}`);
  }
  function postfix(): Node {
    let e = primary();
    for (;;) {
      if (isOp('->') || isOp('.')) {
        const arrow = isOp('->');
        p++;
        const f = peek();
        if (f.t !== 'id') throw new EvalError(`expected a field name after '${arrow ? '->' : '.'}' at column ${f.pos + 1}`);
        p++;
        e = { k: 'member', e, field: f.v, arrow };
      } else if (isOp('[')) {
        p++;
        const i = expr();
        expect(']');
        e = { k: 'index', e, i };
      } else return e;
    }
  }
  function unary(): Node {
    const t = peek();
    if (t.t === 'op' && ['-', '+', '!', '~', '*', '&'].includes(t.v)) {
      p++;
      return { k: 'unary', op: t.v, e: unary() };
    }
    const cast = tryCast();
    if (cast) return { k: 'cast', type: cast, e: unary() };
    return postfix();
  }
  function binary(level: number): Node {
    if (level === BINARY_LEVELS.length) return unary();
    let l = binary(level + 1);
    while (peek().t === 'op' && BINARY_LEVELS[level].includes((peek() as { v: string }).v)) {
      const op = (peek() as { v: string }).v;
      p++;
      l = { k: 'binary', op, l, r: binary(level + 1) };
    }
    return l;
  }
  function expr(): Node {
    return binary(0);
  }
  function assignment(): Node {
    const target = expr();
    if (isOp('=')) {
      p++;
      return { k: 'assign', target, value: assignment() };
    }
    return target;
  }
  const root = assignment();
  if (peek().t !== 'end') throw new EvalError(`unexpected '${(peek() as { v?: unknown }).v}' at column ${peek().pos + 1}`);
  return root;
}

// ---- evaluation ----------------------------------------------------------------------------------

function truncate(v: bigint, t: CType): bigint {
  const size = t.kind === 'int' ? t.size : 8;
  return v & ((1n << BigInt(size * 8)) - 1n);
}

/** The mathematical value of an integer of type t (signed types sign-extended). */
export function asSigned(v: bigint, t: CType): bigint {
  const size = t.kind === 'int' ? t.size : 8;
  const bits = BigInt(size * 8);
  v &= (1n << bits) - 1n;
  const signed = t.kind === 'int' ? t.signed : false;
  return signed && v >> (bits - 1n) ? v - (1n << bits) : v;
}

function readBytes(ctx: EvalContext, address: bigint, size: number): bigint {
  const bytes = ctx.readMemory(address, size);
  const bad = bytes.findIndex((b) => b === null || b === undefined);
  if (bad >= 0 || bytes.length < size) {
    const at = (address + BigInt(bad >= 0 ? bad : bytes.length)) & MASK64;
    throw new EvalError(`cannot read memory at 0x${at.toString(16)} (not mapped in the current page tables)`);
  }
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  return v;
}

function leBytes(v: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** Load the scalar behind an lvalue of a scalar type. */
function load(ctx: EvalContext, type: CType, loc: Location): bigint {
  if (loc.kind === 'reg') return ctx.readRegister(loc.name);
  if (loc.kind === 'flag') return ctx.readFlag(loc.name);
  if (type.kind === 'struct' || type.kind === 'array' || type.kind === 'func') return loc.address;
  return readBytes(ctx, loc.address, typeSize(type));
}

function scalar(v: Value, what: string): bigint {
  if (v.unavailable) throw new EvalError(`${what}: the value is ${v.unavailable}`);
  if (v.type.kind === 'struct') throw new EvalError(`${what}: a struct ${v.type.name} is not a number (pick a field, e.g. ->ax)`);
  if (v.type.kind === 'void') throw new EvalError(`${what}: a void value is not a number`);
  return v.value;
}

function memValue(ctx: EvalContext, type: CType, address: bigint): Value {
  const loc: Location = { kind: 'mem', address: address & MASK64 };
  return { type, value: load(ctx, type, loc), loc };
}

function isPointerLike(t: CType): boolean {
  return t.kind === 'ptr' || t.kind === 'array';
}

function pointee(t: CType): CType {
  if (t.kind === 'ptr') return t.to;
  if (t.kind === 'array') return t.of;
  return U64;
}

/** C's usual arithmetic conversions, simplified: the wider type wins, unsigned wins at equal width. */
function commonType(a: CType, b: CType): CType {
  const sa = a.kind === 'int' ? a.size : 8, sb = b.kind === 'int' ? b.size : 8;
  const ua = a.kind === 'int' ? !a.signed : true, ub = b.kind === 'int' ? !b.signed : true;
  const size = Math.max(sa, sb, 4) as 4 | 8;
  const unsigned = (sa >= sb && ua) || (sb >= sa && ub);
  return size === 8 ? (unsigned ? U64 : S64) : unsigned ? int(4, false, 'u32') : int(4, true, 'int');
}

const BOOL = int(4, true, 'int');
const boolValue = (b: boolean): Value => ({ type: BOOL, value: b ? 1n : 0n });

export function evaluateNode(n: Node, ctx: EvalContext): Value {
  switch (n.k) {
    case 'num': return { type: n.v > 0x7fffffffffffffffn ? U64 : S64, value: n.v & MASK64 };
    case 'name': return resolveName(n.name, n.sigil, ctx);
    case 'cast': {
      const v = evaluateNode(n.e, ctx);
      if (n.type.kind === 'struct') throw new EvalError(`cannot cast to struct ${n.type.name}; cast to a pointer ((struct pt_regs *)addr)`);
      if (n.type.kind === 'void') return { type: VOID, value: 0n };
      const raw = v.type.kind === 'int' ? asSigned(scalar(v, 'cast'), v.type) & MASK64 : scalar(v, 'cast');
      return { type: n.type, value: truncate(raw, n.type) };
    }
    case 'unary': {
      if (n.op === '&') {
        const v = evaluateNode(n.e, ctx);
        if (v.type.kind === 'func') return { type: { kind: 'ptr', to: v.type, name: 'void (*)()' }, value: v.value };
        if (!v.loc) throw new EvalError(`cannot take the address of a value that is not in memory`);
        if (v.loc.kind !== 'mem') throw new EvalError(`cannot take the address of ${v.loc.kind === 'reg' ? `register ${v.loc.name}` : `flag ${v.loc.name}`}: registers have no address`);
        return { type: { kind: 'ptr', to: v.type, name: `${v.type.name} *` }, value: v.loc.address };
      }
      if (n.op === '*') {
        const v = evaluateNode(n.e, ctx);
        const t = pointee(v.type);
        if (t.kind === 'void') throw new EvalError(`cannot dereference a void pointer; cast it first, e.g. *(u64 *)`);
        if (t.kind === 'func') throw new EvalError(`cannot dereference a function pointer`);
        return memValue(ctx, t, scalar(v, 'dereference'));
      }
      const v = evaluateNode(n.e, ctx);
      const x = scalar(v, `unary ${n.op}`);
      const t = commonType(v.type.kind === 'int' ? v.type : U64, BOOL);
      switch (n.op) {
        case '-': return { type: t, value: truncate(-asSigned(x, v.type), t) };
        case '+': return { type: t, value: truncate(x, t) };
        case '~': return { type: t, value: truncate(~x, t) };
        case '!': return boolValue(x === 0n);
      }
      throw new EvalError(`unknown operator ${n.op}`);
    }
    case 'binary': {
      if (n.op === '&&' || n.op === '||') {
        const l = scalar(evaluateNode(n.l, ctx), n.op) !== 0n;
        if (n.op === '&&' && !l) return boolValue(false);
        if (n.op === '||' && l) return boolValue(true);
        return boolValue(scalar(evaluateNode(n.r, ctx), n.op) !== 0n);
      }
      const lv = evaluateNode(n.l, ctx), rv = evaluateNode(n.r, ctx);
      const l = scalar(lv, `operator ${n.op}`), r = scalar(rv, `operator ${n.op}`);
      // Pointer arithmetic scales by the pointee's size, as in C.
      if ((n.op === '+' || n.op === '-') && isPointerLike(lv.type) && !isPointerLike(rv.type)) {
        const step = BigInt(typeSize(pointee(lv.type)) || 1);
        const off = asSigned(r, rv.type) * step;
        const t: CType = lv.type.kind === 'array' ? { kind: 'ptr', to: lv.type.of, name: `${lv.type.of.name} *` } : lv.type;
        return { type: t, value: (n.op === '+' ? l + off : l - off) & MASK64 };
      }
      if (n.op === '+' && isPointerLike(rv.type) && !isPointerLike(lv.type)) {
        const step = BigInt(typeSize(pointee(rv.type)) || 1);
        return { type: rv.type, value: (r + asSigned(l, lv.type) * step) & MASK64 };
      }
      const t = commonType(lv.type.kind === 'int' ? lv.type : U64, rv.type.kind === 'int' ? rv.type : U64);
      const signed = t.kind === 'int' && t.signed;
      const a = signed ? asSigned(l, lv.type) : truncate(asSigned(l, lv.type), t);
      const b = signed ? asSigned(r, rv.type) : truncate(asSigned(r, rv.type), t);
      const res = (x: bigint): Value => ({ type: t, value: truncate(x & MASK64, t) });
      switch (n.op) {
        case '+': return res(a + b);
        case '-': return res(a - b);
        case '*': return res(a * b);
        case '/': if (b === 0n) throw new EvalError('division by zero'); return res(a / b);
        case '%': if (b === 0n) throw new EvalError('division by zero'); return res(a % b);
        case '&': return res(a & b);
        case '|': return res(a | b);
        case '^': return res(a ^ b);
        case '<<': return res(a << (b & 63n));
        case '>>': return res(a >> (b & 63n));
        case '==': return boolValue(a === b);
        case '!=': return boolValue(a !== b);
        case '<': return boolValue(a < b);
        case '<=': return boolValue(a <= b);
        case '>': return boolValue(a > b);
        case '>=': return boolValue(a >= b);
      }
      throw new EvalError(`unknown operator ${n.op}`);
    }
    case 'member': {
      const base = evaluateNode(n.e, ctx);
      // $rflags.ZF / rflags.ZF: a bit of RFLAGS
      if (base.loc?.kind === 'reg' && base.loc.name === 'rflags') {
        const name = n.field.toUpperCase();
        try { return { type: U8, value: ctx.readFlag(name), loc: { kind: 'flag', name } }; } catch {
          throw new EvalError(`RFLAGS has no bit named '${n.field}' (try CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF VIP ID)`);
        }
      }
      // `pt_regs` names the frame itself, but people write pt_regs->ax as often as pt_regs.ax, so
      // both operators work on the struct and on a pointer to it.
      const isStruct = base.type.kind === 'struct' || (base.type.kind === 'ptr' && base.type.to.kind === 'struct');
      if (!isStruct) {
        throw new EvalError(`'${n.arrow ? '->' : '.'}${n.field}' needs a struct pt_regs or a pointer to one; cast first, e.g. ((struct pt_regs *)addr)->${n.field}`);
      }
      const structAddr = base.value;
      const field = PT_REGS_ALIASES[n.field] ?? n.field;
      const f = PT_REGS_FIELDS.find(([name]) => name === field);
      if (!f) throw new EvalError(`struct pt_regs has no field '${n.field}' (fields: ${PT_REGS_FIELDS.map(([x]) => x).join(', ')})`);
      const v: Value = { ...memValue(ctx, U64, structAddr + BigInt(f[1])), displaySigned: true };
      const why = structAddr === ctx.ptRegsAddress() ? ctx.ptRegsField?.(f[1]) : undefined;
      if (why) v.unavailable = why;
      return v;
    }
    case 'index': {
      const base = evaluateNode(n.e, ctx);
      const idx = asSigned(scalar(evaluateNode(n.i, ctx), 'index'), U64);
      if (base.type.kind === 'array' || base.type.kind === 'ptr') {
        const t = pointee(base.type);
        if (t.kind === 'void' || t.kind === 'func') throw new EvalError(`cannot index a ${base.type.name}`);
        return memValue(ctx, t, base.value + idx * BigInt(typeSize(t)));
      }
      throw new EvalError(`cannot index a value of type ${base.type.name}; cast it to a pointer first, e.g. ((u64 *)addr)[i]`);
    }
    case 'assign': {
      const target = evaluateNode(n.target, ctx);
      const v = scalar(evaluateNode(n.value, ctx), 'assignment');
      return assign(ctx, target, v);
    }
  }
}

/** Store `v` into an lvalue; returns the new value. */
export function assign(ctx: EvalContext, target: Value, v: bigint): Value {
  if (!target.loc) throw new EvalError('cannot assign to a computed value (not a register, flag or memory)');
  if (target.type.kind === 'struct' || target.type.kind === 'array' || target.type.kind === 'func') {
    throw new EvalError(`cannot assign to a whole ${target.type.name}`);
  }
  const loc = target.loc;
  if (loc.kind === 'reg') ctx.writeRegister(loc.name, v & MASK64);
  else if (loc.kind === 'flag') ctx.writeFlag(loc.name, v);
  else {
    const size = typeSize(target.type);
    if (!ctx.writeMemory(loc.address, leBytes(v, size))) throw new EvalError(`cannot write memory at 0x${loc.address.toString(16)} (not mapped)`);
  }
  return { ...target, value: load(ctx, target.type, loc), unavailable: undefined };
}

function resolveName(name: string, sigil: '' | '$' | '%', ctx: EvalContext): Value {
  const reg = ctx.register(name, sigil !== '');
  if (reg) {
    return { type: int(reg.size, false, reg.size === 8 ? 'u64' : `u${reg.size * 8}`), value: ctx.readRegister(reg.name), loc: { kind: 'reg', name: reg.name }, displaySigned: true };
  }
  if (sigil === '%') throw new EvalError(`no register named '%${name}'`);
  if (sigil === '$') {
    // AT&T's $SYMBOL is the symbol's value (hovering `$SYS_read` in `movl $SYS_read, %eax`).
    const sym = ctx.symbol(name);
    if (sym) return { type: S64, value: sym.address };
    throw new EvalError(`no register or debugger variable named '$${name}' (try $rax, $rip, $cpl, $rflags)`);
  }
  if (name === 'pt_regs') {
    const a = ctx.ptRegsAddress();
    if (a === undefined) throw new EvalError('pt_regs is not available: the kernel has not set up a task stack yet');
    return { type: PT_REGS_TYPE, value: a, loc: { kind: 'mem', address: a } };
  }
  if (name === 'regs') {
    // `regs` is the pt_regs pointer argument of the kernel's C-shaped functions. It is live when a
    // register still holds the current task's pt_regs address.
    const a = ctx.ptRegsAddress();
    const holder = a === undefined ? undefined : ['rdi', 'rsi', 'rbx', 'r12', 'r13', 'r14', 'r15', 'rbp'].find((r) => ctx.readRegister(r) === a);
    if (a === undefined || !holder) throw new EvalError(`'regs' is not live here: no register holds the pt_regs pointer (use pt_regs->field instead)`);
    return { type: { kind: 'ptr', to: PT_REGS_TYPE, name: 'struct pt_regs *' }, value: a, loc: { kind: 'reg', name: holder } };
  }
  const sym = ctx.symbol(name);
  if (sym) {
    if (sym.absolute) return { type: S64, value: sym.address }; // .set / .equ constants
    if (sym.type === 'func') return { type: { kind: 'func', name }, value: sym.address, loc: { kind: 'mem', address: sym.address } };
    if (sym.size > 8 && sym.size % 8 === 0) {
      return { type: { kind: 'array', of: U64, length: sym.size / 8, name: `u64[${sym.size / 8}]` }, value: sym.address, loc: { kind: 'mem', address: sym.address } };
    }
    return memValue(ctx, U64, sym.address);
  }
  if (TYPE_WORDS[name]) throw new EvalError(`'${name}' is a type; write a cast like (${name} *)addr`);
  throw new EvalError(`no register or symbol named '${name}'`);
}

export function evaluate(src: string, ctx: EvalContext): Value {
  return evaluateNode(parse(src), ctx);
}

/** True when a breakpoint condition holds (non-zero). */
export function isTrue(v: Value): boolean {
  return scalar(v, 'condition') !== 0n;
}

// ---- formatting ----------------------------------------------------------------------------------

/** Escape bytes the way strace prints strings. */
export function quoteBytes(bytes: number[], truncated: boolean): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x0d) s += '\\r';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + b.toString(8);
  }
  return s + '"' + (truncated ? '...' : '');
}

/** A C string at `address` (up to `max` bytes), or why it cannot be read. */
export function readCString(ctx: EvalContext, address: bigint, max = 256): string {
  const bytes = ctx.readMemory(address, max);
  const out: number[] = [];
  for (const b of bytes) {
    if (b === null) return out.length ? quoteBytes(out, false) + ' <unreadable after this>' : '<unreadable>';
    if (b === 0) return quoteBytes(out, false);
    out.push(b);
  }
  return quoteBytes(out, true);
}

/** Negative numbers this close to zero (errno values, -1) are shown signed; see formatInt. */
const SMALL_NEGATIVE = -(1n << 16n);
/** The canonical upper half: kernel addresses. */
const UPPER_HALF = 0xffff800000000000n;

/**
 * Hex, then a decimal only where it tells something. One rule for Variables, Watch, hover and
 * the REPL:
 * - explicitly signed C types (s64, long, int casts): the signed decimal at the type's width;
 * - a small negative number at the value's width (-65536..-1: errno results, -1): signed, e.g.
 *   rax = 0xffffffffffffffda (-38);
 * - a 64-bit value that looks like an address (canonical upper half, or mapped in the current
 *   page tables when `isMapped` is given): no decimal at all (its decimal means nothing);
 * - anything else: the unsigned decimal.
 */
export function formatInt(v: bigint, type: CType, displaySigned = false, isMapped?: (address: bigint) => boolean): string {
  const size = type.kind === 'int' ? type.size : 8;
  const u = v & ((1n << BigInt(size * 8)) - 1n);
  const hex = `0x${u.toString(16)}`;
  const signed = asSigned(u, int(size as 1 | 2 | 4 | 8, true, ''));
  if (type.kind === 'int' && type.signed) return `${hex} (${signed})`;
  if (signed < 0n && signed >= SMALL_NEGATIVE && (displaySigned || size === 8)) return `${hex} (${signed})`;
  if (size === 8 && (u >= UPPER_HALF || (u >= 0x1000n && isMapped?.(u)))) return hex;
  return `${hex} (${u})`;
}

/** True when the byte at `address` can be read (through the current page tables). */
export function mappedIn(ctx: EvalContext): (address: bigint) => boolean {
  return (a) => {
    const b = ctx.readMemory(a, 1)[0];
    return b !== null && b !== undefined;
  };
}

/** The text DAP shows for a value. */
export function formatValue(v: Value, ctx: EvalContext): string {
  if (v.unavailable) return `<${v.unavailable}>`;
  const t = v.type;
  switch (t.kind) {
    case 'void': return 'void';
    case 'struct': return `struct ${t.name} @ 0x${v.value.toString(16)}`;
    case 'array': return `${t.name} @ 0x${v.value.toString(16)}`;
    case 'func': return `0x${v.value.toString(16)} <${t.name}>`;
    case 'ptr': {
      const hex = `0x${v.value.toString(16)}`;
      if (t.to.kind === 'int' && t.to.size === 1) return `${hex} ${readCString(ctx, v.value)}`;
      const sym = ctx.describeAddress?.(v.value);
      return sym ? `${hex} ${sym}` : hex;
    }
    case 'int': {
      if (v.loc?.kind === 'flag') return v.value.toString();
      const s = formatInt(v.value, t, v.displaySigned, mappedIn(ctx));
      const sym = t.size === 8 ? ctx.describeAddress?.(v.value) : undefined;
      return sym ? `${s} ${sym}` : s;
    }
  }
}

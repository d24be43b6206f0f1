// Integer arithmetic and the RFLAGS bits it produces, per the Intel SDM Vol. 2 instruction pages.
//
// Every helper takes the flag holder (a CpuState, or anything with `rflags`), the operands as
// unsigned bigints already truncated to `size` bytes, and returns the truncated result while
// rewriting the status flags (CF PF AF ZF SF OF) in `f.rflags`. Nothing here allocates besides the
// bigint results themselves, so the CPU's hot loop can call them directly.
//
// Where the SDM says a flag is "undefined" we still write a deterministic value (usually what Intel
// parts do); the differential tests mask those bits (see UNDEFINED_FLAGS below).

import { F as STATE_F, type Size } from './state';

// Module-local copy: under a CommonJS transform every access to an imported binding is a getter
// call, which dominates in this hot code.
const F = { ...STATE_F };

export interface FlagHolder {
  rflags: number;
}

/** Mask of the value bits for each operand size. */
export const MASK: readonly bigint[] = [0n, 0xffn, 0xffffn, 0n, 0xffffffffn, 0n, 0n, 0n, 0xffffffffffffffffn];
/** Sign bit of each operand size. */
export const SIGN: readonly bigint[] = [0n, 0x80n, 0x8000n, 0n, 0x80000000n, 0n, 0n, 0n, 0x8000000000000000n];
/** Width in bits of each operand size (as bigint and number). */
export const BITS: readonly bigint[] = [0n, 8n, 16n, 0n, 32n, 0n, 0n, 0n, 64n];
export const BITS_N: readonly number[] = [0, 8, 16, 0, 32, 0, 0, 0, 64];

/** The six arithmetic status flags. */
export const STATUS = F.CF | F.PF | F.AF | F.ZF | F.SF | F.OF;

/** PARITY[b] is F.PF when byte b has an even number of set bits. */
const PARITY = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let ones = 0;
  for (let i = 0; i < 8; i++) ones += (b >> i) & 1;
  PARITY[b] = ones % 2 === 0 ? F.PF : 0;
}

/** ZF, SF and PF for a truncated result. */
export function szp(r: bigint, size: Size): number {
  let fl = PARITY[Number(r & 0xffn)];
  if (r === 0n) fl |= F.ZF;
  if (r & SIGN[size]) fl |= F.SF;
  return fl;
}

/** Replace the status flags named in `which` with `value`'s bits. */
function setFlags(f: FlagHolder, which: number, value: number): void {
  f.rflags = (f.rflags & ~which) | (value & which);
}

/** Interpret a truncated value as signed. */
export function toSigned(v: bigint, size: Size): bigint {
  return v & SIGN[size] ? v - MASK[size] - 1n : v;
}

// ---- add / sub family -------------------------------------------------------------------------

/** ADD / ADC (carry = incoming CF). */
export function add(f: FlagHolder, a: bigint, b: bigint, size: Size, carry = 0n): bigint {
  const full = a + b + carry;
  const r = full & MASK[size];
  let fl = szp(r, size);
  if (full > MASK[size]) fl |= F.CF;
  if ((a ^ b ^ r) & 0x10n) fl |= F.AF;
  if ((a ^ r) & (b ^ r) & SIGN[size]) fl |= F.OF;
  setFlags(f, STATUS, fl);
  return r;
}

/** SUB / SBB / CMP / NEG (borrow = incoming CF). */
export function sub(f: FlagHolder, a: bigint, b: bigint, size: Size, borrow = 0n): bigint {
  const r = (a - b - borrow) & MASK[size];
  let fl = szp(r, size);
  if (a < b + borrow) fl |= F.CF;
  if ((a ^ b ^ r) & 0x10n) fl |= F.AF;
  if ((a ^ b) & (a ^ r) & SIGN[size]) fl |= F.OF;
  setFlags(f, STATUS, fl);
  return r;
}

/** INC: like ADD 1 but CF is preserved. */
export function inc(f: FlagHolder, a: bigint, size: Size): bigint {
  const cf = f.rflags & F.CF;
  const r = add(f, a, 1n, size);
  f.rflags = (f.rflags & ~F.CF) | cf;
  return r;
}

/** DEC: like SUB 1 but CF is preserved. */
export function dec(f: FlagHolder, a: bigint, size: Size): bigint {
  const cf = f.rflags & F.CF;
  const r = sub(f, a, 1n, size);
  f.rflags = (f.rflags & ~F.CF) | cf;
  return r;
}

/** NEG: 0 - a; CF is set unless the operand was 0. */
export function neg(f: FlagHolder, a: bigint, size: Size): bigint {
  return sub(f, 0n, a, size);
}

/** AND / OR / XOR / TEST result flags: CF=OF=0, AF undefined (cleared), SZP from the result. */
export function logic(f: FlagHolder, r: bigint, size: Size): bigint {
  setFlags(f, STATUS, szp(r, size));
  return r;
}

// ---- shifts and rotates -----------------------------------------------------------------------
// `count` is the raw count operand (imm8, CL or 1); each helper applies the architectural count
// mask (5 bits, 6 for 64-bit operands). A masked count of 0 changes neither value nor flags.

export function countMask(size: Size): number {
  return size === 8 ? 0x3f : 0x1f;
}

export function shl(f: FlagHolder, a: bigint, count: number, size: Size): bigint {
  const c = count & countMask(size);
  if (c === 0) return a;
  const bits = BITS_N[size];
  const r = (a << BigInt(c)) & MASK[size];
  let fl = szp(r, size);
  // CF is the last bit shifted out (undefined by the SDM once c > width; that reads as 0 here)
  if (c <= bits && (a >> BigInt(bits - c)) & 1n) fl |= F.CF;
  // OF is defined for 1-bit shifts only: MSB(result) XOR CF
  if (((r & SIGN[size]) !== 0n) !== ((fl & F.CF) !== 0)) fl |= F.OF;
  setFlags(f, STATUS, fl);
  return r;
}

export function shr(f: FlagHolder, a: bigint, count: number, size: Size): bigint {
  const c = count & countMask(size);
  if (c === 0) return a;
  const r = a >> BigInt(c);
  let fl = szp(r, size);
  if ((a >> BigInt(c - 1)) & 1n) fl |= F.CF;
  // OF (1-bit shifts) is the original sign bit
  if (c === 1 && a & SIGN[size]) fl |= F.OF;
  setFlags(f, STATUS, fl);
  return r;
}

export function sar(f: FlagHolder, a: bigint, count: number, size: Size): bigint {
  const c = count & countMask(size);
  if (c === 0) return a;
  const s = toSigned(a, size);
  const r = (s >> BigInt(c)) & MASK[size];
  let fl = szp(r, size);
  if ((s >> BigInt(c - 1)) & 1n) fl |= F.CF;
  // OF is 0 for 1-bit arithmetic shifts
  setFlags(f, STATUS, fl);
  return r;
}

/** ROL: only CF and OF change (OF defined for count 1: MSB(result) XOR CF). */
export function rol(f: FlagHolder, a: bigint, count: number, size: Size): bigint {
  const masked = count & countMask(size);
  if (masked === 0) return a;
  const bits = BITS_N[size];
  const c = masked % bits;
  const r = c === 0 ? a : ((a << BigInt(c)) | (a >> BigInt(bits - c))) & MASK[size];
  let fl = 0;
  if (r & 1n) fl |= F.CF;
  if (((r & SIGN[size]) !== 0n) !== ((fl & F.CF) !== 0)) fl |= F.OF;
  setFlags(f, F.CF | F.OF, fl);
  return r;
}

/** ROR: CF = MSB(result); OF (count 1) = the two top bits of the result XORed. */
export function ror(f: FlagHolder, a: bigint, count: number, size: Size): bigint {
  const masked = count & countMask(size);
  if (masked === 0) return a;
  const bits = BITS_N[size];
  const c = masked % bits;
  const r = c === 0 ? a : ((a >> BigInt(c)) | (a << BigInt(bits - c))) & MASK[size];
  let fl = 0;
  const msb = (r & SIGN[size]) !== 0n;
  const next = (r & (SIGN[size] >> 1n)) !== 0n;
  if (msb) fl |= F.CF;
  if (msb !== next) fl |= F.OF;
  setFlags(f, F.CF | F.OF, fl);
  return r;
}

/** RCL: rotate the (width+1)-bit quantity CF:value left. */
export function rcl(f: FlagHolder, a: bigint, count: number, size: Size): bigint {
  const masked = count & countMask(size);
  const bits = BITS_N[size];
  const c = masked % (bits + 1);
  if (c === 0) return a;
  const cfIn = BigInt(f.rflags & F.CF);
  const wide = (cfIn << BigInt(bits)) | a; // bits+1 wide, CF on top
  const wmask = (1n << BigInt(bits + 1)) - 1n;
  const rot = ((wide << BigInt(c)) | (wide >> BigInt(bits + 1 - c))) & wmask;
  const r = rot & MASK[size];
  const cf = (rot >> BigInt(bits)) & 1n;
  let fl = cf ? F.CF : 0;
  if (((r & SIGN[size]) !== 0n) !== (cf !== 0n)) fl |= F.OF;
  setFlags(f, F.CF | F.OF, fl);
  return r;
}

/** RCR: rotate the (width+1)-bit quantity value:CF right. OF (count 1) = MSB(dest) XOR CF before. */
export function rcr(f: FlagHolder, a: bigint, count: number, size: Size): bigint {
  const masked = count & countMask(size);
  const bits = BITS_N[size];
  const c = masked % (bits + 1);
  if (c === 0) return a;
  const cfIn = BigInt(f.rflags & F.CF);
  const wide = (cfIn << BigInt(bits)) | a;
  const wmask = (1n << BigInt(bits + 1)) - 1n;
  const rot = ((wide >> BigInt(c)) | (wide << BigInt(bits + 1 - c))) & wmask;
  const r = rot & MASK[size];
  const cf = (rot >> BigInt(bits)) & 1n;
  let fl = cf ? F.CF : 0;
  // OF = XOR of the two most significant bits of the result (equivalent to the SDM's pre-rotate rule for count 1)
  if (((r & SIGN[size]) !== 0n) !== ((r & (SIGN[size] >> 1n)) !== 0n)) fl |= F.OF;
  setFlags(f, F.CF | F.OF, fl);
  return r;
}

/** SHLD dest, src, count: shift dest left filling from src's top bits. */
export function shld(f: FlagHolder, dest: bigint, src: bigint, count: number, size: Size): bigint {
  const c = count & countMask(size);
  if (c === 0) return dest;
  const bits = BITS_N[size];
  // Build dest:src and shift; counts above the width (16-bit only) give an undefined result: we
  // keep shifting through a triple-width value, which is what Intel parts do.
  const wide = (dest << BigInt(bits * 2)) | (src << BigInt(bits)) | dest;
  const shifted = wide << BigInt(c);
  const r = (shifted >> BigInt(bits * 2)) & MASK[size];
  let fl = szp(r, size);
  if ((shifted >> BigInt(bits * 3)) & 1n) fl |= F.CF;
  if ((r ^ dest) & SIGN[size]) fl |= F.OF;
  setFlags(f, STATUS, fl);
  return r;
}

/** SHRD dest, src, count: shift dest right filling from src's low bits. */
export function shrd(f: FlagHolder, dest: bigint, src: bigint, count: number, size: Size): bigint {
  const c = count & countMask(size);
  if (c === 0) return dest;
  const bits = BITS_N[size];
  const wide = (src << BigInt(bits * 2)) | (dest << BigInt(bits)) | src;
  const shifted = wide >> BigInt(c);
  const r = (shifted >> BigInt(bits)) & MASK[size];
  let fl = szp(r, size);
  if ((wide >> BigInt(bits + c - 1)) & 1n) fl |= F.CF;
  if ((r ^ dest) & SIGN[size]) fl |= F.OF;
  setFlags(f, STATUS, fl);
  return r;
}

// ---- multiply --------------------------------------------------------------------------------

/** MUL: unsigned a*b as [low, high]; CF=OF=(high != 0). SF ZF AF PF undefined (SZP of low here). */
export function mul(f: FlagHolder, a: bigint, b: bigint, size: Size): [bigint, bigint] {
  const p = a * b;
  const lo = p & MASK[size];
  const hi = p >> BITS[size];
  let fl = szp(lo, size);
  if (hi !== 0n) fl |= F.CF | F.OF;
  setFlags(f, STATUS, fl);
  return [lo, hi];
}

/** IMUL (all forms): signed a*b as [low, high] (both truncated); CF=OF=(low does not sign-extend to the product). */
export function imul(f: FlagHolder, a: bigint, b: bigint, size: Size): [bigint, bigint] {
  const p = toSigned(a, size) * toSigned(b, size);
  const lo = p & MASK[size];
  const hi = (p >> BITS[size]) & MASK[size];
  let fl = szp(lo, size);
  if (toSigned(lo, size) !== p) fl |= F.CF | F.OF;
  setFlags(f, STATUS, fl);
  return [lo, hi];
}

// ---- bit scans and counts ---------------------------------------------------------------------

export function popcount(v: bigint): number {
  let n = 0;
  while (v) {
    v &= v - 1n;
    n++;
  }
  return n;
}

/** Index of the lowest set bit; v must be non-zero. */
export function lowestBit(v: bigint): number {
  let i = 0;
  while (!((v >> BigInt(i)) & 1n)) i++;
  return i;
}

/** Index of the highest set bit; v must be non-zero. */
export function highestBit(v: bigint): number {
  return v.toString(2).length - 1;
}

/** Set exactly the flags in `which` from `value`; used by instructions with ad-hoc flag rules. */
export function writeFlags(f: FlagHolder, which: number, value: number): void {
  setFlags(f, which, value);
}

// ---- the flags the SDM leaves undefined -------------------------------------------------------

/**
 * Status flags the SDM leaves undefined, by operation (the ISA table's `op`). The differential
 * tests mask these; a function entry depends on the shift/rotate count or operand size.
 */
export const UNDEFINED_FLAGS: Record<string, number | ((count: number, size: Size) => number)> = {
  and: F.AF, or: F.AF, xor: F.AF, test: F.AF,
  mul: F.SF | F.ZF | F.AF | F.PF,
  imul: F.SF | F.ZF | F.AF | F.PF,
  div: STATUS, idiv: STATUS,
  bt: F.OF | F.SF | F.AF | F.PF, bts: F.OF | F.SF | F.AF | F.PF,
  btr: F.OF | F.SF | F.AF | F.PF, btc: F.OF | F.SF | F.AF | F.PF,
  bsf: F.CF | F.OF | F.SF | F.AF | F.PF, bsr: F.CF | F.OF | F.SF | F.AF | F.PF,
  tzcnt: F.OF | F.SF | F.AF | F.PF, lzcnt: F.OF | F.SF | F.AF | F.PF,
  shl: shiftUndefined, sal: shiftUndefined, shr: shiftUndefined, sar: shiftUndefined,
  rol: rotateUndefined, ror: rotateUndefined, rcl: rotateUndefined, rcr: rotateUndefined,
  shld: doubleShiftUndefined, shrd: doubleShiftUndefined,
};

function shiftUndefined(count: number, size: Size): number {
  const c = count & countMask(size);
  if (c === 0) return 0;
  let u = F.AF;
  if (c !== 1) u |= F.OF;
  if (c > BITS_N[size]) u |= F.CF; // only reachable for 8/16-bit operands
  return u;
}

function rotateUndefined(count: number, size: Size): number {
  const c = count & countMask(size);
  return c !== 0 && c !== 1 ? F.OF : 0;
}

function doubleShiftUndefined(count: number, size: Size): number {
  const c = count & countMask(size);
  if (c === 0) return 0;
  let u = F.AF;
  if (c !== 1) u |= F.OF;
  if (c > BITS_N[size]) u = STATUS; // result and every flag undefined (16-bit operands)
  return u;
}

/** The undefined-flag mask for one execution of `op`. */
export function undefinedFlags(op: string, count = 0, size: Size = 8): number {
  const u = UNDEFINED_FLAGS[op];
  if (u === undefined) return 0;
  return typeof u === 'number' ? u : u(count, size);
}

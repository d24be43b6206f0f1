// Fast paths for the commonest register-only instruction shapes, chosen once per decoded
// instruction (Cpu.decodeAt calls specialize()). They compute on 32-bit halves of the registers as
// plain numbers through a Uint32Array view of CpuState.gpr, avoiding BigInt allocation; results
// are identical to the generic handlers in exec.ts (the differential vectors run through both:
// register forms take these paths, memory forms the generic ones).
//
// Covered: add/adc/sub/sbb/cmp/and/or/xor/test, inc/dec and mov with 32/64-bit general-register
// destinations and register or immediate sources; jcc with its target precomputed. Memory forms
// (mov load/store, movzbl load, cmp with a memory destination) when the memory offers
// number-addressed accesses (NumberAddressedMemory) and the address is a plain base+index*scale+disp
// in the canonical lower half, below 2^47 (no FS/GS, 64-bit addressing); PUSH r64/imm, POP r64,
// CALL rel32 and RET with the stack in that lower half; anything else runs the generic handler.

import type { Instruction, MemOperand, Operand } from '../isa/types';
import { RIP as RIP_REG } from '../isa/types';
import type { Cpu } from './cpu';
import type { Handler } from './exec';
import { condition as conditionHolds, HANDLERS } from './exec';

const RIP = RIP_REG;
const condition = conditionHolds;

// RFLAGS bits (local constants: imported bindings can be getters under CommonJS transforms)
const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
const STATUS = CF | PF | AF | ZF | SF | OF;

const PARITY = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  let ones = 0;
  for (let i = 0; i < 8; i++) ones += (b >> i) & 1;
  PARITY[b] = ones % 2 === 0 ? PF : 0;
}

/** The fast paths index gpr as little-endian 32-bit halves. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The registers as 32-bit halves (Cpu keeps the view in step with its state). */
function halves(cpu: Cpu): Uint32Array {
  return cpu.gpr32;
}

type Kind = 'add' | 'adc' | 'sub' | 'sbb' | 'cmp' | 'and' | 'or' | 'xor' | 'test';
const BINARY = new Set<string>(['add', 'adc', 'sub', 'sbb', 'cmp', 'and', 'or', 'xor', 'test']);

function isGpr(o: Operand | undefined, size: number): boolean {
  return o !== undefined && o.kind === 'reg' && o.cls === 'gpr' && o.size === size && !o.high8;
}

/** A specialised handler for `insn` (`next`: the address after it), or undefined to use the
 *  generic one. */
export function specialize(insn: Instruction, next: bigint): Handler | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const ops = insn.operands;
  const m = memoryForm(insn, next);
  if (m !== undefined) return m;
  if (insn.op === 'jmp' && ops.length === 1 && ops[0].kind === 'rel') {
    const target = ops[0].target;
    if (!(target <= 0x7fffffffffffn || target >= 0xffff800000000000n)) return undefined; // generic path raises #GP
    return (cpu) => {
      cpu.nextRip = target;
    };
  }
  if (insn.op === 'imul') return imul(insn);
  if (insn.op === 'push' || insn.op === 'pop' || insn.op === 'call' || insn.op === 'ret') return stackForm(insn, next);
  if (insn.op === 'stos' && insn.rep !== null && insn.addrSize === 8 && insn.seg === null) return repStos(insn);
  if (insn.op === 'jcc') {
    const t = ops[0];
    if (t.kind !== 'rel') return undefined;
    const target = t.target;
    if (!(target <= 0x7fffffffffffn || target >= 0xffff800000000000n)) return undefined; // generic path raises #GP
    const cc = insn.cond!;
    return (cpu) => {
      if (condition(cpu.state.rflags, cc)) cpu.nextRip = target;
    };
  }
  const r = registerForm(insn);
  if (r === undefined) return undefined;
  const { op, size, dn, sn, immLo, immHi } = r;
  if (op === 'inc' || op === 'dec') return incDec(op === 'inc', size, dn);
  if (op === 'mov') return move(size, dn, sn, immLo, immHi);
  if (BINARY.has(op)) return size === 4 ? binary32(op as Kind, dn, sn, immLo) : binary64(op as Kind, dn, sn, immLo, immHi);
  return undefined;
}

/** A register-only inc/dec/mov/binary instruction, decomposed for the handlers above. */
interface RegisterForm {
  op: string;
  size: 4 | 8;
  /** destination and register source as indexes into the 32-bit halves (sn -1: immediate) */
  dn: number;
  sn: number;
  immLo: number;
  immHi: number;
}

function registerForm(insn: Instruction): RegisterForm | undefined {
  const ops = insn.operands;
  const d = ops[0];
  if (d === undefined || d.kind !== 'reg' || d.cls !== 'gpr' || d.high8 || (d.size !== 4 && d.size !== 8)) return undefined;
  const size = d.size;
  const dn = d.num * 2;
  const op = insn.op;
  if (op === 'inc' || op === 'dec') return ops.length === 1 ? { op, size, dn, sn: -1, immLo: 0, immHi: 0 } : undefined;
  const s = ops[1];
  if (ops.length !== 2 || (op !== 'mov' && !BINARY.has(op))) return undefined;
  // source: a register of the same size, or an immediate extended to the operand size
  let sn = -1, immLo = 0, immHi = 0;
  if (isGpr(s, size)) sn = (s as { num: number }).num * 2;
  else if (s.kind === 'imm') {
    let v = s.value;
    if (s.size < size && v & (1n << BigInt(s.size * 8 - 1))) v |= ((1n << BigInt(size * 8)) - 1n) & ~((1n << BigInt(s.size * 8)) - 1n);
    immLo = Number(v & 0xffffffffn);
    immHi = size === 8 ? Number((v >> 32n) & 0xffffffffn) : 0;
  } else return undefined;
  return { op, size, dn, sn, immLo, immHi };
}

// ---- flag liveness (used by Cpu's block builder) ----------------------------------------------

/** The status flags (CF PF AF ZF SF OF), for FlagUse masks. */
export const STATUS_FLAGS = STATUS;

/**
 * How a register-only fast handler uses the status flags: it reads `reads`, overwrites all of
 * `writes`, cannot fault and touches neither memory nor RIP. `flagless` computes the same
 * register result without producing flags, for use where a later instruction overwrites them
 * before anything can observe them.
 */
export interface FlagUse {
  reads: number;
  writes: number;
  flagless: Handler | undefined;
}

/** The FlagUse of `insn` when specialize() gives it a register-only handler, else undefined. */
export function flagUse(insn: Instruction): FlagUse | undefined {
  if (!LITTLE_ENDIAN || insn.lock || insn.rep !== null) return undefined;
  if (insn.op === 'imul') return imul(insn) !== undefined ? { reads: 0, writes: STATUS, flagless: undefined } : undefined;
  const r = registerForm(insn);
  if (r === undefined) return undefined;
  const { op, size, dn, sn, immLo, immHi } = r;
  switch (op) {
    case 'mov': return { reads: 0, writes: 0, flagless: undefined };
    case 'adc': case 'sbb': return { reads: CF, writes: STATUS, flagless: undefined };
    case 'inc': case 'dec': return { reads: 0, writes: STATUS & ~CF, flagless: flaglessIncDec(op === 'inc', size, dn) };
    default: return { reads: 0, writes: STATUS, flagless: flaglessBinary(op, size, dn, sn, immLo, immHi) };
  }
}

const NOTHING: Handler = () => {};

function flaglessBinary(op: string, size: 4 | 8, dn: number, sn: number, immLo: number, immHi: number): Handler {
  if (op === 'cmp' || op === 'test') return NOTHING;
  if (size === 4) {
    switch (op) {
      case 'add': return (cpu) => { const g = cpu.gpr32; g[dn] = (g[dn] + (sn >= 0 ? g[sn] : immLo)) >>> 0; g[dn + 1] = 0; };
      case 'sub': return (cpu) => { const g = cpu.gpr32; g[dn] = (g[dn] - (sn >= 0 ? g[sn] : immLo)) >>> 0; g[dn + 1] = 0; };
      case 'and': return (cpu) => { const g = cpu.gpr32; g[dn] = (g[dn] & (sn >= 0 ? g[sn] : immLo)) >>> 0; g[dn + 1] = 0; };
      case 'or': return (cpu) => { const g = cpu.gpr32; g[dn] = (g[dn] | (sn >= 0 ? g[sn] : immLo)) >>> 0; g[dn + 1] = 0; };
      default: return (cpu) => { const g = cpu.gpr32; g[dn] = (g[dn] ^ (sn >= 0 ? g[sn] : immLo)) >>> 0; g[dn + 1] = 0; };
    }
  }
  switch (op) {
    case 'add':
      return (cpu) => {
        const g = cpu.gpr32;
        const lo = g[dn] + (sn >= 0 ? g[sn] : immLo);
        g[dn + 1] = (g[dn + 1] + (sn >= 0 ? g[sn + 1] : immHi) + (lo > 0xffffffff ? 1 : 0)) >>> 0;
        g[dn] = lo >>> 0;
      };
    case 'sub':
      return (cpu) => {
        const g = cpu.gpr32;
        const lo = g[dn] - (sn >= 0 ? g[sn] : immLo);
        g[dn + 1] = (g[dn + 1] - (sn >= 0 ? g[sn + 1] : immHi) - (lo < 0 ? 1 : 0)) >>> 0;
        g[dn] = lo >>> 0;
      };
    case 'and': return (cpu) => { const g = cpu.gpr32; g[dn] &= sn >= 0 ? g[sn] : immLo; g[dn + 1] &= sn >= 0 ? g[sn + 1] : immHi; };
    case 'or': return (cpu) => { const g = cpu.gpr32; g[dn] |= sn >= 0 ? g[sn] : immLo; g[dn + 1] |= sn >= 0 ? g[sn + 1] : immHi; };
    default: return (cpu) => { const g = cpu.gpr32; g[dn] ^= sn >= 0 ? g[sn] : immLo; g[dn + 1] ^= sn >= 0 ? g[sn + 1] : immHi; };
  }
}

function flaglessIncDec(inc: boolean, size: 4 | 8, dn: number): Handler {
  const delta = inc ? 1 : -1;
  if (size === 4) return (cpu) => { const g = cpu.gpr32; g[dn] = (g[dn] + delta) >>> 0; g[dn + 1] = 0; };
  return (cpu) => {
    const g = cpu.gpr32;
    const lo = g[dn] + delta;
    if (lo > 0xffffffff || lo < 0) g[dn + 1] = (g[dn + 1] + delta) >>> 0;
    g[dn] = lo >>> 0;
  };
}

function move(size: number, dn: number, sn: number, immLo: number, immHi: number): Handler {
  if (size === 4) {
    if (sn >= 0) return (cpu) => { const g = halves(cpu); g[dn] = g[sn]; g[dn + 1] = 0; };
    return (cpu) => { const g = halves(cpu); g[dn] = immLo; g[dn + 1] = 0; };
  }
  if (sn >= 0) return (cpu) => { const g = halves(cpu); g[dn] = g[sn]; g[dn + 1] = g[sn + 1]; };
  return (cpu) => { const g = halves(cpu); g[dn] = immLo; g[dn + 1] = immHi; };
}

function szp32(r: number): number {
  return PARITY[r & 0xff] | (r === 0 ? ZF : 0) | (r & 0x80000000 ? SF : 0);
}

// One closure per operation (no switch on the kind at run time: each handler stays small).

function binary32(kind: Kind, dn: number, sn: number, imm: number): Handler {
  switch (kind) {
    case 'add':
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const a = g[dn], b = sn >= 0 ? g[sn] : imm;
        const sum = a + b;
        const r = sum >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp32(r) | (sum > 0xffffffff ? CF : 0) | ((a ^ b ^ r) & AF) | ((a ^ r) & (b ^ r) & 0x80000000 ? OF : 0);
        g[dn] = r;
        g[dn + 1] = 0;
      };
    case 'adc':
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const a = g[dn], b = sn >= 0 ? g[sn] : imm;
        const sum = a + b + (st.rflags & CF);
        const r = sum >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp32(r) | (sum > 0xffffffff ? CF : 0) | ((a ^ b ^ r) & AF) | ((a ^ r) & (b ^ r) & 0x80000000 ? OF : 0);
        g[dn] = r;
        g[dn + 1] = 0;
      };
    case 'sub': case 'sbb': case 'cmp': {
      const borrow = kind === 'sbb';
      const store = kind !== 'cmp';
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const a = g[dn], b = sn >= 0 ? g[sn] : imm;
        const c = borrow ? st.rflags & CF : 0;
        const r = (a - b - c) >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp32(r) | (a < b + c ? CF : 0) | ((a ^ b ^ r) & AF) | ((a ^ b) & (a ^ r) & 0x80000000 ? OF : 0);
        if (store) {
          g[dn] = r;
          g[dn + 1] = 0;
        }
      };
    }
    case 'and': case 'test': {
      const store = kind === 'and';
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const r = (g[dn] & (sn >= 0 ? g[sn] : imm)) >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp32(r);
        if (store) {
          g[dn] = r;
          g[dn + 1] = 0;
        }
      };
    }
    case 'or':
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const r = (g[dn] | (sn >= 0 ? g[sn] : imm)) >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp32(r);
        g[dn] = r;
        g[dn + 1] = 0;
      };
    default:
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const r = (g[dn] ^ (sn >= 0 ? g[sn] : imm)) >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp32(r);
        g[dn] = r;
        g[dn + 1] = 0;
      };
  }
}

/** SF ZF PF of a 64-bit result given as halves. */
function szp64(rlo: number, rhi: number): number {
  return PARITY[rlo & 0xff] | ((rlo | rhi) === 0 ? ZF : 0) | (rhi & 0x80000000 ? SF : 0);
}

function binary64(kind: Kind, dn: number, sn: number, immLo: number, immHi: number): Handler {
  switch (kind) {
    case 'add': case 'adc': {
      const carry = kind === 'adc';
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const alo = g[dn], ahi = g[dn + 1];
        const blo = sn >= 0 ? g[sn] : immLo, bhi = sn >= 0 ? g[sn + 1] : immHi;
        const lo = alo + blo + (carry ? st.rflags & CF : 0);
        const rlo = lo >>> 0;
        const hi = ahi + bhi + (lo > 0xffffffff ? 1 : 0);
        const rhi = hi >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp64(rlo, rhi) | (hi > 0xffffffff ? CF : 0) | ((alo ^ blo ^ rlo) & AF) | ((ahi ^ rhi) & (bhi ^ rhi) & 0x80000000 ? OF : 0);
        g[dn] = rlo;
        g[dn + 1] = rhi;
      };
    }
    case 'sub': case 'sbb': case 'cmp': {
      const borrow = kind === 'sbb';
      const store = kind !== 'cmp';
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const alo = g[dn], ahi = g[dn + 1];
        const blo = sn >= 0 ? g[sn] : immLo, bhi = sn >= 0 ? g[sn + 1] : immHi;
        const lo = alo - blo - (borrow ? st.rflags & CF : 0);
        const rlo = lo >>> 0;
        const hi = ahi - bhi - (lo < 0 ? 1 : 0);
        const rhi = hi >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp64(rlo, rhi) | (hi < 0 ? CF : 0) | ((alo ^ blo ^ rlo) & AF) | ((ahi ^ bhi) & (ahi ^ rhi) & 0x80000000 ? OF : 0);
        if (store) {
          g[dn] = rlo;
          g[dn + 1] = rhi;
        }
      };
    }
    case 'and': case 'test': {
      const store = kind === 'and';
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const rlo = (g[dn] & (sn >= 0 ? g[sn] : immLo)) >>> 0;
        const rhi = (g[dn + 1] & (sn >= 0 ? g[sn + 1] : immHi)) >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp64(rlo, rhi);
        if (store) {
          g[dn] = rlo;
          g[dn + 1] = rhi;
        }
      };
    }
    case 'or':
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const rlo = (g[dn] | (sn >= 0 ? g[sn] : immLo)) >>> 0;
        const rhi = (g[dn + 1] | (sn >= 0 ? g[sn + 1] : immHi)) >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp64(rlo, rhi);
        g[dn] = rlo;
        g[dn + 1] = rhi;
      };
    default:
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const rlo = (g[dn] ^ (sn >= 0 ? g[sn] : immLo)) >>> 0;
        const rhi = (g[dn + 1] ^ (sn >= 0 ? g[sn + 1] : immHi)) >>> 0;
        st.rflags = (st.rflags & ~STATUS) | szp64(rlo, rhi);
        g[dn] = rlo;
        g[dn + 1] = rhi;
      };
  }
}

/** INC/DEC: like add/sub 1 with CF preserved (one closure per operation and size). */
function incDec(inc: boolean, size: number, dn: number): Handler {
  const KEEP = ~(STATUS & ~CF);
  if (size === 4) {
    if (inc) {
      return (cpu) => {
        const g = cpu.gpr32, st = cpu.state;
        const a = g[dn], r = (a + 1) >>> 0;
        st.rflags = (st.rflags & KEEP) | szp32(r) | ((a ^ 1 ^ r) & AF) | (~a & r & 0x80000000 ? OF : 0);
        g[dn] = r;
        g[dn + 1] = 0;
      };
    }
    return (cpu) => {
      const g = cpu.gpr32, st = cpu.state;
      const a = g[dn], r = (a - 1) >>> 0;
      st.rflags = (st.rflags & KEEP) | szp32(r) | ((a ^ 1 ^ r) & AF) | (a & ~r & 0x80000000 ? OF : 0);
      g[dn] = r;
      g[dn + 1] = 0;
    };
  }
  if (inc) {
    return (cpu) => {
      const g = cpu.gpr32, st = cpu.state;
      const alo = g[dn], ahi = g[dn + 1];
      const rlo = (alo + 1) >>> 0;
      const rhi = rlo === 0 ? (ahi + 1) >>> 0 : ahi;
      st.rflags = (st.rflags & KEEP) | szp64(rlo, rhi) | ((alo ^ 1 ^ rlo) & AF) | (~ahi & rhi & 0x80000000 ? OF : 0);
      g[dn] = rlo;
      g[dn + 1] = rhi;
    };
  }
  return (cpu) => {
    const g = cpu.gpr32, st = cpu.state;
    const alo = g[dn], ahi = g[dn + 1];
    const rlo = (alo - 1) >>> 0;
    const rhi = alo === 0 ? (ahi - 1) >>> 0 : ahi;
    st.rflags = (st.rflags & KEEP) | szp64(rlo, rhi) | ((alo ^ 1 ^ rlo) & AF) | (ahi & ~rhi & 0x80000000 ? OF : 0);
    g[dn] = rlo;
    g[dn + 1] = rhi;
  };
}

// ---- memory forms -------------------------------------------------------------------------------

/** Computes a linear address from the register halves, or -1 when the fast path does not apply. */
type AddressFn = (g: Uint32Array) => number;

/** An address function for `m`, or undefined when its form is not covered. */
function addressOf(m: MemOperand, next: bigint): AddressFn | undefined {
  if (m.addrSize !== 8 || m.seg === 4 || m.seg === 5) return undefined;
  if (m.disp < -0x80000000n || m.disp > 0x7fffffffn) return undefined;
  const disp = Number(m.disp);
  if (m.base === RIP) {
    const a = next + m.disp;
    if (m.index !== null || a < 0n || a >= 1n << 47n) return undefined;
    const an = Number(a);
    return () => an;
  }
  const b = m.base === null ? -1 : (m.base as number) * 2;
  const i = m.index === null ? -1 : m.index * 2;
  const scale = m.scale;
  // Addresses in the canonical lower half (below 2^47) are exact as numbers; a result below 0
  // (negative displacement), at or above 2^47, or a register above 2^47 takes the generic path.
  if (b >= 0 && i >= 0) {
    return (g) => {
      const bh = g[b + 1], ih = g[i + 1];
      if ((bh | ih) === 0) return g[b] + g[i] * scale + disp;
      if (bh >= HIGH_LIMIT || ih >= HIGH_LIMIT) return -1;
      const a = bh * TWO32 + g[b] + (ih * TWO32 + g[i]) * scale + disp;
      return a < LOWER_HALF_END ? a : -1;
    };
  }
  if (b >= 0) {
    return (g) => {
      const bh = g[b + 1];
      if (bh === 0) return g[b] + disp;
      if (bh >= HIGH_LIMIT) return -1;
      const a = bh * TWO32 + g[b] + disp;
      return a < LOWER_HALF_END ? a : -1;
    };
  }
  if (i >= 0) {
    return (g) => {
      const ih = g[i + 1];
      if (ih === 0) return g[i] * scale + disp;
      if (ih >= HIGH_LIMIT) return -1;
      const a = (ih * TWO32 + g[i]) * scale + disp;
      return a < LOWER_HALF_END ? a : -1;
    };
  }
  return disp >= 0 ? () => disp : undefined;
}

const TWO32 = 0x100000000;
/** the end of the canonical lower half, and the high 32-bit half of a register at or above it */
const LOWER_HALF_END = 2 ** 47;
const HIGH_LIMIT = 0x8000;

function memoryForm(insn: Instruction, next: bigint): Handler | undefined {
  const ops = insn.operands;
  if (ops.length !== 2 || insn.lock) return undefined;
  const [d, s] = ops;
  const generic = HANDLERS[insn.op];
  if (generic === undefined) return undefined;
  if ((insn.op === 'mov' || insn.op === 'movzx') && d.kind === 'reg' && d.cls === 'gpr' && !d.high8 && s.kind === 'mem') {
    const addr = addressOf(s, next);
    if (addr === undefined) return undefined;
    const dn = d.num * 2;
    const size = s.size;
    if (insn.op === 'mov' && d.size === 8 && size === 8) {
      return (cpu, i) => {
        const nm = cpu.numMem, g = cpu.gpr32;
        const a = nm === null ? -1 : addr(g);
        if (a < 0) return generic(cpu, i);
        nm!.readHalves(a, g, dn);
      };
    }
    // movzbl, and mov to a 32-bit register (which zeroes the upper half, as movzbl does). Two
    // closures with the size as a literal: with the size in a variable, V8 keeps readNumber's size
    // tests in the inlined code, and the hash benchmark (a movzbl loop) ran ~10 % slower.
    if (insn.op === 'movzx' && d.size === 4 && size === 1) {
      return (cpu, i) => {
        const nm = cpu.numMem, g = cpu.gpr32;
        const a = nm === null ? -1 : addr(g);
        if (a < 0) return generic(cpu, i);
        g[dn] = nm!.readNumber(a, 1);
        g[dn + 1] = 0;
      };
    }
    if (insn.op === 'mov' && d.size === 4 && size === 4) {
      return (cpu, i) => {
        const nm = cpu.numMem, g = cpu.gpr32;
        const a = nm === null ? -1 : addr(g);
        if (a < 0) return generic(cpu, i);
        g[dn] = nm!.readNumber(a, 4);
        g[dn + 1] = 0;
      };
    }
    return undefined;
  }
  if (insn.op === 'mov' && d.kind === 'mem') {
    const addr = addressOf(d, next);
    if (addr === undefined) return undefined;
    const size = d.size;
    if (size !== 1 && size !== 4 && size !== 8) return undefined;
    // source: a same-size register (not AH..BH) or an immediate (sign-extended for 64-bit)
    let sn = -1, lo = 0, hi = 0;
    if (s.kind === 'reg' && s.cls === 'gpr' && !s.high8 && s.size === size) sn = s.num * 2;
    else if (s.kind === 'imm') {
      const v = BigInt.asUintN(64, BigInt.asIntN(s.size * 8, s.value));
      lo = Number(v & 0xffffffffn);
      hi = Number(v >> 32n);
    } else return undefined;
    if (size === 8) {
      return (cpu, i) => {
        const nm = cpu.numMem, g = cpu.gpr32;
        const a = nm === null ? -1 : addr(g);
        if (a < 0) return generic(cpu, i);
        if (sn >= 0) nm!.writeHalves(a, g[sn], g[sn + 1]);
        else nm!.writeHalves(a, lo, hi);
      };
    }
    const mask = size === 1 ? 0xff : 0xffffffff;
    return (cpu, i) => {
      const nm = cpu.numMem, g = cpu.gpr32;
      const a = nm === null ? -1 : addr(g);
      if (a < 0) return generic(cpu, i);
      nm!.writeNumber(a, size, ((sn >= 0 ? g[sn] : lo) & mask) >>> 0);
    };
  }
  if (insn.op === 'cmp' && d.kind === 'mem' && (d.size === 1 || d.size === 4)) {
    const addr = addressOf(d, next);
    if (addr === undefined) return undefined;
    const size = d.size;
    let sn = -1, imm = 0;
    if (s.kind === 'reg' && s.cls === 'gpr' && !s.high8 && s.size === size) sn = s.num * 2;
    else if (s.kind === 'imm') imm = Number(BigInt.asUintN(size * 8, s.value));
    else return undefined;
    const top = size === 1 ? 0x80 : 0x80000000;
    const mask = size === 1 ? 0xff : 0xffffffff;
    return (cpu, i) => {
      const nm = cpu.numMem, g = cpu.gpr32;
      const a = nm === null ? -1 : addr(g);
      if (a < 0) return generic(cpu, i);
      const x = nm!.readNumber(a, size);
      const y = sn >= 0 ? (g[sn] & mask) >>> 0 : imm;
      const r = (x - y) & mask;
      const fl = PARITY[r & 0xff] | (r === 0 ? ZF : 0) | (r & top ? SF : 0) | (x < y ? CF : 0) | ((x ^ y ^ r) & AF) | ((x ^ y) & (x ^ r) & top ? OF : 0);
      const st = cpu.state;
      st.rflags = (st.rflags & ~STATUS) | fl;
    };
  }
  return undefined;
}

// ---- imul -------------------------------------------------------------------------------------

const TWO31 = 0x80000000;

/**
 * IMUL with two or three operands, register destination and register/immediate sources (the
 * one-operand form writes RDX:RAX and stays generic). Flags as alu.imul sets them: CF = OF =
 * the product does not fit the destination, SF ZF PF from the result, AF cleared.
 */
function imul(insn: Instruction): Handler | undefined {
  const ops = insn.operands;
  if (ops.length < 2) return undefined;
  const d = ops[0];
  if (d.kind !== 'reg' || d.cls !== 'gpr' || d.high8 || (d.size !== 4 && d.size !== 8)) return undefined;
  const size = d.size;
  const a = ops.length === 3 ? ops[1] : d;
  const b = ops[ops.length - 1];
  if (!isGpr(a, size)) return undefined;
  const an = (a as { num: number }).num * 2;
  let bn = -1;
  let imm = 0n;
  if (isGpr(b, size)) bn = (b as { num: number }).num * 2;
  else if (b.kind === 'imm') imm = BigInt.asIntN(b.size * 8, b.value);
  else return undefined;
  const dn = d.num * 2;
  if (size === 4) {
    const immN = Number(imm);
    return (cpu) => {
      const g = cpu.gpr32;
      const x = g[an] | 0;
      const y = bn >= 0 ? g[bn] | 0 : immN;
      const r = Math.imul(x, y) >>> 0;
      const p = x * y; // exact when it fits 2^53; beyond that it is an overflow either way
      const fl = szp32(r) | (p >= -TWO31 && p < TWO31 ? 0 : CF | OF);
      const st = cpu.state;
      st.rflags = (st.rflags & ~STATUS) | fl;
      g[dn] = r;
      g[dn + 1] = 0;
    };
  }
  const immV = BigInt.asUintN(64, imm);
  const immLo = Number(immV & 0xffffffffn), immHi = Number(immV >> 32n);
  return (cpu) => {
    const g = cpu.gpr32;
    const alo = g[an], ahi = g[an + 1];
    const blo = bn >= 0 ? g[bn] : immLo, bhi = bn >= 0 ? g[bn + 1] : immHi;
    // low 64 bits of the product (the same signed or unsigned)
    const lo = Math.imul(alo, blo) >>> 0;
    const hi = (multiplyHigh32(alo, blo) + Math.imul(alo, bhi) + Math.imul(ahi, blo)) >>> 0;
    // overflow: the signed product as a double (relative error below 2^-50) settles it unless it
    // lies within a hair of the limits, where the exact 128-bit product decides
    const approx = Math.abs(((ahi | 0) * 4294967296 + alo) * ((bhi | 0) * 4294967296 + blo));
    const overflow = approx > OVERFLOW_SURE ? true : approx < FITS_SURE ? false : signedOverflow64(alo, ahi, blo, bhi);
    const fl = PARITY[lo & 0xff] | ((lo | hi) === 0 ? ZF : 0) | (hi & 0x80000000 ? SF : 0) | (overflow ? CF | OF : 0);
    const st = cpu.state;
    st.rflags = (st.rflags & ~STATUS) | fl;
    g[dn] = lo;
    g[dn + 1] = hi;
  };
}

const TWO63 = 2 ** 63;
const OVERFLOW_SURE = TWO63 * (1 + 2 ** -45);
const FITS_SURE = TWO63 * (1 - 2 ** -45);

/** High 32 bits of the unsigned 32 x 32-bit product (16-bit pieces keep every step exact). */
function multiplyHigh32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const t = a0 * b0, m1 = a1 * b0, m2 = a0 * b1;
  const mid = (t >>> 16) + (m1 & 0xffff) + (m2 & 0xffff);
  return a1 * b1 + (m1 >>> 16) + (m2 >>> 16) + (mid >>> 16);
}

/** Whether the signed 64 x 64-bit product does not fit 64 bits, exactly (128-bit product). */
function signedOverflow64(alo: number, ahi: number, blo: number, bhi: number): boolean {
  multiply64(alo, ahi, blo, bhi);
  const hi = product[1];
  // signed high half: the unsigned one minus b when a < 0 and minus a when b < 0 (mod 2^64)
  let h0 = product[2], h1 = product[3];
  if (ahi & 0x80000000) {
    const t = h0 - blo;
    h0 = t >>> 0;
    h1 = (h1 - bhi - (t < 0 ? 1 : 0)) >>> 0;
  }
  if (bhi & 0x80000000) {
    const t = h0 - alo;
    h0 = t >>> 0;
    h1 = (h1 - ahi - (t < 0 ? 1 : 0)) >>> 0;
  }
  // the product fits 64 bits exactly when the high half is the sign extension of the low one
  const ext = hi & 0x80000000 ? 0xffffffff : 0;
  return !(h0 === ext && h1 === ext);
}

/** The unsigned 128-bit product of multiply64(), as four 32-bit words, least significant first. */
const product = new Uint32Array(4);

/**
 * Unsigned 64 x 64 -> 128-bit multiply on 16-bit limbs (each partial product and column sum
 * stays exact in a double), without BigInt; the result goes to `product`.
 */
function multiply64(alo: number, ahi: number, blo: number, bhi: number): void {
  const a0 = alo & 0xffff, a1 = alo >>> 16, a2 = ahi & 0xffff, a3 = ahi >>> 16;
  const b0 = blo & 0xffff, b1 = blo >>> 16, b2 = bhi & 0xffff, b3 = bhi >>> 16;
  // (`c & 0xffff` is exact for any integer below 2^53: ToInt32 works modulo 2^32)
  let c = a0 * b0;
  const l0 = c & 0xffff;
  c = Math.floor(c / 65536) + a0 * b1 + a1 * b0;
  const l1 = c & 0xffff;
  c = Math.floor(c / 65536) + a0 * b2 + a1 * b1 + a2 * b0;
  const l2 = c & 0xffff;
  c = Math.floor(c / 65536) + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  const l3 = c & 0xffff;
  c = Math.floor(c / 65536) + a1 * b3 + a2 * b2 + a3 * b1;
  const l4 = c & 0xffff;
  c = Math.floor(c / 65536) + a2 * b3 + a3 * b2;
  const l5 = c & 0xffff;
  c = Math.floor(c / 65536) + a3 * b3;
  const l6 = c & 0xffff;
  const l7 = Math.floor(c / 65536);
  product[0] = l0 | (l1 << 16);
  product[1] = l2 | (l3 << 16);
  product[2] = l4 | (l5 << 16);
  product[3] = l6 | (l7 << 16);
}

// ---- stack: push/pop of 64-bit registers and immediates, near call rel32, near ret ------------

/** pop's and ret's 8 bytes, read before anything changes (a fault leaves the state untouched) */
const popped = new Uint32Array(2);

/**
 * PUSH r64/imm, POP r64, CALL rel32 and RET (no immediate) with RSP in the canonical lower half
 * (the whole 8 bytes below 2^47), through the number-addressed memory; anything else (a stack in
 * the upper half, no number-addressed memory) takes the generic handler. Same order of effects as
 * the generic ones: the memory access first (it may fault), then RSP, then the destination.
 */
function stackForm(insn: Instruction, next: bigint): Handler | undefined {
  const op = insn.op;
  const ops = insn.operands;
  const generic = HANDLERS[op];
  if (generic === undefined || insn.lock || insn.opSize !== 8) return undefined;
  if (op === 'ret') return ops.length === 0 ? ret(generic) : undefined;
  if (ops.length !== 1) return undefined;
  const o = ops[0];
  if (op === 'call') {
    if (o.kind !== 'rel') return undefined;
    const target = o.target;
    if (!(target <= 0x7fffffffffffn || target >= 0xffff800000000000n)) return undefined; // generic path raises #GP
    return pushing(generic, -1, Number(next & 0xffffffffn), Number(next >> 32n), target);
  }
  if (op === 'push') {
    if (isGpr(o, 8)) return pushing(generic, (o as { num: number }).num * 2, 0, 0, undefined);
    if (o.kind !== 'imm') return undefined;
    const v = BigInt.asUintN(64, BigInt.asIntN(o.size * 8, o.value));
    return pushing(generic, -1, Number(v & 0xffffffffn), Number(v >> 32n), undefined);
  }
  if (op === 'pop' && isGpr(o, 8)) return pop(generic, (o as { num: number }).num * 2);
  return undefined;
}

/** Push register halves sn (or, sn -1, the value lo:hi); with `target`, a call to it. */
function pushing(generic: Handler, sn: number, lo: number, hi: number, target: bigint | undefined): Handler {
  return (cpu, i) => {
    const nm = cpu.numMem, g = cpu.gpr32;
    const splo = g[8], sphi = g[9];
    // the new RSP, below 2^47 and not below 0 (else the generic path: wrap-around, #SS, ...)
    if (nm === null || sphi >= HIGH_LIMIT || (sphi === 0 && splo < 8)) return generic(cpu, i);
    const nlo = (splo - 8) >>> 0, nhi = splo < 8 ? sphi - 1 : sphi;
    if (sn >= 0) nm.writeHalves(nhi * TWO32 + nlo, g[sn], g[sn + 1]);
    else nm.writeHalves(nhi * TWO32 + nlo, lo, hi);
    g[8] = nlo;
    g[9] = nhi;
    if (target !== undefined) cpu.nextRip = target;
  };
}

function pop(generic: Handler, dn: number): Handler {
  return (cpu, i) => {
    const nm = cpu.numMem, g = cpu.gpr32;
    const splo = g[8], sphi = g[9];
    const sp = sphi * TWO32 + splo;
    if (nm === null || sphi >= HIGH_LIMIT || sp > LOWER_HALF_END - 8) return generic(cpu, i);
    nm.readHalves(sp, popped, 0);
    const nlo = (splo + 8) >>> 0;
    g[8] = nlo;
    g[9] = nlo < 8 ? sphi + 1 : sphi;
    // after RSP: POP RSP loads the popped value
    g[dn] = popped[0];
    g[dn + 1] = popped[1];
  };
}

function ret(generic: Handler): Handler {
  return (cpu, i) => {
    const nm = cpu.numMem, g = cpu.gpr32;
    const splo = g[8], sphi = g[9];
    const sp = sphi * TWO32 + splo;
    if (nm === null || sphi >= HIGH_LIMIT || sp > LOWER_HALF_END - 8) return generic(cpu, i);
    nm.readHalves(sp, popped, 0);
    const hi = popped[1];
    // a return address outside the lower half: the generic path (#GP when not canonical)
    if (hi >= HIGH_LIMIT) return generic(cpu, i);
    const nlo = (splo + 8) >>> 0;
    g[8] = nlo;
    g[9] = nlo < 8 ? sphi + 1 : sphi;
    cpu.nextRip = BigInt(hi * TWO32 + popped[0]);
  };
}

// ---- rep stos -----------------------------------------------------------------------------------

const DF = 0x400;
/** as exec.ts's stringOp: iterations per step before the instruction re-executes itself */
const REP_CHUNK = 1 << 16;

/**
 * REP STOS with 64-bit addressing, forward (DF = 0), RCX and RDI below 2^32 and the whole run
 * below 2^32: the same iterations as the generic handler (RDI and RCX updated after each store,
 * so a fault in the middle resumes where it stopped), with number-addressed stores.
 */
function repStos(insn: Instruction): Handler | undefined {
  const size = insn.opSize;
  if (size !== 1 && size !== 4 && size !== 8) return undefined;
  const generic = HANDLERS.stos;
  if (generic === undefined) return undefined;
  return (cpu, i) => {
    const nm = cpu.numMem, g = cpu.gpr32, st = cpu.state;
    if (nm === null || (st.rflags & DF) !== 0 || g[3] !== 0 || g[15] !== 0) return generic(cpu, i);
    let count = g[2];
    if (count === 0) return;
    let n = count < REP_CHUNK ? count : REP_CHUNK;
    let di = g[14];
    if (di + n * size >= 0x100000000) return generic(cpu, i);
    const lo = g[0], hi = g[1];
    if (size === 1 && nm.fillBytes !== undefined) {
      // a page at a time where the memory allows it (RDI and RCX exact after each page; a #PF can
      // only come at the start of one); whatever it does not take goes byte by byte below
      let w: number;
      while (n > 0 && (w = nm.fillBytes(di, n, lo & 0xff)) > 0) {
        di += w;
        count -= w;
        n -= w;
        g[14] = di;
        g[2] = count;
      }
    }
    for (let k = 0; k < n; k++) {
      if (size === 8) nm.writeHalves(di, lo, hi);
      else nm.writeNumber(di, size, size === 1 ? lo & 0xff : lo);
      di += size;
      g[14] = di;
      count--;
      g[2] = count;
    }
    if (count !== 0) cpu.nextRip = i.address; // continue in the next step, as the generic handler does
  };
}

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
// below 2^36 (no FS/GS, 64-bit addressing); anything else runs the generic handler.

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
  const d = ops[0];
  if (d === undefined || d.kind !== 'reg' || d.cls !== 'gpr' || d.high8 || (d.size !== 4 && d.size !== 8)) return undefined;
  const size = d.size;
  const dn = d.num * 2;
  if (insn.op === 'inc' || insn.op === 'dec') return incDec(insn.op === 'inc', size, dn);
  const s = ops[1];
  if (ops.length !== 2) return undefined;
  // source: a register of the same size, or an immediate extended to the operand size
  let sn = -1, immLo = 0, immHi = 0;
  if (isGpr(s, size)) sn = (s as { num: number }).num * 2;
  else if (s.kind === 'imm') {
    let v = s.value;
    if (s.size < size && v & (1n << BigInt(s.size * 8 - 1))) v |= ((1n << BigInt(size * 8)) - 1n) & ~((1n << BigInt(s.size * 8)) - 1n);
    immLo = Number(v & 0xffffffffn);
    immHi = size === 8 ? Number((v >> 32n) & 0xffffffffn) : 0;
  } else return undefined;
  if (insn.op === 'mov') return move(size, dn, sn, immLo, immHi);
  if (BINARY.has(insn.op)) return size === 4 ? binary32(insn.op as Kind, dn, sn, immLo) : binary64(insn.op as Kind, dn, sn, immLo, immHi);
  return undefined;
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

function binary32(kind: Kind, dn: number, sn: number, imm: number): Handler {
  return (cpu) => {
    const g = halves(cpu);
    const st = cpu.state;
    const a = g[dn];
    const b = sn >= 0 ? g[sn] : imm;
    let r: number, fl: number;
    switch (kind) {
      case 'add': case 'adc': {
        const sum = a + b + (kind === 'adc' ? st.rflags & CF : 0);
        r = sum >>> 0;
        fl = szp32(r) | (sum > 0xffffffff ? CF : 0) | ((a ^ b ^ r) & AF) | ((a ^ r) & (b ^ r) & 0x80000000 ? OF : 0);
        break;
      }
      case 'sub': case 'sbb': case 'cmp': {
        const c = kind === 'sbb' ? st.rflags & CF : 0;
        r = (a - b - c) >>> 0;
        fl = szp32(r) | (a < b + c ? CF : 0) | ((a ^ b ^ r) & AF) | ((a ^ b) & (a ^ r) & 0x80000000 ? OF : 0);
        break;
      }
      case 'and': case 'test': r = (a & b) >>> 0; fl = szp32(r); break;
      case 'or': r = (a | b) >>> 0; fl = szp32(r); break;
      default: r = (a ^ b) >>> 0; fl = szp32(r); break;
    }
    st.rflags = (st.rflags & ~STATUS) | fl;
    if (kind !== 'cmp' && kind !== 'test') {
      g[dn] = r;
      g[dn + 1] = 0;
    }
  };
}

function binary64(kind: Kind, dn: number, sn: number, immLo: number, immHi: number): Handler {
  return (cpu) => {
    const g = halves(cpu);
    const st = cpu.state;
    const alo = g[dn], ahi = g[dn + 1];
    const blo = sn >= 0 ? g[sn] : immLo, bhi = sn >= 0 ? g[sn + 1] : immHi;
    let rlo: number, rhi: number, fl: number;
    switch (kind) {
      case 'add': case 'adc': {
        const lo = alo + blo + (kind === 'adc' ? st.rflags & CF : 0);
        rlo = lo >>> 0;
        const hi = ahi + bhi + (lo > 0xffffffff ? 1 : 0);
        rhi = hi >>> 0;
        fl = (hi > 0xffffffff ? CF : 0) | ((alo ^ blo ^ rlo) & AF) | ((ahi ^ rhi) & (bhi ^ rhi) & 0x80000000 ? OF : 0);
        break;
      }
      case 'sub': case 'sbb': case 'cmp': {
        const lo = alo - blo - (kind === 'sbb' ? st.rflags & CF : 0);
        rlo = lo >>> 0;
        const hi = ahi - bhi - (lo < 0 ? 1 : 0);
        rhi = hi >>> 0;
        fl = (hi < 0 ? CF : 0) | ((alo ^ blo ^ rlo) & AF) | ((ahi ^ bhi) & (ahi ^ rhi) & 0x80000000 ? OF : 0);
        break;
      }
      case 'and': case 'test': rlo = (alo & blo) >>> 0; rhi = (ahi & bhi) >>> 0; fl = 0; break;
      case 'or': rlo = (alo | blo) >>> 0; rhi = (ahi | bhi) >>> 0; fl = 0; break;
      default: rlo = (alo ^ blo) >>> 0; rhi = (ahi ^ bhi) >>> 0; fl = 0; break;
    }
    fl |= PARITY[rlo & 0xff] | ((rlo | rhi) === 0 ? ZF : 0) | (rhi & 0x80000000 ? SF : 0);
    st.rflags = (st.rflags & ~STATUS) | fl;
    if (kind !== 'cmp' && kind !== 'test') {
      g[dn] = rlo;
      g[dn + 1] = rhi;
    }
  };
}

/** INC/DEC: like add/sub 1 with CF preserved. */
function incDec(inc: boolean, size: number, dn: number): Handler {
  const keep = CF;
  return (cpu) => {
    const g = halves(cpu);
    const st = cpu.state;
    const alo = g[dn], ahi = size === 8 ? g[dn + 1] : 0;
    let rlo: number, rhi: number, fl: number;
    if (inc) {
      rlo = (alo + 1) >>> 0;
      rhi = size === 8 ? (rlo === 0 ? (ahi + 1) >>> 0 : ahi) : 0;
      const top = size === 8 ? ahi : alo, rtop = size === 8 ? rhi : rlo;
      fl = ((alo ^ 1 ^ rlo) & AF) | (~top & rtop & 0x80000000 ? OF : 0);
    } else {
      rlo = (alo - 1) >>> 0;
      rhi = size === 8 ? (alo === 0 ? (ahi - 1) >>> 0 : ahi) : 0;
      const top = size === 8 ? ahi : alo, rtop = size === 8 ? rhi : rlo;
      fl = ((alo ^ 1 ^ rlo) & AF) | (top & ~rtop & 0x80000000 ? OF : 0);
    }
    fl |= PARITY[rlo & 0xff] | ((rlo | rhi) === 0 ? ZF : 0) | ((size === 8 ? rhi : rlo) & 0x80000000 ? SF : 0);
    st.rflags = (st.rflags & ~(STATUS & ~keep)) | fl;
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
    if (m.index !== null || a < 0n || a >= 1n << 36n) return undefined;
    const an = Number(a);
    return () => an;
  }
  const b = m.base === null ? -1 : (m.base as number) * 2;
  const i = m.index === null ? -1 : m.index * 2;
  const scale = m.scale;
  // a result below 0 (negative displacement) or a register above 2^32 takes the generic path
  if (b >= 0 && i >= 0) return (g) => ((g[b + 1] | g[i + 1]) !== 0 ? -1 : g[b] + g[i] * scale + disp);
  if (b >= 0) return (g) => (g[b + 1] !== 0 ? -1 : g[b] + disp);
  if (i >= 0) return (g) => (g[i + 1] !== 0 ? -1 : g[i] * scale + disp);
  return disp >= 0 ? () => disp : undefined;
}

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
    if (insn.op === 'mov' ? d.size === 8 && size === 8 : d.size === 4 && size === 1) {
      if (size === 8) {
        return (cpu, i) => {
          const nm = cpu.numMem, g = cpu.gpr32;
          const a = nm === null ? -1 : addr(g);
          if (a < 0) return generic(cpu, i);
          nm!.readHalves(a, g, dn);
        };
      }
      return (cpu, i) => {
        const nm = cpu.numMem, g = cpu.gpr32;
        const a = nm === null ? -1 : addr(g);
        if (a < 0) return generic(cpu, i);
        const v = nm!.readNumber(a, 1);
        g[dn] = v;
        g[dn + 1] = 0;
      };
    }
    if (insn.op === 'mov' && d.size === 4 && size === 4) {
      return (cpu, i) => {
        const nm = cpu.numMem, g = cpu.gpr32;
        const a = nm === null ? -1 : addr(g);
        if (a < 0) return generic(cpu, i);
        const v = nm!.readNumber(a, 4);
        g[dn] = v;
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
  const ai = an >> 1, bi = bn >> 1, di = dn >> 1;
  return (cpu) => {
    const gpr = cpu.state.gpr;
    const p = BigInt.asIntN(64, gpr[ai]) * (bi >= 0 ? BigInt.asIntN(64, gpr[bi]) : imm);
    const r = BigInt.asUintN(64, p);
    gpr[di] = r;
    const g = cpu.gpr32;
    const lo = g[dn], hi = g[dn + 1];
    const fl = PARITY[lo & 0xff] | ((lo | hi) === 0 ? ZF : 0) | (hi & 0x80000000 ? SF : 0) | (BigInt.asIntN(64, r) === p ? 0 : CF | OF);
    const st = cpu.state;
    st.rflags = (st.rflags & ~STATUS) | fl;
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
    const n = count < REP_CHUNK ? count : REP_CHUNK;
    let di = g[14];
    if (di + n * size >= 0x100000000) return generic(cpu, i);
    const lo = g[0], hi = g[1];
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

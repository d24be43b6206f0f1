// Fast paths for the commonest register-only instruction shapes, chosen once per decoded
// instruction (Cpu.decodeAt calls specialize()). They compute on 32-bit halves of the registers as
// plain numbers through a Uint32Array view of CpuState.gpr, avoiding BigInt allocation; results
// are identical to the generic handlers in exec.ts (the differential vectors run through both:
// register forms take these paths, memory forms the generic ones).
//
// Covered: add/adc/sub/sbb/cmp/and/or/xor/test, inc/dec and mov with 32/64-bit general-register
// destinations and register or immediate sources; jcc with its target precomputed.

import type { Instruction, Operand } from '../isa/types';
import type { Cpu } from './cpu';
import type { Handler } from './exec';
import { condition } from './exec';

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

/** A specialised handler for `insn`, or undefined to use the generic one. */
export function specialize(insn: Instruction): Handler | undefined {
  if (!LITTLE_ENDIAN) return undefined;
  const ops = insn.operands;
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

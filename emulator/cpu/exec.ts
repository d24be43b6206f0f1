// Semantics of the integer instructions: one handler per `op` of isa/table.ts.
//
// Conventions (see cpu.ts): a handler reads every input first, performs memory writes next and
// register writes last, so a fault from the memory leaves registers as they were. Flags are
// written by alu.ts helpers straight into state.rflags; Cpu.step() restores RFLAGS on a fault.
// Branches set cpu.nextRip. Operands are in Intel order (destination first).

import type { Instruction, Operand } from '../isa/types';
import { CpuFault, F as STATE_F, Vec, MSR, type Size } from './state';
import * as aluModule from './alu';

// Module-local copies of hot imports (see alu.ts: imported bindings can be getters).
const alu = { ...aluModule };
const F = { ...STATE_F };
const { MASK, SIGN, BITS_N } = aluModule;
import type { Cpu } from './cpu';

export type Handler = (cpu: Cpu, insn: Instruction) => void;

const ud = (detail: string) => new CpuFault(Vec.UD, undefined, undefined, detail);
const gp0 = (detail: string) => new CpuFault(Vec.GP, 0, undefined, detail);

/** Sign-extend a `from`-byte value to `to` bytes. */
function sext(v: bigint, from: Size, to: Size): bigint {
  return (v & SIGN[from] ? v | (MASK[to] & ~MASK[from]) : v) & MASK[to];
}

function isCanonical(a: bigint): boolean {
  return a <= 0x7fffffffffffn || a >= 0xffff800000000000n;
}

/** Evaluate condition code 0..15 (o no b ae e ne be a s ns p np l ge le g) against RFLAGS. */
export function condition(rflags: number, cc: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = (rflags & F.OF) !== 0; break;
    case 1: r = (rflags & F.CF) !== 0; break;
    case 2: r = (rflags & F.ZF) !== 0; break;
    case 3: r = (rflags & (F.CF | F.ZF)) !== 0; break;
    case 4: r = (rflags & F.SF) !== 0; break;
    case 5: r = (rflags & F.PF) !== 0; break;
    case 6: r = ((rflags & F.SF) !== 0) !== ((rflags & F.OF) !== 0); break;
    default: r = (rflags & F.ZF) !== 0 || ((rflags & F.SF) !== 0) !== ((rflags & F.OF) !== 0); break;
  }
  return cc & 1 ? !r : r;
}

/** Jump to `target`, #GP(0) if it is not canonical (RIP stays at the branch). */
function branch(cpu: Cpu, target: bigint): void {
  if (!isCanonical(target)) throw gp0(`branch to non-canonical address 0x${target.toString(16)}`);
  cpu.nextRip = target;
}

/** Value of a source operand extended to the destination's size (imm8 sign-extension etc.). */
function source(cpu: Cpu, o: Operand, size: Size): bigint {
  const v = cpu.readOperand(o);
  if (o.kind === 'imm' && o.size < size) return sext(v, o.size, size);
  return v & MASK[size];
}

// ---- two-operand ALU ----------------------------------------------------------------------------

type Binary = (cpu: Cpu, a: bigint, b: bigint, size: Size) => bigint;

/** dest = fn(dest, src); `store` false for cmp/test. */
function binary(fn: Binary, store: boolean): Handler {
  return (cpu, insn) => {
    const d = insn.operands[0], s = insn.operands[1];
    const size = cpu.operandSize(d, insn);
    const a = cpu.readOperand(d);
    const b = source(cpu, s, size);
    const r = fn(cpu, a, b, size);
    if (store) cpu.writeOperand(d, r);
  };
}

const cf = (cpu: Cpu) => BigInt(cpu.state.rflags & F.CF);
const addF: Binary = (cpu, a, b, size) => alu.add(cpu.state, a, b, size);
const adcF: Binary = (cpu, a, b, size) => alu.add(cpu.state, a, b, size, cf(cpu));
const subF: Binary = (cpu, a, b, size) => alu.sub(cpu.state, a, b, size);
const sbbF: Binary = (cpu, a, b, size) => alu.sub(cpu.state, a, b, size, cf(cpu));
const andF: Binary = (cpu, a, b, size) => alu.logic(cpu.state, a & b, size);
const orF: Binary = (cpu, a, b, size) => alu.logic(cpu.state, a | b, size);
const xorF: Binary = (cpu, a, b, size) => alu.logic(cpu.state, a ^ b, size);

type Unary = (cpu: Cpu, a: bigint, size: Size) => bigint;
function unary(fn: Unary): Handler {
  return (cpu, insn) => {
    const d = insn.operands[0];
    const size = cpu.operandSize(d, insn);
    cpu.writeOperand(d, fn(cpu, cpu.readOperand(d), size));
  };
}

// ---- shifts ---------------------------------------------------------------------------------------

type Shift = (f: aluModule.FlagHolder, a: bigint, count: number, size: Size) => bigint;
function shift(fn: Shift): Handler {
  return (cpu, insn) => {
    const d = insn.operands[0];
    const size = cpu.operandSize(d, insn);
    const count = insn.operands.length > 1 ? Number(cpu.readOperand(insn.operands[1]) & 0xffn) : 1;
    const a = cpu.readOperand(d);
    const r = fn(cpu.state, a, count, size);
    // a masked count of 0 is a no-op, but a register destination is still written (32-bit
    // destinations are zero-extended, as on hardware)
    cpu.writeOperand(d, r);
  };
}

function doubleShift(left: boolean): Handler {
  return (cpu, insn) => {
    const [d, s, c] = insn.operands;
    const size = cpu.operandSize(d, insn);
    const count = Number(cpu.readOperand(c) & 0xffn);
    const a = cpu.readOperand(d);
    const b = cpu.readOperand(s);
    const r = left ? alu.shld(cpu.state, a, b, count, size) : alu.shrd(cpu.state, a, b, count, size);
    cpu.writeOperand(d, r);
  };
}

// ---- multiply / divide --------------------------------------------------------------------------

/** Store a double-width result in AX (byte ops) or rDX:rAX. */
function storeWide(cpu: Cpu, size: Size, lo: bigint, hi: bigint): void {
  if (size === 1) cpu.setReg(0, 2, (hi << 8n) | lo);
  else {
    cpu.setReg(0, size, lo);
    cpu.setReg(2, size, hi);
  }
}

function wideDividend(cpu: Cpu, size: Size): bigint {
  if (size === 1) return cpu.getReg(0, 2);
  return (cpu.getReg(2, size) << BigInt(BITS_N[size])) | cpu.getReg(0, size);
}

const mulH: Handler = (cpu, insn) => {
  const s = insn.operands[insn.operands.length - 1];
  const size = cpu.operandSize(s, insn);
  const b = cpu.readOperand(s);
  const [lo, hi] = alu.mul(cpu.state, cpu.getReg(0, size), b, size);
  storeWide(cpu, size, lo, hi);
};

const imulH: Handler = (cpu, insn) => {
  const ops = insn.operands;
  if (ops.length === 1) {
    const size = cpu.operandSize(ops[0], insn);
    const b = cpu.readOperand(ops[0]);
    const [lo, hi] = alu.imul(cpu.state, cpu.getReg(0, size), b, size);
    storeWide(cpu, size, lo, hi);
    return;
  }
  const d = ops[0];
  const size = cpu.operandSize(d, insn);
  const a = ops.length === 3 ? cpu.readOperand(ops[1]) : cpu.readOperand(d);
  const b = source(cpu, ops[ops.length - 1], size);
  const [lo] = alu.imul(cpu.state, a, b, size);
  cpu.writeOperand(d, lo);
};

const divH: Handler = (cpu, insn) => {
  const s = insn.operands[insn.operands.length - 1];
  const size = cpu.operandSize(s, insn);
  const divisor = cpu.readOperand(s);
  if (divisor === 0n) throw new CpuFault(Vec.DE, undefined, undefined, 'division by zero');
  const dividend = wideDividend(cpu, size);
  const q = dividend / divisor;
  if (q > MASK[size]) throw new CpuFault(Vec.DE, undefined, undefined, 'quotient too large for the destination');
  const r = dividend % divisor;
  // flags are undefined after DIV; they are left as they were
  if (size === 1) cpu.setReg(0, 2, (r << 8n) | q);
  else {
    cpu.setReg(0, size, q);
    cpu.setReg(2, size, r);
  }
};

const idivH: Handler = (cpu, insn) => {
  const s = insn.operands[insn.operands.length - 1];
  const size = cpu.operandSize(s, insn);
  const divisor = alu.toSigned(cpu.readOperand(s), size);
  if (divisor === 0n) throw new CpuFault(Vec.DE, undefined, undefined, 'division by zero');
  const wide = (size * 2) as 2 | 4 | 8 | 16;
  const raw = wideDividend(cpu, size);
  const wideSign = 1n << BigInt(wide * 8 - 1);
  const dividend = raw & wideSign ? raw - (wideSign << 1n) : raw;
  const q = dividend / divisor; // BigInt division truncates toward zero, like IDIV
  const r = dividend % divisor; // remainder has the dividend's sign, like IDIV
  if (q > MASK[size] >> 1n || q < -(MASK[size] >> 1n) - 1n) {
    throw new CpuFault(Vec.DE, undefined, undefined, 'quotient out of range for the destination');
  }
  const qm = q & MASK[size], rm = r & MASK[size];
  if (size === 1) cpu.setReg(0, 2, (rm << 8n) | qm);
  else {
    cpu.setReg(0, size, qm);
    cpu.setReg(2, size, rm);
  }
};

// ---- bit operations -------------------------------------------------------------------------------

type BitOp = 'bt' | 'bts' | 'btr' | 'btc';
function bitTest(kind: BitOp): Handler {
  return (cpu, insn) => {
    const [d, s] = insn.operands;
    const size = cpu.operandSize(d, insn);
    const bits = BITS_N[size];
    let offset = cpu.readOperand(s);
    let addr = 0n;
    let value: bigint;
    if (d.kind === 'mem') {
      addr = cpu.effectiveAddress(d);
      if (s.kind !== 'imm') {
        // a register bit offset is signed and selects an operand-sized word relative to the address
        const signed = alu.toSigned(offset & MASK[size], size);
        const word = signed >> BigInt(Math.log2(bits)); // floor division
        addr = (addr + word * BigInt(size)) & MASK[8];
      }
      value = cpu.mem.read(addr, size, 'read');
    } else {
      value = cpu.readOperand(d);
    }
    offset &= BigInt(bits - 1);
    const mask = 1n << offset;
    const old = (value & mask) !== 0n;
    let r = value;
    if (kind === 'bts') r = value | mask;
    else if (kind === 'btr') r = value & ~mask;
    else if (kind === 'btc') r = value ^ mask;
    if (kind !== 'bt') {
      if (d.kind === 'mem') cpu.mem.write(addr, size, r);
      else cpu.writeOperand(d, r);
    }
    alu.writeFlags(cpu.state, F.CF, old ? F.CF : 0);
  };
}

/** BSF/BSR: the index of the lowest/highest set bit. A zero source sets ZF and leaves the
 *  destination unchanged (documented by AMD, done by Intel). */
function bitScan(find: (v: bigint) => number): Handler {
  return (cpu, insn) => {
    const [d, s] = insn.operands;
    const size = cpu.operandSize(d, insn);
    const v = cpu.readOperand(s);
    if (v === 0n) {
      alu.writeFlags(cpu.state, alu.STATUS, F.ZF);
      return;
    }
    alu.writeFlags(cpu.state, alu.STATUS, 0);
    cpu.writeOperand(d, BigInt(find(v)) & MASK[size]);
  };
}

const bsfH = bitScan(alu.lowestBit);
const bsrH = bitScan(alu.highestBit);

function countBits(kind: 'tzcnt' | 'lzcnt'): Handler {
  return (cpu, insn) => {
    const [d, s] = insn.operands;
    const size = cpu.operandSize(d, insn);
    const bits = BITS_N[size];
    const v = cpu.readOperand(s);
    let n: number;
    if (v === 0n) n = bits;
    else n = kind === 'tzcnt' ? alu.lowestBit(v) : bits - 1 - alu.highestBit(v);
    let fl = 0;
    if (v === 0n) fl |= F.CF;
    if (n === 0) fl |= F.ZF;
    alu.writeFlags(cpu.state, alu.STATUS, fl);
    cpu.writeOperand(d, BigInt(n));
  };
}

const popcntH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  const v = cpu.readOperand(s);
  alu.writeFlags(cpu.state, alu.STATUS, v === 0n ? F.ZF : 0);
  cpu.writeOperand(d, BigInt(alu.popcount(v)));
};

const bswapH: Handler = (cpu, insn) => {
  const d = insn.operands[0];
  const size = cpu.operandSize(d, insn);
  const v = cpu.readOperand(d);
  let r = 0n;
  if (size !== 2) {
    // 16-bit BSWAP is undefined; it yields 0 here (as Intel parts do)
    for (let i = 0; i < size; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  }
  cpu.writeOperand(d, r);
};

// ---- data movement --------------------------------------------------------------------------------

const movH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  cpu.writeOperand(d, source(cpu, s, cpu.operandSize(d, insn)));
};

const movzxH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  cpu.writeOperand(d, cpu.readOperand(s));
};

const movsxH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  const to = cpu.operandSize(d, insn), from = cpu.operandSize(s, insn);
  cpu.writeOperand(d, sext(cpu.readOperand(s), from, to));
};

const cmovH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  const v = cpu.readOperand(s); // read (and possibly fault) even when the condition is false
  if (condition(cpu.state.rflags, insn.cond!)) cpu.writeOperand(d, v);
  else if (d.kind === 'reg' && d.size === 4) cpu.writeOperand(d, cpu.readOperand(d)); // zero-extends
};

const setccH: Handler = (cpu, insn) => {
  cpu.writeOperand(insn.operands[0], condition(cpu.state.rflags, insn.cond!) ? 1n : 0n);
};

const leaH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  if (s.kind !== 'mem') throw ud('lea with a register source');
  cpu.writeOperand(d, cpu.effectiveAddress(s, false) & MASK[cpu.operandSize(d, insn)]);
};

/** Write a memory operand before a register one, so a fault leaves the register intact. */
function writePair(cpu: Cpu, a: Operand, av: bigint, b: Operand, bv: bigint): void {
  if (b.kind === 'mem') {
    cpu.writeOperand(b, bv);
    cpu.writeOperand(a, av);
  } else {
    cpu.writeOperand(a, av);
    cpu.writeOperand(b, bv);
  }
}

const xchgH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  const a = cpu.readOperand(d), b = cpu.readOperand(s);
  writePair(cpu, d, b, s, a);
};

const xaddH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  const size = cpu.operandSize(d, insn);
  const a = cpu.readOperand(d), b = cpu.readOperand(s);
  const sum = alu.add(cpu.state, a, b, size);
  // SRC <- DEST, then DEST <- sum (so `xadd %eax,%eax` leaves the sum)
  if (d.kind === 'mem') {
    cpu.writeOperand(d, sum);
    cpu.writeOperand(s, a);
  } else {
    cpu.writeOperand(s, a);
    cpu.writeOperand(d, sum);
  }
};

const cmpxchgH: Handler = (cpu, insn) => {
  const [d, s] = insn.operands;
  const size = cpu.operandSize(d, insn);
  const dest = cpu.readOperand(d);
  const src = cpu.readOperand(s);
  const acc = cpu.getReg(0, size);
  alu.sub(cpu.state, acc, dest, size);
  if (acc === dest) {
    cpu.writeOperand(d, src);
  } else {
    // the processor writes the old value back to a memory destination (a locked RMW cycle)
    if (d.kind === 'mem') cpu.writeOperand(d, dest);
    cpu.setReg(0, size, dest);
  }
};

const cbwH: Handler = (cpu, insn) => {
  const size = insn.opSize;
  const half = (size / 2) as Size;
  cpu.setReg(0, size, sext(cpu.getReg(0, half), half, size));
};

const cwdH: Handler = (cpu, insn) => {
  const size = insn.opSize;
  cpu.setReg(2, size, cpu.getReg(0, size) & SIGN[size] ? MASK[size] : 0n);
};

// ---- stack ---------------------------------------------------------------------------------------

const pushH: Handler = (cpu, insn) => {
  const o = insn.operands[0];
  const size = insn.opSize;
  let v = cpu.readOperand(o);
  if (o.kind === 'imm' && o.size < size) v = sext(v, o.size, size);
  cpu.push(v, size);
};

const popH: Handler = (cpu, insn) => {
  const d = insn.operands[0];
  const size = insn.opSize;
  const v = cpu.peek(size);
  const g = cpu.state.gpr;
  const oldSp = g[4];
  // RSP is incremented before the destination's address is computed (pop (%rsp) semantics)
  g[4] = (oldSp + BigInt(size)) & MASK[8];
  try {
    cpu.writeOperand(d, v);
  } catch (e) {
    g[4] = oldSp;
    throw e;
  }
};

const pushfH: Handler = (cpu, insn) => {
  cpu.push(BigInt(cpu.state.rflags & ~(F.VM | F.RF)), insn.opSize);
};

/** Bits POPF may change at CPL 0 (VM, RF, VIF, VIP are never loaded by POPF in 64-bit mode). */
const POPF_BITS = F.CF | F.PF | F.AF | F.ZF | F.SF | F.TF | F.IF | F.DF | F.OF | F.IOPL | F.NT | F.AC | F.ID;

const popfH: Handler = (cpu, insn) => {
  const st = cpu.state;
  const size = insn.opSize;
  const v = Number(cpu.peek(size) & 0xffffffffn);
  let writable = POPF_BITS;
  if (size === 2) writable &= 0xffff;
  if (st.cpl > 0) writable &= ~F.IOPL;
  const iopl = (st.rflags & F.IOPL) >> 12;
  if (st.cpl > iopl) writable &= ~F.IF;
  st.gpr[4] = (st.gpr[4] + BigInt(size)) & MASK[8];
  st.rflags = ((st.rflags & ~writable) | (v & writable) | 0x2) & ~F.RF;
};

const enterH: Handler = (cpu, insn) => {
  const st = cpu.state;
  const frameSize = cpu.readOperand(insn.operands[0]) & 0xffffn;
  const level = Number(cpu.readOperand(insn.operands[1]) & 0x1fn);
  const size = insn.opSize;
  // compute every write first so a fault leaves RSP/RBP untouched
  let sp = st.gpr[4];
  const writes: [bigint, bigint][] = [];
  sp = (sp - BigInt(size)) & MASK[8];
  writes.push([sp, st.gpr[5] & MASK[size]]);
  const frameTemp = sp;
  if (level > 0) {
    let bp = st.gpr[5];
    for (let i = 1; i < level; i++) {
      bp = (bp - BigInt(size)) & MASK[8];
      const v = cpu.mem.read(cpu.stackAddress(bp), size, 'read');
      sp = (sp - BigInt(size)) & MASK[8];
      writes.push([sp, v]);
    }
    sp = (sp - BigInt(size)) & MASK[8];
    writes.push([sp, frameTemp & MASK[size]]);
  }
  for (const [a, v] of writes) cpu.mem.write(cpu.stackAddress(a), size, v);
  cpu.setReg(5, size, frameTemp);
  st.gpr[4] = (sp - frameSize) & MASK[8];
};

const leaveH: Handler = (cpu, insn) => {
  const st = cpu.state;
  const size = insn.opSize;
  const bp = st.gpr[5];
  const v = cpu.mem.read(cpu.stackAddress(bp), size, 'read');
  st.gpr[4] = (bp + BigInt(size)) & MASK[8];
  cpu.setReg(5, size, v);
};

// ---- control transfer -----------------------------------------------------------------------------

const jccH: Handler = (cpu, insn) => {
  if (condition(cpu.state.rflags, insn.cond!)) branch(cpu, cpu.readOperand(insn.operands[0]));
};

const jmpH: Handler = (cpu, insn) => {
  branch(cpu, cpu.readOperand(insn.operands[0]));
};

const callH: Handler = (cpu, insn) => {
  const target = cpu.readOperand(insn.operands[0]);
  if (!isCanonical(target)) throw gp0(`call to non-canonical address 0x${target.toString(16)}`);
  cpu.push(cpu.nextRip, 8);
  cpu.nextRip = target;
};

const retH: Handler = (cpu, insn) => {
  const st = cpu.state;
  const target = cpu.peek(8);
  if (!isCanonical(target)) throw gp0(`return to non-canonical address 0x${target.toString(16)}`);
  const extra = insn.operands.length ? cpu.readOperand(insn.operands[0]) & 0xffffn : 0n;
  st.gpr[4] = (st.gpr[4] + 8n + extra) & MASK[8];
  cpu.nextRip = target;
};

/** RCX (or ECX with a 0x67 prefix) as the loop counter. */
function counter(cpu: Cpu, insn: Instruction): bigint {
  return insn.addrSize === 8 ? cpu.state.gpr[1] : cpu.state.gpr[1] & 0xffffffffn;
}
function setCounter(cpu: Cpu, insn: Instruction, v: bigint): void {
  cpu.setReg(1, insn.addrSize === 8 ? 8 : 4, v);
}

const loopH: Handler = (cpu, insn) => {
  const target = cpu.readOperand(insn.operands[0]);
  const n = (counter(cpu, insn) - 1n) & MASK[insn.addrSize];
  let taken = n !== 0n;
  if (taken && insn.op === 'loopcc') taken = condition(cpu.state.rflags, insn.cond!);
  if (taken) branch(cpu, target);
  setCounter(cpu, insn, n);
};

const jrcxzH: Handler = (cpu, insn) => {
  if (counter(cpu, insn) === 0n) branch(cpu, cpu.readOperand(insn.operands[0]));
};

// ---- string instructions ------------------------------------------------------------------------

/** Iterations a REP instruction runs per step before yielding (it then re-executes itself). */
const REP_CHUNK = 1 << 16;

function sourceSegBase(cpu: Cpu, insn: Instruction): bigint {
  return insn.seg === 4 || insn.seg === 5 ? cpu.state.seg[insn.seg].base : 0n;
}

function stringOp(kind: 'movs' | 'stos' | 'lods' | 'cmps' | 'scas'): Handler {
  return (cpu, insn) => {
    const st = cpu.state;
    const size = insn.opSize;
    const a8 = insn.addrSize === 8;
    const amask = a8 ? MASK[8] : 0xffffffffn;
    const step = st.rflags & F.DF ? -BigInt(size) : BigInt(size);
    const srcBase = sourceSegBase(cpu, insn);
    const rep = insn.rep;
    let left = REP_CHUNK;
    for (;;) {
      if (rep !== null && counter(cpu, insn) === 0n) return;
      const si = st.gpr[6] & amask, di = st.gpr[7] & amask;
      switch (kind) {
        case 'movs': {
          const v = cpu.mem.read(canon(cpu, (srcBase + si) & MASK[8]), size, 'read');
          cpu.mem.write(canon(cpu, di), size, v);
          cpu.setReg(6, a8 ? 8 : 4, si + step);
          cpu.setReg(7, a8 ? 8 : 4, di + step);
          break;
        }
        case 'stos':
          cpu.mem.write(canon(cpu, di), size, cpu.getReg(0, size));
          cpu.setReg(7, a8 ? 8 : 4, di + step);
          break;
        case 'lods': {
          const v = cpu.mem.read(canon(cpu, (srcBase + si) & MASK[8]), size, 'read');
          cpu.setReg(0, size, v);
          cpu.setReg(6, a8 ? 8 : 4, si + step);
          break;
        }
        case 'cmps': {
          const a = cpu.mem.read(canon(cpu, (srcBase + si) & MASK[8]), size, 'read');
          const b = cpu.mem.read(canon(cpu, di), size, 'read');
          alu.sub(st, a, b, size);
          cpu.setReg(6, a8 ? 8 : 4, si + step);
          cpu.setReg(7, a8 ? 8 : 4, di + step);
          break;
        }
        case 'scas': {
          const b = cpu.mem.read(canon(cpu, di), size, 'read');
          alu.sub(st, cpu.getReg(0, size), b, size);
          cpu.setReg(7, a8 ? 8 : 4, di + step);
          break;
        }
      }
      if (rep === null) return;
      const n = counter(cpu, insn) - 1n;
      setCounter(cpu, insn, n);
      if (n === 0n) return;
      if (kind === 'cmps' || kind === 'scas') {
        const zf = (st.rflags & F.ZF) !== 0;
        if (rep === 'rep' ? !zf : zf) return;
      }
      if (--left === 0) {
        cpu.nextRip = insn.address; // continue in the next step, like an interrupt window
        return;
      }
    }
  };
}

function canon(_cpu: Cpu, a: bigint): bigint {
  if (!isCanonical(a)) throw gp0(`non-canonical address 0x${a.toString(16)}`);
  return a;
}

// ---- flags and misc ---------------------------------------------------------------------------

const setFlag = (bit: number, on: boolean | 'toggle'): Handler => (cpu) => {
  const st = cpu.state;
  if (on === 'toggle') st.rflags ^= bit;
  else st.rflags = on ? st.rflags | bit : st.rflags & ~bit;
};

const LAHF_BITS = F.SF | F.ZF | F.AF | F.PF | F.CF;
const lahfH: Handler = (cpu) => cpu.setReg(0, 1, BigInt((cpu.state.rflags & LAHF_BITS) | 0x2), true);
const sahfH: Handler = (cpu) => {
  const ah = Number(cpu.getReg(0, 1, true));
  alu.writeFlags(cpu.state, LAHF_BITS, ah);
};

const nopH: Handler = () => {};

// CPUID. The vendor string is our own ("RingstepCPU "); feature bits advertise what this CPU and
// the machine layer implement.
const VENDOR = 'RingstepCPU ';
const BRAND = 'Ringstep virtual x86-64 CPU'.padEnd(48, '\0');
function str4(s: string, at: number): bigint {
  let v = 0;
  for (let i = 3; i >= 0; i--) v = v * 256 + s.charCodeAt(at + i);
  return BigInt(v);
}
const bit = (n: number) => 1n << BigInt(n);
/** leaf -> [eax, ebx, ecx, edx] */
function cpuidLeaf(leaf: number, sub: number): [bigint, bigint, bigint, bigint] {
  switch (leaf) {
    case 0: return [7n, str4(VENDOR, 0), str4(VENDOR, 8), str4(VENDOR, 4)];
    case 1:
      // family 6, model 0x8f, stepping 8; CLFLUSH line 8 qwords; 1 logical processor
      return [0x000806f8n, (8n << 8n) | (1n << 16n),
        bit(23) /* POPCNT */ | bit(30) /* RDRAND */,
        bit(3) /* PSE */ | bit(4) /* TSC */ | bit(5) /* MSR */ | bit(6) /* PAE */ | bit(13) /* PGE */ | bit(15) /* CMOV */];
    case 7:
      if (sub !== 0) return [0n, 0n, 0n, 0n];
      return [0n, bit(7) /* SMEP */ | bit(9) /* ERMS */ | bit(20) /* SMAP */, 0n,
        bit(4) /* FSRM */ | bit(10) /* MD_CLEAR (VERW flushes buffers) */ | bit(26) /* IBRS/IBPB */];
    case 0x80000000: return [0x80000008n, 0n, 0n, 0n];
    case 0x80000001:
      return [0n, 0n, bit(0) /* LAHF/SAHF */ | bit(5) /* LZCNT */,
        bit(11) /* SYSCALL */ | bit(20) /* NX */ | bit(27) /* RDTSCP */ | bit(29) /* LM */];
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const at = (leaf - 0x80000002) * 16;
      return [str4(BRAND, at), str4(BRAND, at + 4), str4(BRAND, at + 8), str4(BRAND, at + 12)];
    }
    case 0x80000008: return [0x3027n /* 39 physical, 48 linear address bits */, 0n, 0n, 0n];
    default: return [0n, 0n, 0n, 0n];
  }
}
export { cpuidLeaf };

const cpuidH: Handler = (cpu) => {
  const g = cpu.state.gpr;
  const [a, b, c, d] = cpuidLeaf(Number(g[0] & 0xffffffffn), Number(g[1] & 0xffffffffn));
  g[0] = a; g[3] = b; g[1] = c; g[2] = d;
};

const rdtscH: Handler = (cpu) => {
  const t = cpu.state.retired;
  cpu.setReg(0, 4, t & 0xffffffffn);
  cpu.setReg(2, 4, (t >> 32n) & 0xffffffffn);
};

const rdtscpH: Handler = (cpu) => {
  rdtscH(cpu, cpu.current!);
  cpu.setReg(1, 4, (cpu.state.msr.get(MSR.TSC_AUX) ?? 0n) & 0xffffffffn);
};

const rdrandH: Handler = (cpu, insn) => {
  const d = insn.operands[0];
  const size = cpu.operandSize(d, insn);
  let v = BigInt(cpu.random32());
  if (size === 8) v = (v << 32n) | BigInt(cpu.random32());
  cpu.writeOperand(d, v & MASK[size]);
  alu.writeFlags(cpu.state, alu.STATUS, F.CF);
};

const ud2H: Handler = () => {
  throw ud('ud2');
};

export const HANDLERS: Record<string, Handler> = {
  add: binary(addF, true), adc: binary(adcF, true), sub: binary(subF, true), sbb: binary(sbbF, true),
  and: binary(andF, true), or: binary(orF, true), xor: binary(xorF, true),
  cmp: binary(subF, false), test: binary(andF, false),
  inc: unary((cpu, a, size) => alu.inc(cpu.state, a, size)),
  dec: unary((cpu, a, size) => alu.dec(cpu.state, a, size)),
  neg: unary((cpu, a, size) => alu.neg(cpu.state, a, size)),
  not: unary((_cpu, a, size) => ~a & MASK[size]),
  mul: mulH, imul: imulH, div: divH, idiv: idivH,
  shl: shift(alu.shl), sal: shift(alu.shl), shr: shift(alu.shr), sar: shift(alu.sar),
  rol: shift(alu.rol), ror: shift(alu.ror), rcl: shift(alu.rcl), rcr: shift(alu.rcr),
  shld: doubleShift(true), shrd: doubleShift(false),
  bt: bitTest('bt'), bts: bitTest('bts'), btr: bitTest('btr'), btc: bitTest('btc'),
  bsf: bsfH, bsr: bsrH, tzcnt: countBits('tzcnt'), lzcnt: countBits('lzcnt'), popcnt: popcntH, bswap: bswapH,
  mov: movH, movabs: movH, movzx: movzxH, movsx: movsxH, movsxd: movsxH, cmovcc: cmovH, setcc: setccH, lea: leaH,
  xchg: xchgH, xadd: xaddH, cmpxchg: cmpxchgH, cbw: cbwH, cwd: cwdH,
  push: pushH, pop: popH, pushf: pushfH, popf: popfH, enter: enterH, leave: leaveH,
  jcc: jccH, jmp: jmpH, call: callH, ret: retH, loop: loopH, loopcc: loopH, jrcxz: jrcxzH,
  movs: stringOp('movs'), stos: stringOp('stos'), lods: stringOp('lods'), cmps: stringOp('cmps'), scas: stringOp('scas'),
  clc: setFlag(F.CF, false), stc: setFlag(F.CF, true), cmc: setFlag(F.CF, 'toggle'),
  cld: setFlag(F.DF, false), std: setFlag(F.DF, true), lahf: lahfH, sahf: sahfH,
  nop: nopH, pause: nopH, endbr64: nopH, lfence: nopH, mfence: nopH, sfence: nopH,
  cpuid: cpuidH, rdtsc: rdtscH, rdtscp: rdtscpH, rdrand: rdrandH, rdseed: rdrandH, ud2: ud2H,
};

// ---- bare-metal fallback for system instructions --------------------------------------------------

/**
 * Used when no SystemOps is plugged in: the harmless system instructions work (flag bits, HLT,
 * port I/O through cpu.io), INT3/INT n/INTO are reported as traps, the rest raise #UD.
 */
export const systemFallback: Handler = (cpu, insn) => {
  const st = cpu.state;
  const iopl = (st.rflags & F.IOPL) >> 12;
  switch (insn.op) {
    case 'cli': case 'sti':
      if (st.cpl > iopl) throw gp0(`${insn.op} at CPL ${st.cpl} with IOPL ${iopl}`);
      st.rflags = insn.op === 'sti' ? st.rflags | F.IF : st.rflags & ~F.IF;
      return;
    case 'stac': case 'clac':
      if (st.cpl > 0) throw ud(`${insn.op} outside ring 0`);
      st.rflags = insn.op === 'stac' ? st.rflags | F.AC : st.rflags & ~F.AC;
      return;
    case 'hlt':
      if (st.cpl > 0) throw gp0('hlt outside ring 0');
      st.halted = true;
      return;
    case 'in': case 'out': {
      if (st.cpl > iopl) throw gp0(`${insn.op} at CPL ${st.cpl} with IOPL ${iopl}`);
      const [d, s] = insn.operands;
      if (insn.op === 'in') {
        const size = cpu.operandSize(d, insn) as 1 | 2 | 4;
        cpu.writeOperand(d, BigInt(cpu.io.in(Number(cpu.readOperand(s) & 0xffffn), size) >>> 0));
      } else {
        const size = cpu.operandSize(s, insn) as 1 | 2 | 4;
        cpu.io.out(Number(cpu.readOperand(d) & 0xffffn), size, Number(cpu.readOperand(s) & MASK[size]));
      }
      return;
    }
    case 'int3':
      cpu.trapping = true;
      throw new CpuFault(Vec.BP, undefined, undefined, 'int3');
    case 'int1':
      cpu.trapping = true;
      throw new CpuFault(Vec.DB, undefined, undefined, 'int1');
    case 'int': {
      const n = Number(cpu.readOperand(insn.operands[0]) & 0xffn);
      cpu.trapping = true;
      throw new CpuFault(n, undefined, undefined, `software interrupt int $0x${n.toString(16)}`);
    }
    case 'into':
      if (st.rflags & F.OF) {
        cpu.trapping = true;
        throw new CpuFault(Vec.OF, undefined, undefined, 'into');
      }
      return;
    default:
      throw ud(`system instruction '${insn.op}' needs the machine layer (no SystemOps)`);
  }
};

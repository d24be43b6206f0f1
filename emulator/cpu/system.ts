// The system layer of the CPU: the privileged and ring-crossing instructions (SYSCALL, SYSRETQ,
// IRETQ, SWAPGS, RDMSR/WRMSR, MOV CRn, LGDT/LIDT/LTR, segment loads, IN/OUT, VERW, INVLPG,
// STAC/CLAC, CLI/STI, HLT, INT n) and exception/interrupt delivery through 64-bit IDT gates.
// Facts: /work/shared/reference/linux-syscall-path.md §1 and the SDM (Vol. 2 instruction pages,
// Vol. 3 chapters 3, 5, 6 and 7). Intel behaviour where Intel and AMD differ.
//
// cpu.ts hands us every instruction isSystemInstruction() accepts (SystemOps.exec) and every fault
// it cannot handle itself (SystemOps.deliver).

import type { Instruction, MemOperand, Operand } from '../isa/types';
import { RIP } from '../isa/types';
import { CpuFault, CpuState, CR0, CR4, EFER, F, MSR, PortIO, SEG_CS, SEG_DS, SEG_ES, SEG_FS, SEG_GS, SEG_SS, Segment, Size, Vec } from './state';
import { isCanonical, MAXPHYADDR, Mmu } from './mmu';
import type { SystemOps } from './system-ops';
import type { Cpu } from './cpu';

const MASK64 = (1n << 64n) - 1n;

/** What the system layer needs from the CPU object (a structural subset of cpu.ts's Cpu). */
export interface SysCpu {
  state: CpuState;
  nextRip: bigint;
  invalidateCode?(linearPage?: bigint): void;
}

/** RFLAGS bits SYSRET keeps from R11 (reference §1.2): clears 3, 5, 15, RF and VM. */
const SYSRET_FLAGS_MASK = 0x3c7fd7;
/** Flags IRET restores at any CPL (reference §1.3). */
const IRET_ALWAYS = F.CF | F.PF | F.AF | F.ZF | F.SF | F.TF | F.DF | F.OF | F.NT | F.RF | F.AC | F.ID;

/** Vectors that push an error code when raised as exceptions. */
const HAS_ERROR_CODE = new Set<number>([Vec.DF, Vec.TS, Vec.NP, Vec.SS, Vec.GP, Vec.PF, Vec.AC, 21]);
/** SDM Vol. 3 Table 6-4: contributory exceptions. */
const CONTRIBUTORY = new Set<number>([Vec.DE, Vec.TS, Vec.NP, Vec.SS, Vec.GP]);

/** A decoded segment descriptor (legacy 8-byte form). */
export interface Descriptor {
  raw: bigint;
  base: bigint;
  limit: number;
  type: number;
  /** S bit: 1 = code/data, 0 = system */
  s: boolean;
  dpl: number;
  present: boolean;
  long: boolean;
  db: boolean;
}

export function decodeDescriptor(raw: bigint): Descriptor {
  const lo = Number(raw & 0xffffffffn);
  const hi = Number((raw >> 32n) & 0xffffffffn);
  let limit = (lo & 0xffff) | (hi & 0xf0000);
  const g = (hi >> 23) & 1;
  if (g) limit = limit * 4096 + 4095;
  const base = BigInt((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) & 0xffffffffn;
  return {
    raw,
    base,
    limit,
    type: (hi >> 8) & 0xf,
    s: ((hi >> 12) & 1) === 1,
    dpl: (hi >> 13) & 3,
    present: ((hi >> 15) & 1) === 1,
    long: ((hi >> 21) & 1) === 1,
    db: ((hi >> 22) & 1) === 1,
  };
}

const isCode = (d: Descriptor) => d.s && (d.type & 8) !== 0;
const isData = (d: Descriptor) => d.s && (d.type & 8) === 0;
const isWritableData = (d: Descriptor) => isData(d) && (d.type & 2) !== 0;
const isReadable = (d: Descriptor) => isData(d) || (isCode(d) && (d.type & 2) !== 0);
const isConforming = (d: Descriptor) => isCode(d) && (d.type & 4) !== 0;

/** A ring crossing, for the machine's trace (`--trace-ring`) and the debugger. */
export interface RingCrossing {
  from: number;
  to: number;
  how: 'syscall' | 'sysret' | 'iret' | 'exception' | 'interrupt';
  /** where execution continues */
  address: bigint;
  vector?: number;
}

export class System implements SystemOps {
  /** Set when a fault happened while delivering a double fault: the machine must shut down. */
  tripleFault: CpuFault | null = null;
  /** Every ring crossing (and every delivery, even without a crossing). */
  onRing: ((c: RingCrossing) => void) | null = null;
  /** Before an MSR changes: its number and old value (undefined = was absent). For the undo log. */
  journalMsr: ((msr: number, old: bigint | undefined) => void) | null = null;

  /** The CPU last seen (exec/deliver), to drop its decode cache when the privilege changes. */
  private cpu: SysCpu | null = null;

  constructor(
    readonly state: CpuState,
    readonly mmu: Mmu,
    readonly io: PortIO,
  ) {}

  // ---- helpers -------------------------------------------------------------------------------

  private gp(detail: string, code = 0): CpuFault {
    return new CpuFault(Vec.GP, code, undefined, detail);
  }
  private ud(detail: string): CpuFault {
    return new CpuFault(Vec.UD, undefined, undefined, detail);
  }
  private requireCpl0(what: string): void {
    if (this.state.cpl !== 0) throw this.gp(`${what} at CPL ${this.state.cpl}`);
  }

  setMsr(n: number, v: bigint): void {
    this.journalMsr?.(n, this.state.msr.get(n));
    this.state.msr.set(n, v);
  }
  private msr(n: number): bigint {
    return this.state.msr.get(n) ?? 0n;
  }

  /** Reads an 8-byte GDT entry as an implicit supervisor access; #GP(sel) beyond the limit. */
  readDescriptor(sel: number, errorCode = sel & 0xfffc): Descriptor {
    if (sel & 4) throw this.gp(`selector 0x${sel.toString(16)} refers to the LDT (none loaded)`, errorCode);
    const index = sel & 0xfff8;
    if (index + 7 > this.state.gdtr.limit) throw this.gp(`selector 0x${sel.toString(16)} beyond the GDT limit`, errorCode);
    return decodeDescriptor(this.mmu.readSystem(this.state.gdtr.base + BigInt(index), 8));
  }

  private segFromDescriptor(sel: number, d: Descriptor): Segment {
    return { sel, base: d.base, limit: d.limit, dpl: d.dpl, long: d.long, present: d.present };
  }

  private isLongMode(): boolean {
    return (this.state.efer & EFER.LMA) !== 0n && this.state.seg[SEG_CS].long;
  }

  // ---- operands (only the forms system instructions use) -------------------------------------

  linearAddress(cpu: SysCpu, op: MemOperand): bigint {
    const s = this.state;
    let a = op.disp;
    if (op.base === RIP) a += cpu.nextRip;
    else if (op.base !== null) a += s.gpr[op.base];
    if (op.index !== null) a += s.gpr[op.index] * BigInt(op.scale);
    if (op.addrSize === 4) a &= 0xffffffffn;
    const seg = op.seg;
    if (seg === SEG_FS || seg === SEG_GS) a += s.seg[seg].base;
    return a & MASK64;
  }

  private readOp(cpu: SysCpu, op: Operand, size: number): bigint {
    if (op.kind === 'imm') return op.value;
    if (op.kind === 'reg') {
      if (op.cls === 'gpr') {
        const v = op.high8 ? this.state.gpr[op.num] >> 8n : this.state.gpr[op.num];
        return v & ((1n << BigInt(8 * op.size)) - 1n);
      }
      if (op.cls === 'seg') return BigInt(this.state.seg[op.num].sel);
      throw this.ud('unsupported register operand');
    }
    if (op.kind === 'mem') return this.mmu.read(this.linearAddress(cpu, op), size as Size, 'read');
    throw this.ud('unsupported operand');
  }

  private writeGpr(num: number, size: number, value: bigint, high8 = false): void {
    const g = this.state.gpr;
    if (high8) g[num] = (g[num] & ~0xff00n) | ((value & 0xffn) << 8n);
    else if (size === 8) g[num] = value & MASK64;
    else if (size === 4) g[num] = value & 0xffffffffn; // 32-bit writes zero-extend
    else {
      const m = (1n << BigInt(8 * size)) - 1n;
      g[num] = (g[num] & ~m) | (value & m);
    }
  }

  private writeOp(cpu: SysCpu, op: Operand, size: number, value: bigint): void {
    if (op.kind === 'reg' && op.cls === 'gpr') return this.writeGpr(op.num, op.size, value, op.high8);
    if (op.kind === 'mem') return this.mmu.write(this.linearAddress(cpu, op), size as Size, value & ((1n << BigInt(8 * size)) - 1n));
    throw this.ud('unsupported destination');
  }

  // ---- SystemOps.exec ------------------------------------------------------------------------

  exec(cpuArg: Cpu, insn: Instruction): void {
    const cpu = cpuArg as unknown as SysCpu;
    this.cpu = cpu;
    const s = this.state;
    const ops = insn.operands;
    switch (insn.op) {
      case 'syscall':
        return this.syscall(cpu);
      case 'sysret':
        return this.sysret(cpu, insn.opSize === 8);
      case 'iret':
        return this.iret(cpu, insn.opSize);
      case 'swapgs': {
        if (!this.isLongMode()) throw this.ud('SWAPGS outside 64-bit mode');
        this.requireCpl0('SWAPGS');
        const user = s.seg[SEG_GS].base;
        s.seg[SEG_GS].base = this.msr(MSR.KERNEL_GS_BASE);
        this.setMsr(MSR.KERNEL_GS_BASE, user);
        return;
      }
      case 'rdmsr': {
        this.requireCpl0('RDMSR');
        const v = this.readMsr(Number(s.gpr[1] & 0xffffffffn));
        s.gpr[0] = v & 0xffffffffn;
        s.gpr[2] = v >> 32n;
        return;
      }
      case 'wrmsr': {
        this.requireCpl0('WRMSR');
        const v = ((s.gpr[2] & 0xffffffffn) << 32n) | (s.gpr[0] & 0xffffffffn);
        this.writeMsr(Number(s.gpr[1] & 0xffffffffn), v);
        return;
      }
      case 'mov': {
        const [dst, src] = ops;
        if (dst.kind === 'reg' && dst.cls === 'seg') return this.loadSegment(dst.num, Number(this.readOp(cpu, src, 2) & 0xffffn));
        if (dst.kind === 'reg' && dst.cls === 'cr' && src.kind === 'reg') return this.writeCr(cpu, dst.num, s.gpr[src.num]);
        if (src.kind === 'reg' && src.cls === 'cr' && dst.kind === 'reg') {
          this.requireCpl0('MOV from CR');
          s.gpr[dst.num] = this.readCr(src.num);
          return;
        }
        if ((dst.kind === 'reg' && dst.cls === 'dr') || (src.kind === 'reg' && src.cls === 'dr')) {
          this.requireCpl0('MOV DR');
          if (dst.kind === 'reg' && dst.cls === 'gpr') s.gpr[dst.num] = 0n; // debug registers read as 0
          return;
        }
        throw this.ud('unsupported MOV form');
      }
      case 'pop': {
        // POP to a segment register: load first (it may fault), then move RSP.
        const dst = ops[0];
        if (dst.kind !== 'reg' || dst.cls !== 'seg') throw this.ud('unsupported POP form');
        const size = insn.opSize === 2 ? 2 : 8;
        const sel = Number(this.mmu.read(s.gpr[4], size, 'read') & 0xffffn);
        this.loadSegment(dst.num, sel);
        s.gpr[4] = (s.gpr[4] + BigInt(size)) & MASK64;
        return;
      }
      case 'lgdt':
      case 'lidt': {
        this.requireCpl0(insn.op.toUpperCase());
        const op = ops[0];
        if (op.kind !== 'mem') throw this.ud(`${insn.op} needs a memory operand`);
        const a = this.linearAddress(cpu, op);
        const limit = Number(this.mmu.read(a, 2, 'read'));
        const base = this.mmu.read((a + 2n) & MASK64, 8, 'read');
        if (!isCanonical(base)) throw this.gp(`${insn.op} with non-canonical base 0x${base.toString(16)}`);
        if (insn.op === 'lgdt') s.gdtr = { base, limit };
        else s.idtr = { base, limit };
        return;
      }
      case 'sgdt':
      case 'sidt': {
        const op = ops[0];
        if (op.kind !== 'mem') throw this.ud(`${insn.op} needs a memory operand`);
        const t = insn.op === 'sgdt' ? s.gdtr : s.idtr;
        const a = this.linearAddress(cpu, op);
        this.mmu.write(a, 2, BigInt(t.limit));
        this.mmu.write((a + 2n) & MASK64, 8, t.base);
        return;
      }
      case 'ltr':
        this.requireCpl0('LTR');
        return this.loadTaskRegister(Number(this.readOp(cpu, ops[0], 2) & 0xffffn));
      case 'str':
        return this.writeOp(cpu, ops[0], ops[0].kind === 'mem' ? 2 : (ops[0] as { size: number }).size, BigInt(s.tr.sel));
      case 'sldt':
        return this.writeOp(cpu, ops[0], ops[0].kind === 'mem' ? 2 : (ops[0] as { size: number }).size, 0n);
      case 'lldt': {
        this.requireCpl0('LLDT');
        const sel = Number(this.readOp(cpu, ops[0], 2) & 0xffffn);
        if ((sel & 0xfffc) !== 0) throw this.gp('LLDT: this machine has no LDTs', sel & 0xfffc);
        return;
      }
      case 'smsw':
        return this.writeOp(cpu, ops[0], ops[0].kind === 'mem' ? 2 : (ops[0] as { size: number }).size, s.cr0 & 0xffffn);
      case 'lmsw': {
        this.requireCpl0('LMSW');
        const v = this.readOp(cpu, ops[0], 2);
        // LMSW loads PE, MP, EM, TS and can set but never clear PE.
        s.cr0 = (s.cr0 & ~0xen) | (v & 0xfn) | (s.cr0 & 1n);
        return;
      }
      case 'clts':
        this.requireCpl0('CLTS');
        s.cr0 &= ~CR0.TS;
        return;
      case 'in':
      case 'out':
        return this.portIo(cpu, insn);
      case 'verw':
      case 'verr': {
        const sel = Number(this.readOp(cpu, ops[0], 2) & 0xffffn);
        const ok = this.verify(sel, insn.op === 'verw');
        s.rflags = ok ? s.rflags | F.ZF : s.rflags & ~F.ZF;
        return;
      }
      case 'invlpg': {
        this.requireCpl0('INVLPG');
        const op = ops[0];
        if (op.kind !== 'mem') throw this.ud('INVLPG needs a memory operand');
        this.mmu.invlpg(this.linearAddress(cpu, op));
        cpu.invalidateCode?.();
        return;
      }
      case 'invpcid':
        this.requireCpl0('INVPCID');
        this.mmu.flushAll();
        cpu.invalidateCode?.();
        return;
      case 'wbinvd':
      case 'invd':
        this.requireCpl0(insn.op.toUpperCase());
        return;
      case 'stac':
      case 'clac':
        if (s.cpl > 0) throw this.ud(`${insn.op.toUpperCase()} at CPL ${s.cpl}`);
        s.rflags = insn.op === 'stac' ? s.rflags | F.AC : s.rflags & ~F.AC;
        return;
      case 'cli':
      case 'sti':
        if (s.cpl > this.iopl()) throw this.gp(`${insn.op.toUpperCase()} at CPL ${s.cpl} > IOPL ${this.iopl()}`);
        s.rflags = insn.op === 'sti' ? s.rflags | F.IF : s.rflags & ~F.IF;
        return;
      case 'hlt':
        this.requireCpl0('HLT');
        s.halted = true;
        return;
      case 'int': {
        const v = ops[0];
        const vector = v && v.kind === 'imm' ? Number(v.value & 0xffn) : 3;
        cpu.nextRip = this.deliverEvent(vector, undefined, undefined, 'software', cpu.nextRip);
        return;
      }
      case 'int3':
        cpu.nextRip = this.deliverEvent(Vec.BP, undefined, undefined, 'software', cpu.nextRip);
        return;
      case 'int1':
        cpu.nextRip = this.deliverEvent(Vec.DB, undefined, undefined, 'icebp', cpu.nextRip);
        return;
      case 'into':
        throw this.ud('INTO is invalid in 64-bit mode');
      default:
        throw this.ud(`${insn.op} is not supported by this machine`);
    }
  }

  /** Report a ring crossing. (The CPU re-checks fetch permission of its cached decodes itself
   *  when the CPL changes, so the decode cache need not be dropped here.) */
  private crossed(c: RingCrossing): void {
    this.onRing?.(c);
  }

  private iopl(): number {
    return (this.state.rflags >> 12) & 3;
  }

  // ---- SYSCALL / SYSRET / IRET ---------------------------------------------------------------

  syscall(cpu: SysCpu): void {
    const s = this.state;
    if (!(s.efer & EFER.SCE)) throw this.ud('SYSCALL with EFER.SCE = 0');
    if (!this.isLongMode()) throw this.ud('SYSCALL outside 64-bit mode');
    const from = s.cpl;
    const star = this.msr(MSR.STAR);
    s.gpr[1] = cpu.nextRip; // RCX <- address of the next instruction
    s.gpr[11] = BigInt(s.rflags & ~F.RF); // R11 <- RFLAGS (saved with RF = 0)
    s.rflags = (s.rflags & ~Number(this.msr(MSR.FMASK) & 0xffffffffn)) | 2;
    s.rflags &= ~F.RF;
    const csSel = Number((star >> 32n) & 0xfffcn);
    // Fixed descriptor caches; the GDT is not read.
    s.seg[SEG_CS] = { sel: csSel, base: 0n, limit: 0xffffffff, dpl: 0, long: true, present: true };
    s.seg[SEG_SS] = { sel: (csSel + 8) & 0xffff, base: 0n, limit: 0xffffffff, dpl: 0, long: false, present: true };
    s.cpl = 0;
    cpu.nextRip = this.msr(MSR.LSTAR);
    this.crossed({ from, to: 0, how: 'syscall', address: cpu.nextRip });
  }

  sysret(cpu: SysCpu, to64: boolean): void {
    const s = this.state;
    if (!(s.efer & EFER.SCE)) throw this.ud('SYSRET with EFER.SCE = 0');
    if (!this.isLongMode()) throw this.ud('SYSRET outside 64-bit mode');
    this.requireCpl0('SYSRET');
    const star = this.msr(MSR.STAR);
    const base = Number((star >> 48n) & 0xffffn);
    let rip: bigint;
    if (to64) {
      rip = s.gpr[1];
      // Intel raises this #GP while still at CPL 0 (with the user RSP and GS already loaded by
      // the kernel): the CVE-2012-0217 hazard that Linux's canonical/TASK_SIZE_MAX check avoids.
      if (!isCanonical(rip)) throw this.gp(`SYSRET with non-canonical RCX 0x${rip.toString(16)} (Intel faults at CPL 0)`);
    } else {
      rip = s.gpr[1] & 0xffffffffn;
    }
    s.rflags = (Number(s.gpr[11] & 0xffffffffn) & SYSRET_FLAGS_MASK) | 2;
    const csSel = to64 ? ((base + 16) | 3) & 0xffff : (base | 3) & 0xffff;
    s.seg[SEG_CS] = { sel: csSel, base: 0n, limit: 0xffffffff, dpl: 3, long: to64, present: true };
    s.seg[SEG_SS] = { sel: ((base + 8) | 3) & 0xffff, base: 0n, limit: 0xffffffff, dpl: 3, long: false, present: true };
    s.cpl = 3;
    cpu.nextRip = rip;
    this.crossed({ from: 0, to: 3, how: 'sysret', address: rip });
  }

  iret(cpu: SysCpu, opSize: number): void {
    const s = this.state;
    if (!(s.efer & EFER.LMA)) throw this.ud('IRET outside long mode is not supported');
    if (s.rflags & F.NT) throw this.gp('IRET with RFLAGS.NT = 1 (task return is not possible in long mode)');
    const slot = opSize === 8 ? 8 : opSize === 4 ? 4 : 2;
    const rsp = s.gpr[4];
    const at = (i: number) => (rsp + BigInt(i * slot)) & MASK64;
    // Read the whole frame first: any of these reads may fault, and then nothing has changed.
    const newRip = this.mmu.read(at(0), slot as Size, 'read');
    const csSel = Number(this.mmu.read(at(1), slot as Size, 'read') & 0xffffn);
    const newFlags = Number(this.mmu.read(at(2), slot as Size, 'read') & 0xffffffffn);
    const newRsp = this.mmu.read(at(3), slot as Size, 'read');
    const ssSel = Number(this.mmu.read(at(4), slot as Size, 'read') & 0xffffn);

    const cpl = s.cpl;
    if ((csSel & 0xfffc) === 0) throw this.gp('IRET to a NULL CS');
    const rpl = csSel & 3;
    if (rpl < cpl) throw this.gp(`IRET to CS 0x${csSel.toString(16)} with RPL ${rpl} < CPL ${cpl}`, csSel & 0xfffc);
    const cs = this.readDescriptor(csSel);
    if (!isCode(cs)) throw this.gp(`IRET: CS 0x${csSel.toString(16)} is not a code segment`, csSel & 0xfffc);
    if (isConforming(cs) ? cs.dpl > rpl : cs.dpl !== rpl) throw this.gp(`IRET: CS 0x${csSel.toString(16)} DPL ${cs.dpl} does not match RPL ${rpl}`, csSel & 0xfffc);
    if (!cs.present) throw new CpuFault(Vec.NP, csSel & 0xfffc, undefined, `IRET: CS 0x${csSel.toString(16)} not present`);

    let ss: Segment;
    if ((ssSel & 0xfffc) === 0) {
      // A NULL SS is legal only when returning to a 64-bit CPL < 3 (SDM IRET operation).
      if (rpl === 3 || !cs.long) throw this.gp('IRET to CPL 3 with a NULL SS');
      ss = { sel: ssSel, base: 0n, limit: 0, dpl: rpl, long: false, present: false };
    } else {
      if ((ssSel & 3) !== rpl) throw this.gp(`IRET: SS 0x${ssSel.toString(16)} RPL differs from CS RPL`, ssSel & 0xfffc);
      const d = this.readDescriptor(ssSel);
      if (!isWritableData(d) || d.dpl !== rpl) throw this.gp(`IRET: SS 0x${ssSel.toString(16)} is not a writable data segment of DPL ${rpl}`, ssSel & 0xfffc);
      if (!d.present) throw new CpuFault(Vec.SS, ssSel & 0xfffc, undefined, `IRET: SS 0x${ssSel.toString(16)} not present`);
      ss = this.segFromDescriptor(ssSel, d);
      ss.base = 0n;
    }
    const rip = cs.long ? newRip : newRip & 0xffffffffn;
    if (cs.long && !isCanonical(rip)) throw this.gp(`IRET to non-canonical RIP 0x${rip.toString(16)}`);

    // Which flags this privilege level may change (reference §1.3).
    let mask = IRET_ALWAYS;
    if (cpl <= this.iopl()) mask |= F.IF;
    if (cpl === 0) mask |= F.IOPL | F.VIF | F.VIP;
    s.rflags = ((s.rflags & ~mask) | (newFlags & mask) | 2) & ~F.VM;

    const csSeg = this.segFromDescriptor(csSel, cs);
    csSeg.base = 0n;
    s.seg[SEG_CS] = csSeg;
    s.seg[SEG_SS] = ss;
    s.gpr[4] = slot === 8 ? newRsp : newRsp & 0xffffffffn;
    s.cpl = rpl;
    if (rpl > cpl) {
      // Data segments the outer level may not use become NULL (base kept for FS/GS, as 64-bit
      // code uses the MSR-loaded bases).
      for (const r of [SEG_ES, SEG_DS, SEG_FS, SEG_GS]) {
        const seg = s.seg[r];
        if ((seg.sel & 0xfffc) !== 0 && seg.dpl < rpl) {
          s.seg[r] = { ...seg, sel: 0, present: false };
        }
      }
    }
    cpu.nextRip = rip;
    this.crossed({ from: cpl, to: rpl, how: 'iret', address: rip });
  }

  // ---- MSRs ----------------------------------------------------------------------------------

  readMsr(n: number): bigint {
    const s = this.state;
    switch (n) {
      case MSR.EFER:
        return s.efer;
      case MSR.FS_BASE:
        return s.seg[SEG_FS].base;
      case MSR.GS_BASE:
        return s.seg[SEG_GS].base;
      case MSR.TSC:
        return s.retired;
      case MSR.STAR: case MSR.LSTAR: case MSR.CSTAR: case MSR.FMASK: case MSR.KERNEL_GS_BASE:
      case MSR.TSC_AUX: case MSR.SPEC_CTRL: case MSR.SYSENTER_CS: case MSR.SYSENTER_ESP: case MSR.SYSENTER_EIP:
        return this.msr(n);
      case MSR.PRED_CMD:
        throw this.gp('RDMSR of write-only IA32_PRED_CMD');
      default:
        throw this.gp(`RDMSR of unknown MSR 0x${n.toString(16)}`);
    }
  }

  writeMsr(n: number, v: bigint): void {
    const s = this.state;
    const canonical = (what: string) => {
      if (!isCanonical(v)) throw this.gp(`WRMSR ${what} with non-canonical 0x${v.toString(16)}`);
    };
    const upperZero = (what: string, mask = 0xffffffff00000000n) => {
      if (v & mask) throw this.gp(`WRMSR ${what}: reserved bits set in 0x${v.toString(16)}`);
    };
    switch (n) {
      case MSR.EFER: {
        const allowed = EFER.SCE | EFER.LME | EFER.LMA | EFER.NXE;
        if (v & ~allowed) throw this.gp(`WRMSR EFER: reserved bits in 0x${v.toString(16)}`);
        if ((v & EFER.LME) !== (s.efer & EFER.LME) && s.cr0 & CR0.PG) throw this.gp('WRMSR EFER: LME cannot change while paging is on');
        // LMA is read-only: it keeps reflecting the mode.
        this.journalMsr?.(n, s.efer);
        const nxeChanged = ((v ^ s.efer) & EFER.NXE) !== 0n;
        s.efer = (v & ~EFER.LMA) | (s.efer & EFER.LMA);
        if (nxeChanged) this.mmu.flushAll();
        return;
      }
      case MSR.FS_BASE:
        canonical('FS_BASE');
        this.journalMsr?.(n, s.seg[SEG_FS].base);
        s.seg[SEG_FS].base = v;
        return;
      case MSR.GS_BASE:
        canonical('GS_BASE');
        this.journalMsr?.(n, s.seg[SEG_GS].base);
        s.seg[SEG_GS].base = v;
        return;
      case MSR.LSTAR: case MSR.CSTAR: case MSR.KERNEL_GS_BASE: case MSR.SYSENTER_ESP: case MSR.SYSENTER_EIP:
        canonical(MSR_NAMES[n]);
        return this.setMsr(n, v);
      case MSR.STAR:
        return this.setMsr(n, v);
      case MSR.FMASK:
      case MSR.TSC_AUX:
        upperZero(MSR_NAMES[n]);
        return this.setMsr(n, v);
      case MSR.SYSENTER_CS:
        upperZero('SYSENTER_CS');
        return this.setMsr(n, v);
      case MSR.SPEC_CTRL:
        // IBRS(0) STIBP(1) SSBD(2) RRSBA_DIS_S(6) BHI_DIS_S(10)
        upperZero('SPEC_CTRL', ~0x447n & MASK64);
        return this.setMsr(n, v);
      case MSR.PRED_CMD:
        // IBPB: a barrier with no architectural state to keep.
        upperZero('PRED_CMD', ~1n & MASK64);
        return;
      case MSR.TSC:
        throw this.gp('WRMSR IA32_TSC: time on this machine is the retired-instruction count');
      default:
        throw this.gp(`WRMSR of unknown MSR 0x${n.toString(16)}`);
    }
  }

  // ---- control registers ---------------------------------------------------------------------

  readCr(n: number): bigint {
    const s = this.state;
    switch (n) {
      case 0: return s.cr0;
      case 2: return s.cr2;
      case 3: return s.cr3;
      case 4: return s.cr4;
      case 8: return 0n;
      default: throw this.ud(`CR${n} does not exist`);
    }
  }

  writeCr(cpu: SysCpu, n: number, v: bigint): void {
    this.requireCpl0(`MOV to CR${n}`);
    const s = this.state;
    switch (n) {
      case 0: {
        if (v >> 32n) throw this.gp(`MOV CR0: reserved bits in 0x${v.toString(16)}`);
        if (v & CR0.PG && !(v & CR0.PE)) throw this.gp('MOV CR0: PG without PE');
        if (s.efer & EFER.LMA && !(v & CR0.PG)) throw this.gp('MOV CR0: leaving long mode is not supported');
        const changed = v ^ s.cr0;
        s.cr0 = v;
        if (changed & (CR0.PG | CR0.WP)) {
          this.mmu.flushAll();
          cpu.invalidateCode?.();
        }
        return;
      }
      case 2:
        s.cr2 = v;
        return;
      case 3: {
        const pcide = (s.cr4 & CR4.PCIDE) !== 0n;
        const reserved = ((1n << 63n) - 1n) & ~((1n << BigInt(MAXPHYADDR)) - 1n);
        if (v & reserved) throw this.gp(`MOV CR3: reserved bits in 0x${v.toString(16)}`);
        // Bit 63 (NOFLUSH, PCID only) is an instruction to the TLB, never stored in CR3.
        s.cr3 = v & ~(1n << 63n);
        this.mmu.cr3Written(pcide ? v : s.cr3);
        cpu.invalidateCode?.();
        return;
      }
      case 4: {
        const known = 0x7ffn | (1n << 13n) | (1n << 16n) | CR4.PCIDE | (1n << 18n) | CR4.SMEP | CR4.SMAP | (1n << 22n) | (1n << 23n);
        if (v & ~known) throw this.gp(`MOV CR4: reserved bits in 0x${v.toString(16)}`);
        if (s.efer & EFER.LMA && !(v & CR4.PAE)) throw this.gp('MOV CR4: clearing PAE in long mode');
        if (v & CR4.PCIDE && !(s.cr4 & CR4.PCIDE) && (s.cr3 & 0xfffn) !== 0n) throw this.gp('MOV CR4: setting PCIDE with CR3[11:0] != 0');
        s.cr4 = v;
        this.mmu.cr4Written();
        cpu.invalidateCode?.();
        return;
      }
      case 8:
        return;
      default:
        throw this.ud(`CR${n} does not exist`);
    }
  }

  // ---- segments, TSS, VERW -------------------------------------------------------------------

  loadSegment(reg: number, sel: number): void {
    const s = this.state;
    if (reg === SEG_CS) throw this.ud('CS cannot be loaded with MOV/POP');
    const rpl = sel & 3;
    if ((sel & 0xfffc) === 0) {
      if (reg === SEG_SS && (s.cpl === 3 || rpl !== s.cpl)) throw this.gp('loading a NULL SS at CPL 3');
      // Intel clears the hidden base when a NULL selector goes into FS/GS (AMD keeps it).
      s.seg[reg] = { sel, base: 0n, limit: 0, dpl: 0, long: false, present: false };
      return;
    }
    const d = this.readDescriptor(sel);
    if (reg === SEG_SS) {
      if (rpl !== s.cpl || d.dpl !== s.cpl || !isWritableData(d)) throw this.gp(`SS 0x${sel.toString(16)} is not a writable data segment at CPL ${s.cpl}`, sel & 0xfffc);
      if (!d.present) throw new CpuFault(Vec.SS, sel & 0xfffc, undefined, `SS 0x${sel.toString(16)} not present`);
    } else {
      if (!isReadable(d)) throw this.gp(`selector 0x${sel.toString(16)} is not a readable segment`, sel & 0xfffc);
      if (!isConforming(d) && (rpl > d.dpl || s.cpl > d.dpl)) throw this.gp(`selector 0x${sel.toString(16)}: DPL ${d.dpl} < max(CPL, RPL)`, sel & 0xfffc);
      if (!d.present) throw new CpuFault(Vec.NP, sel & 0xfffc, undefined, `segment 0x${sel.toString(16)} not present`);
    }
    const seg = this.segFromDescriptor(sel, d);
    // In 64-bit mode only FS and GS have a base, and a selector load sets its low 32 bits.
    if (reg !== SEG_FS && reg !== SEG_GS) seg.base = 0n;
    s.seg[reg] = seg;
  }

  loadTaskRegister(sel: number): void {
    const s = this.state;
    if ((sel & 0xfffc) === 0) throw this.gp('LTR with a NULL selector');
    if (sel & 4) throw this.gp('LTR: TSS selector must be in the GDT', sel & 0xfffc);
    const index = sel & 0xfff8;
    if (index + 15 > s.gdtr.limit) throw this.gp(`LTR: selector 0x${sel.toString(16)} beyond the GDT limit`, sel & 0xfffc);
    const at = s.gdtr.base + BigInt(index);
    const lo = this.mmu.readSystem(at, 8);
    const hi = this.mmu.readSystem(at + 8n, 8);
    const d = decodeDescriptor(lo);
    if (d.s || d.type !== 9) throw this.gp(`LTR: selector 0x${sel.toString(16)} is not an available 64-bit TSS (type ${d.type})`, sel & 0xfffc);
    if (!d.present) throw new CpuFault(Vec.NP, sel & 0xfffc, undefined, `LTR: TSS 0x${sel.toString(16)} not present`);
    const base = (d.base | ((hi & 0xffffffffn) << 32n)) & MASK64;
    if (!isCanonical(base)) throw this.gp('LTR: non-canonical TSS base', sel & 0xfffc);
    // Mark the descriptor busy (type 9 -> 11), as the hardware does.
    this.mmu.writeSystem(at, 8, lo | (2n << 40n));
    s.tr = { sel, base, limit: d.limit };
  }

  /** VERR/VERW: is `sel` readable/writable at the current CPL? (no fault either way) */
  verify(sel: number, write: boolean): boolean {
    const s = this.state;
    if ((sel & 0xfffc) === 0 || sel & 4) return false;
    if ((sel & 0xfff8) + 7 > s.gdtr.limit) return false;
    const d = decodeDescriptor(this.mmu.readSystem(s.gdtr.base + BigInt(sel & 0xfff8), 8));
    if (!d.s) return false;
    if (!(isConforming(d) && !write) && (s.cpl > d.dpl || (sel & 3) > d.dpl)) return false;
    return write ? isWritableData(d) : isReadable(d);
  }

  // ---- port I/O ------------------------------------------------------------------------------

  private portIo(cpu: SysCpu, insn: Instruction): void {
    const s = this.state;
    // No TSS I/O-permission bitmap on this machine: CPL > IOPL may not touch ports.
    if (s.cpl > this.iopl()) throw this.gp(`${insn.op.toUpperCase()} at CPL ${s.cpl} > IOPL ${this.iopl()}`);
    const [a, b] = insn.operands;
    if (insn.op === 'in') {
      const size = (a as { size: Size }).size as 1 | 2 | 4;
      const port = Number(this.readOp(cpu, b, 2) & 0xffffn);
      const v = this.io.in(port, size);
      this.writeGpr(0, size, BigInt(v >>> 0));
    } else {
      const size = (b as { size: Size }).size as 1 | 2 | 4;
      const port = Number(this.readOp(cpu, a, 2) & 0xffffn);
      const v = Number(s.gpr[0] & ((1n << BigInt(8 * size)) - 1n));
      this.io.out(port, size, v);
    }
  }

  // ---- exception and interrupt delivery ------------------------------------------------------

  /**
   * SystemOps.deliver: deliver an exception raised by an instruction. Faults raised while
   * delivering become a double fault (SDM Table 6-5) or are delivered instead; a fault while
   * delivering #DF is a triple fault: tripleFault is set and false returned (the machine stops).
   */
  deliver(cpuArg: Cpu, fault: CpuFault): boolean {
    const cpu = cpuArg as unknown as SysCpu;
    this.cpu = cpu;
    const s = this.state;
    if (s.idtr.limit === 0 && s.idtr.base === 0n) return false; // no IDT yet: report to the host
    let current = fault;
    for (;;) {
      try {
        s.rip = this.deliverEvent(current.vector, current.errorCode, current.cr2, 'exception', s.rip);
        cpu.nextRip = s.rip;
        return true;
      } catch (e) {
        if (!(e instanceof CpuFault)) throw e;
        if (current.vector === Vec.DF) {
          this.tripleFault = new CpuFault(e.vector, e.errorCode, e.cr2, `triple fault: ${e} while delivering ${current}`);
          return false;
        }
        const first = current.vector;
        const second = e.vector;
        const escalate =
          (CONTRIBUTORY.has(first) && CONTRIBUTORY.has(second)) ||
          (first === Vec.PF && (second === Vec.PF || CONTRIBUTORY.has(second)));
        current = escalate ? new CpuFault(Vec.DF, 0, undefined, `double fault: ${e} while delivering ${current}`) : e;
      }
    }
  }

  /**
   * Deliver one event through its IDT gate and return the handler's address. Nothing in the CPU
   * state changes until every check, read and push has succeeded (pushes may have written to the
   * new stack before a later push faults; that memory is below the stack pointer anyway).
   * `returnRip` is what goes in the frame.
   */
  deliverEvent(
    vector: number,
    errorCode: number | undefined,
    cr2: bigint | undefined,
    kind: 'exception' | 'software' | 'icebp',
    returnRip: bigint,
  ): bigint {
    const s = this.state;
    const ext = kind === 'exception' ? 1 : 0;
    const idtCode = vector * 8 + 2 + ext;
    if (vector === Vec.PF && cr2 !== undefined) s.cr2 = cr2; // CR2 is written when the #PF is recognised
    if (vector * 16 + 15 > s.idtr.limit) throw this.gp(`vector ${vector} beyond the IDT limit`, idtCode);
    const gateAt = (s.idtr.base + BigInt(vector * 16)) & MASK64;
    const g0 = this.mmu.readSystem(gateAt, 8);
    const g1 = this.mmu.readSystem((gateAt + 8n) & MASK64, 8);
    const type = Number((g0 >> 40n) & 0xfn);
    const gateDpl = Number((g0 >> 45n) & 3n);
    const gatePresent = ((g0 >> 47n) & 1n) === 1n;
    if (type !== 0xe && type !== 0xf) throw this.gp(`IDT entry ${vector} is not a 64-bit interrupt/trap gate (type ${type})`, idtCode);
    // INT n / INT3 from user mode may only use gates user mode is allowed to call (DPL 3).
    if (kind === 'software' && s.cpl > gateDpl) throw this.gp(`INT ${vector} at CPL ${s.cpl} through a DPL ${gateDpl} gate`, vector * 8 + 2);
    if (!gatePresent) throw new CpuFault(Vec.NP, idtCode, undefined, `IDT entry ${vector} not present`);
    const target = (((g1 & 0xffffffffn) << 32n) | ((g0 >> 32n) & 0xffff0000n) | (g0 & 0xffffn)) & MASK64;
    const selector = Number((g0 >> 16n) & 0xffffn);
    const ist = Number((g0 >> 32n) & 7n);

    if ((selector & 0xfffc) === 0) throw this.gp(`IDT entry ${vector} has a NULL selector`, ext);
    const cs = this.readDescriptor(selector, (selector & 0xfffc) | ext);
    if (!isCode(cs) || !cs.long || cs.dpl > s.cpl) throw this.gp(`IDT entry ${vector}: selector 0x${selector.toString(16)} is not a 64-bit code segment at DPL <= CPL`, (selector & 0xfffc) | ext);
    if (!cs.present) throw new CpuFault(Vec.NP, (selector & 0xfffc) | ext, undefined, `IDT entry ${vector}: code segment not present`);
    if (!isCanonical(target)) throw this.gp(`IDT entry ${vector} handler 0x${target.toString(16)} is not canonical`, ext);

    const oldCpl = s.cpl;
    const newCpl = isConforming(cs) ? oldCpl : cs.dpl;
    const privChange = newCpl < oldCpl;
    let rsp = s.gpr[4];
    if (ist !== 0) rsp = this.readTss(0x24 + (ist - 1) * 8, ext);
    else if (privChange) rsp = this.readTss(4 + newCpl * 8, ext);
    rsp &= ~0xfn; // the 64-bit frame is 16-byte aligned

    const frame: bigint[] = [
      BigInt(s.seg[SEG_SS].sel),
      s.gpr[4],
      BigInt(s.rflags),
      BigInt(s.seg[SEG_CS].sel),
      returnRip,
    ];
    if (kind === 'exception' && HAS_ERROR_CODE.has(vector)) frame.push(BigInt((errorCode ?? 0) >>> 0));
    const user = newCpl === 3;
    for (const v of frame) {
      rsp = (rsp - 8n) & MASK64;
      if (!isCanonical(rsp)) throw new CpuFault(Vec.SS, ext, undefined, 'delivery stack is not canonical');
      this.mmu.writeAs(rsp, 8, v, user, false);
    }

    // Commit.
    s.gpr[4] = rsp;
    if (privChange) s.seg[SEG_SS] = { sel: newCpl, base: 0n, limit: 0, dpl: newCpl, long: false, present: false };
    s.seg[SEG_CS] = { sel: (selector & 0xfffc) | newCpl, base: 0n, limit: cs.limit, dpl: newCpl, long: true, present: true };
    s.cpl = newCpl;
    let clear = F.TF | F.NT | F.RF | F.VM;
    if (type === 0xe) clear |= F.IF; // interrupt gates mask interrupts; trap gates do not
    s.rflags &= ~clear;
    s.halted = false;
    this.crossed({ from: oldCpl, to: newCpl, how: kind === 'exception' ? 'exception' : 'interrupt', address: target, vector });
    return target;
  }

  private readTss(offset: number, ext: number): bigint {
    const s = this.state;
    if (s.tr.sel === 0 || offset + 7 > s.tr.limit) throw new CpuFault(Vec.TS, (s.tr.sel & 0xfffc) | ext, undefined, `TSS too small or not loaded (reading offset 0x${offset.toString(16)})`);
    return this.mmu.readSystem((s.tr.base + BigInt(offset)) & MASK64, 8);
  }
}

export const MSR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(MSR).map(([k, v]) => [v, k]));


// Architectural state of one x86-64 CPU, and the contracts between the CPU and what surrounds it.
// Owned jointly: cpu/cpu.ts (instruction execution) reads and writes it; cpu/mmu.ts (paging) and
// cpu/system.ts (SYSCALL/SYSRET/IRET/SWAPGS/MSRs/CRs/descriptor tables/exception delivery) too.
// 64-bit registers are bigint, unsigned (0 .. 2^64-1). RFLAGS fits in a number.

export type Size = 1 | 2 | 4 | 8;

/** Exception vectors (SDM Vol. 3, 6.3.1). */
export const Vec = {
  DE: 0, DB: 1, NMI: 2, BP: 3, OF: 4, BR: 5, UD: 6, NM: 7, DF: 8, TS: 10, NP: 11, SS: 12, GP: 13,
  PF: 14, MF: 16, AC: 17, MC: 18, XM: 19,
} as const;

export const VEC_NAMES: Record<number, string> = {
  0: '#DE divide error', 1: '#DB debug', 2: 'NMI', 3: '#BP breakpoint', 4: '#OF overflow',
  5: '#BR bound range', 6: '#UD invalid opcode', 7: '#NM device not available', 8: '#DF double fault',
  10: '#TS invalid TSS', 11: '#NP segment not present', 12: '#SS stack fault',
  13: '#GP general protection', 14: '#PF page fault', 16: '#MF x87 error', 17: '#AC alignment check',
  18: '#MC machine check', 19: '#XM SIMD exception',
};

/**
 * An architectural exception raised by an instruction. Thrown inside the CPU only and caught by
 * Cpu.step(), which either delivers it through the IDT or reports it to the machine; it never
 * escapes to the host.
 */
export class CpuFault {
  constructor(
    public readonly vector: number,
    /** error code pushed by delivery (#GP, #PF, #TS, #NP, #SS, #AC, #DF), else undefined */
    public readonly errorCode?: number,
    /** for #PF: the faulting linear address (becomes CR2 on delivery) */
    public readonly cr2?: bigint,
    /** a human explanation for the debugger ("SYSRET with non-canonical RCX 0x...") */
    public readonly detail?: string,
  ) {}
  toString(): string {
    const name = VEC_NAMES[this.vector] ?? `vector ${this.vector}`;
    let s = name;
    if (this.errorCode !== undefined) s += ` (error code 0x${this.errorCode.toString(16)})`;
    if (this.cr2 !== undefined) s += ` at 0x${this.cr2.toString(16)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }
}

// RFLAGS bits
export const F = {
  CF: 1 << 0, PF: 1 << 2, AF: 1 << 4, ZF: 1 << 6, SF: 1 << 7, TF: 1 << 8, IF: 1 << 9, DF: 1 << 10,
  OF: 1 << 11, IOPL: 3 << 12, NT: 1 << 14, RF: 1 << 16, VM: 1 << 17, AC: 1 << 18, VIF: 1 << 19,
  VIP: 1 << 20, ID: 1 << 21,
} as const;

// MSR numbers (reference §1.6)
export const MSR = {
  EFER: 0xc0000080, STAR: 0xc0000081, LSTAR: 0xc0000082, CSTAR: 0xc0000083, FMASK: 0xc0000084,
  FS_BASE: 0xc0000100, GS_BASE: 0xc0000101, KERNEL_GS_BASE: 0xc0000102, TSC_AUX: 0xc0000103,
  SPEC_CTRL: 0x48, PRED_CMD: 0x49, SYSENTER_CS: 0x174, SYSENTER_ESP: 0x175, SYSENTER_EIP: 0x176,
  TSC: 0x10,
} as const;

export const EFER = { SCE: 1n << 0n, LME: 1n << 8n, LMA: 1n << 10n, NXE: 1n << 11n } as const;
export const CR0 = { PE: 1n << 0n, MP: 1n << 1n, EM: 1n << 2n, TS: 1n << 3n, WP: 1n << 16n, PG: 1n << 31n } as const;
export const CR4 = { PAE: 1n << 5n, PGE: 1n << 7n, PCIDE: 1n << 17n, SMEP: 1n << 20n, SMAP: 1n << 21n } as const;

/** A segment register: the visible selector and the hidden descriptor cache. */
export interface Segment {
  sel: number;
  base: bigint;
  limit: number;
  /** descriptor privilege level from the cache */
  dpl: number;
  /** code segment: 64-bit (L=1) */
  long: boolean;
  /** present/usable (a NULL SS in 64-bit mode is "unusable" but legal at CPL 0) */
  present: boolean;
}

export function nullSegment(): Segment {
  return { sel: 0, base: 0n, limit: 0, dpl: 0, long: false, present: false };
}

export const SEG_ES = 0, SEG_CS = 1, SEG_SS = 2, SEG_DS = 3, SEG_FS = 4, SEG_GS = 5;

export interface TableReg {
  base: bigint;
  limit: number;
}

/**
 * Linear-address memory access through the MMU. Implementations throw CpuFault(#PF / #GP) on
 * failure. `user` is the privilege of the access (CPL 3, or an implicit supervisor access when
 * false); SMAP/SMEP decisions need it plus RFLAGS.AC, which the MMU reads from the state.
 */
export interface LinearMemory {
  read(lin: bigint, size: Size, kind: 'read' | 'fetch'): bigint;
  write(lin: bigint, size: Size, value: bigint): void;
  /** Up to `len` bytes for instruction fetch; stops early (short array) at an unmapped page. */
  fetch(lin: bigint, len: number): Uint8Array;
}

/** Port I/O (IN/OUT). The machine plugs its devices in here. */
export interface PortIO {
  in(port: number, size: 1 | 2 | 4): number;
  out(port: number, size: 1 | 2 | 4, value: number): void;
}

export class CpuState {
  /** rax rcx rdx rbx rsp rbp rsi rdi r8..r15, by encoding number */
  readonly gpr = new BigUint64Array(16);
  rip = 0n;
  rflags = 0x2;
  readonly seg: Segment[] = [nullSegment(), nullSegment(), nullSegment(), nullSegment(), nullSegment(), nullSegment()];
  /** current privilege level (the CS descriptor cache's DPL in long mode) */
  cpl = 0;
  cr0 = 0n;
  cr2 = 0n;
  cr3 = 0n;
  cr4 = 0n;
  efer = 0n;
  /** every other MSR by number (STAR, LSTAR, FMASK, KERNEL_GS_BASE, SPEC_CTRL, ...).
   *  FS_BASE/GS_BASE live in seg[FS]/seg[GS].base; EFER lives in `efer`. */
  readonly msr = new Map<number, bigint>();
  gdtr: TableReg = { base: 0n, limit: 0xffff };
  idtr: TableReg = { base: 0n, limit: 0xffff };
  /** task register: selector and the TSS base/limit loaded by LTR */
  tr = { sel: 0, base: 0n, limit: 0 };
  /** instructions retired since reset, as a plain number (the CPU's hot loop counts here without
   *  allocating a BigInt per instruction; exact below 2^53) */
  retiredCount = 0;
  /** instructions retired since reset; RDTSC returns this (deterministic time) */
  get retired(): bigint {
    return BigInt(this.retiredCount);
  }
  set retired(v: bigint) {
    this.retiredCount = Number(v);
  }
  halted = false;
}

export const GPR64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'] as const;

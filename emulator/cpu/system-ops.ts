// The seam between instruction execution (cpu.ts, exec*.ts) and the system layer (system.ts, the
// machine engineer's): privileged/system instructions and exception delivery through the IDT.
//
// Cpu.step() hands every instruction for which isSystemInstruction() is true to SystemOps.exec().
// When no SystemOps is plugged in (bare metal), cpu.ts runs a small fallback for the harmless ones
// (cli/sti/stac/clac, hlt, in/out through PortIO, int3/int n as reported faults) and raises #UD for
// the rest.

import type { Instruction } from '../isa/types';
import type { CpuFault } from './state';
import type { Cpu } from './cpu';

/** `op` names (isa/table.ts) that belong to the system layer. */
export const SYSTEM_OPS: ReadonlySet<string> = new Set([
  'syscall', 'sysret', 'sysenter', 'sysexit', 'iret', 'swapgs', 'rdmsr', 'wrmsr',
  'lgdt', 'lidt', 'lldt', 'ltr', 'sgdt', 'sidt', 'sldt', 'str', 'lmsw', 'smsw', 'clts',
  'lret', 'in', 'out', 'ins', 'outs', 'verw', 'verr', 'invlpg', 'invpcid', 'wbinvd', 'invd',
  'stac', 'clac', 'cli', 'sti', 'hlt', 'int', 'int3', 'int1', 'into',
]);

/**
 * True for instructions the system layer executes: the ops above, plus MOV to/from a control or
 * debug register and MOV/POP to a segment register (those load descriptors from the GDT).
 */
export function isSystemInstruction(insn: Instruction): boolean {
  if (SYSTEM_OPS.has(insn.op)) return true;
  if (insn.op === 'mov') {
    for (const o of insn.operands) if (o.kind === 'reg' && (o.cls === 'cr' || o.cls === 'dr')) return true;
    const d = insn.operands[0];
    return d !== undefined && d.kind === 'reg' && d.cls === 'seg';
  }
  if (insn.op === 'pop') {
    const d = insn.operands[0];
    return d !== undefined && d.kind === 'reg' && d.cls === 'seg';
  }
  return false;
}

export interface SystemOps {
  /**
   * Execute one system instruction. On entry cpu.state.rip is the instruction's address and
   * cpu.nextRip the address after it; to transfer control (SYSCALL, SYSRET, IRET, INT n) set
   * cpu.nextRip (and CS/SS/CPL/RFLAGS as the instruction defines). HLT sets cpu.state.halted.
   * Throw a CpuFault to fault: Cpu.step() then leaves RIP at the instruction and restores RFLAGS.
   * Use cpu.readOperand / cpu.writeOperand / cpu.effectiveAddress for operands.
   */
  exec(cpu: Cpu, insn: Instruction): void;
  /**
   * Deliver an exception through the IDT (push the frame, load CS:RIP from the gate). cpu.state.rip
   * is the faulting instruction (or, for traps such as #BP from INT3, the next one). Return false
   * when delivery is impossible (no IDT yet); Cpu.step() then reports the fault to its caller.
   */
  deliver(cpu: Cpu, fault: CpuFault): boolean;
}

/**
 * Optional extension of LinearMemory for self-modifying-code detection. When the CPU caches the
 * first decoded instruction of a page it calls watchCode(linearPage); the memory must then call
 * cpu.invalidateCode(linearPage) (or cpu.invalidateCode() for everything) whenever that page is
 * written. A paging MMU should also call cpu.invalidateCode() when CR3 changes or on INVLPG, since
 * the decode cache is keyed by linear address.
 */
export interface CodeWatchingMemory {
  watchCode(linearPage: bigint): void;
  /**
   * Optional: the physical frame number a fetch at `lin` uses, after the fetch's permission checks
   * at the current CPL (throws the fetch's fault). With it, the CPU keeps its decodes across
   * invalidateCode() calls made by system instructions (CR3 switches, INVLPG: translations change,
   * memory does not) and re-checks each page's frame before using them again.
   */
  fetchFrame?(lin: bigint): number;
}

/**
 * Optional extension of LinearMemory for the CPU's fast paths (exec-fast.ts): the same accesses
 * with the linear address as a number (below 2^53) and values as unsigned numbers, 64-bit ones as
 * two 32-bit halves. Same permission checks and faults as read/write (an implementation may simply
 * fall back to them); writes are all-or-nothing like write().
 */
export interface NumberAddressedMemory {
  readNumber(lin: number, size: 1 | 2 | 4): number;
  /** 8 bytes at `lin` into out[at] (low half) and out[at + 1] (high half) */
  readHalves(lin: number, out: Uint32Array, at: number): void;
  writeNumber(lin: number, size: 1 | 2 | 4, value: number): void;
  writeHalves(lin: number, lo: number, hi: number): void;
  /** Store `byte` at `count` bytes from `lin`, stopping at the end of lin's page; returns how many
   *  were stored. 0 when the direct path does not apply (a frame holding code, memory outside
   *  RAM): the caller then stores byte by byte. A #PF is thrown before any byte is stored. */
  fillBytes?(lin: number, count: number, byte: number): number;
}

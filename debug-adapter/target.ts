// The debugger's view of one machine: memory helpers, symbols, line keys for stepping, instruction
// decoding, and the ring boundary (where user space entered the kernel), tracked from the
// machine's ring events and kept correct across reverse execution.

import type { Machine, MachineEvent } from '../emulator/machine/api';
import type { LineEntry } from '../emulator/asm/types';
import type { Instruction } from '../emulator/isa/types';
import { decode, isDecodeError } from '../emulator/isa/decode';
import type { EvalContext } from './expressions';
import { readFlag, readRegister, registerInfo, writeFlag, writeRegister } from './registers';

export const KERNEL_SPACE = 0xffff800000000000n;

export interface SourceLine { file: string; line: number }
/** Which line of a macro expansion a stop shows: its depth in chain() (0 = the outermost
 *  invocation line; larger than the chain = the innermost line). */
export type Depth = number;
export const OUTER: Depth = 0;
export const INNER: Depth = Number.MAX_SAFE_INTEGER;
const MASK64 = (1n << 64n) - 1n;
const RCX = 1, RSP = 4;
const USER_CS = 0x33n;

/** Where and how the current task crossed from ring 3 into ring 0. */
export interface Boundary {
  how: 'syscall' | 'exception' | 'interrupt' | 'unknown';
  /** the user instruction execution resumes at (for syscall: the one after `syscall`) */
  userRip: bigint;
  userRsp: bigint;
  /** instruction count when it happened */
  retired: bigint;
}

/** Where pt_regs is and which of its fields (by byte offset) hold saved values; `why` says why
 *  the others do not ('not yet pushed', 'no syscall in progress'). */
export interface PtRegsLiveness {
  address?: bigint;
  pushed: (offset: number) => boolean;
  why?: string;
}

interface RingRecord extends Boundary {
  to: number;
}

export class Target {
  private records: RingRecord[] = [];
  private insnCache = new Map<bigint, Instruction | null>();

  constructor(readonly machine: Machine) {
    machine.on((e) => this.onEvent(e));
  }

  get cpu() { return this.machine.cpu; }

  private onEvent(e: MachineEvent): void {
    if (e.kind !== 'ring') return;
    const cpu = this.machine.cpu;
    // The CPU counts an instruction as retired after its effects: SYSCALL/SYSRET/IRET report the
    // crossing one count early, so they are stamped with the count they end at (then stepping
    // back over them drops the record). Fault delivery retires nothing.
    const retired = e.how === 'syscall' || e.how === 'sysret' || e.how === 'iret' ? cpu.retired + 1n : cpu.retired;
    // A re-execution after stepping back replaces what the history said happened there.
    while (this.records.length && this.records[this.records.length - 1].retired >= retired) this.records.pop();
    if (e.from === 3 && e.to === 0) {
      let userRip = 0n, userRsp = 0n;
      let how: Boundary['how'] = e.how === 'syscall' ? 'syscall' : e.how === 'interrupt' ? 'interrupt' : 'exception';
      if (e.how === 'syscall') {
        // SYSCALL saved the return RIP in RCX and left RSP alone.
        userRip = cpu.gpr[RCX];
        userRsp = cpu.gpr[RSP];
      } else {
        // Exception/interrupt delivery pushed [error code] RIP CS RFLAGS RSP SS on the kernel stack.
        const sp = cpu.gpr[RSP];
        const frame = this.readU64(sp + 8n) === USER_CS ? sp : this.readU64(sp + 16n) === USER_CS ? sp + 8n : undefined;
        if (frame !== undefined) {
          userRip = this.readU64(frame) ?? 0n;
          userRsp = this.readU64(frame + 24n) ?? 0n;
        } else how = 'unknown';
      }
      this.records.push({ how, userRip, userRsp, retired, to: 0 });
    } else if (e.to === 3) {
      this.records.push({ how: 'unknown', userRip: 0n, userRsp: 0n, retired, to: 3 });
    }
    if (this.records.length > 4096) this.records.splice(0, this.records.length - 1024);
  }

  /** Forget ring records from instructions that reverse execution has undone. */
  private trimRecords(): void {
    const now = this.machine.cpu.retired;
    while (this.records.length && this.records[this.records.length - 1].retired > now) this.records.pop();
  }

  /** The ring-3 → ring-0 crossing the kernel is currently serving, if the CPU is in ring 0. */
  boundary(): Boundary | undefined {
    const cpu = this.machine.cpu;
    if (cpu.cpl !== 0) return undefined;
    this.trimRecords();
    const last = this.records[this.records.length - 1];
    if (last && last.to === 0 && last.how !== 'unknown') return last;
    // No event seen (history trimmed, or the machine restored): trust pt_regs if it says user mode.
    const pt = this.ptRegs();
    if (pt === undefined) return undefined;
    const cs = this.readU64(pt + 136n), ip = this.readU64(pt + 128n), sp = this.readU64(pt + 152n);
    if (cs === USER_CS && ip !== undefined && sp !== undefined && ip < KERNEL_SPACE) {
      return { how: 'unknown', userRip: ip, userRsp: sp, retired: cpu.retired };
    }
    return undefined;
  }

  ptRegs(): bigint | undefined {
    try {
      const a = this.machine.ptRegsAddress();
      return a === 0n ? undefined : a;
    } catch {
      return undefined;
    }
  }

  /**
   * Which fields of the current task's pt_regs hold this entry's saved values. In ring 3 none do:
   * no system call (or exception) is in flight and the frame only holds the previous one's
   * leftovers. In ring 0, on the way in (before PUSH_AND_CLEAR_REGS completes) a field is saved
   * once RSP has come down to its address; on the way out (POP_REGS and after) the whole frame is
   * still the one being restored.
   */
  ptRegsLiveness(): PtRegsLiveness {
    const pt = this.ptRegs();
    if (pt === undefined) return { pushed: () => false, why: 'no task stack yet' };
    const cpu = this.machine.cpu;
    if (cpu.cpl !== 0) return { address: pt, pushed: () => false, why: 'no syscall in progress' };
    if (this.inExitPath(cpu.rip)) return { address: pt, pushed: () => true };
    const rsp = cpu.gpr[RSP];
    // Right after SYSCALL the stack is still the user's: nothing is pushed yet.
    if (rsp < KERNEL_SPACE) return { address: pt, pushed: () => false, why: 'not yet pushed' };
    const onTaskStack = rsp <= pt + 168n && rsp + 0x8000n > pt;
    if (!onTaskStack) return { address: pt, pushed: () => true };
    return { address: pt, pushed: (off) => pt + BigInt(off) >= rsp, why: 'not yet pushed' };
  }

  private exitRanges?: [bigint, bigint][];

  /** The kernel's return-to-user code, which pops pt_regs rather than pushing it. */
  private inExitPath(rip: bigint): boolean {
    if (!this.exitRanges) {
      const m = this.machine;
      const ranges: [bigint, bigint][] = [];
      const fn = (name: string) => m.symbolByName(name);
      const sysret = fn('syscall_return_via_sysret'), entry = fn('entry_SYSCALL_64');
      if (sysret && entry && entry.size > 0) ranges.push([sysret.address, entry.address + BigInt(entry.size)]);
      for (const name of ['swapgs_restore_regs_and_return_to_usermode', 'restore_regs_and_return_to_kernel']) {
        const f = fn(name);
        if (f && f.size > 0) ranges.push([f.address, f.address + BigInt(f.size)]);
      }
      this.exitRanges = ranges;
    }
    return this.exitRanges.some(([a, b]) => rip >= a && rip < b);
  }

  // ---- memory ----

  read(addr: bigint, len: number): (number | null)[] {
    if (len <= 0) return [];
    addr &= MASK64;
    const bytes = this.machine.readVirtual(addr, len);
    if (addr + BigInt(len) > KERNEL_SPACE && bytes.some((b) => b === null)) {
      // Stopped on the user half of the PGD pair (PTI), the kernel is not mapped; a debugger
      // still shows kernel memory, read through the kernel half.
      const viaKernel = this.withKernelPgd(() => this.machine.readVirtual(addr, len));
      if (viaKernel) return bytes.map((b, i) => (b === null ? viaKernel[i] : b));
    }
    return bytes;
  }

  write(addr: bigint, bytes: Uint8Array): boolean {
    addr &= MASK64;
    if (this.machine.writeVirtual(addr, bytes)) return true;
    if (addr + BigInt(bytes.length) <= KERNEL_SPACE) return false;
    return this.withKernelPgd(() => this.machine.writeVirtual(addr, bytes)) ?? false;
  }

  /** Run `fn` with CR3 pointing at the kernel PGD of the current pair (bit 12 clear), if it is not already. */
  private withKernelPgd<T>(fn: () => T): T | undefined {
    const cpu = this.machine.cpu;
    const saved = cpu.cr3;
    if (!(saved & 0x1000n)) return undefined;
    cpu.cr3 = saved & ~0x1000n;
    try {
      return fn();
    } finally {
      cpu.cr3 = saved;
    }
  }

  readU64(addr: bigint): bigint | undefined {
    const b = this.read(addr, 8);
    let v = 0n;
    for (let i = 7; i >= 0; i--) {
      if (b[i] === null || b[i] === undefined) return undefined;
      v = (v << 8n) | BigInt(b[i] as number);
    }
    return v;
  }

  isMapped(addr: bigint): boolean {
    const b = this.read(addr, 1);
    return b[0] !== null && b[0] !== undefined;
  }

  /** Decode the instruction at `addr` (cached; invalidated by writes through the adapter). */
  decodeAt(addr: bigint): Instruction | undefined {
    const cached = this.insnCache.get(addr);
    if (cached !== undefined) return cached ?? undefined;
    const raw = this.read(addr, 15);
    let n = raw.findIndex((b) => b === null);
    if (n < 0) n = raw.length;
    const bytes = Uint8Array.from(raw.slice(0, n) as number[]);
    const insn = n ? decode(bytes, 0, addr) : undefined;
    const result = insn && !isDecodeError(insn) ? insn : null;
    if (this.insnCache.size > 100_000) this.insnCache.clear();
    this.insnCache.set(addr, result);
    return result ?? undefined;
  }

  invalidateCode(): void {
    this.insnCache.clear();
  }

  // ---- symbols and lines ----

  describeAddress(addr: bigint): string | undefined {
    const s = this.machine.symbolAt(addr);
    if (!s) return undefined;
    if (s.symbol.type !== 'func' && s.symbol.type !== 'notype' && s.symbol.type !== 'object') return undefined;
    return s.offset ? `<${s.symbol.name}+0x${s.offset.toString(16)}>` : `<${s.symbol.name}>`;
  }

  functionName(addr: bigint): string {
    const s = this.machine.symbolAt(addr);
    if (!s) return `0x${addr.toString(16)}`;
    return s.offset ? `${s.symbol.name}+0x${s.offset.toString(16)}` : s.symbol.name;
  }

  lineAt(addr: bigint): LineEntry | undefined {
    return this.machine.lineAt(addr);
  }

  /**
   * Identity of "the current line" for stepping. Stepping over a macro invocation runs its whole
   * expansion, so 'over' keys by the outermost invocation; 'into' keys by the line itself.
   */
  lineKey(addr: bigint, mode: 'over' | 'into'): string {
    const l = this.machine.lineAt(addr);
    if (!l) return `@${addr}`;
    if (mode === 'over' && l.expandedFrom.length) return `${l.expandedFrom[0].file}:${l.expandedFrom[0].line}`;
    return `${l.file}:${l.line}`;
  }

  /**
   * Every source location of the instruction at `addr`, outermost first: the macro invocation
   * lines that produced it (if any), then the line itself.
   */
  chain(addr: bigint): SourceLine[] {
    const l = this.machine.lineAt(addr);
    if (!l) return [];
    return [...l.expandedFrom.map((x) => ({ file: x.file, line: x.line })), { file: l.file, line: l.line }];
  }

  /** The line shown for `addr` at a macro-expansion depth (clamped to the innermost line). */
  displayLine(addr: bigint, depth: Depth = INNER): SourceLine | undefined {
    const c = this.chain(addr);
    if (!c.length) return undefined;
    return c[Math.min(depth, c.length - 1)];
  }

  isCode(addr: bigint): boolean {
    return this.machine.symbolAt(addr) !== undefined && this.isMapped(addr);
  }

  // ---- expression context ----

  evalContext(): EvalContext {
    const m = this.machine;
    return {
      register: (n, p) => registerInfo(n, p),
      readRegister: (n) => readRegister(m.cpu, n),
      writeRegister: (n, v) => writeRegister(m.cpu, n, v),
      readFlag: (n) => readFlag(m.cpu, n),
      writeFlag: (n, v) => writeFlag(m.cpu, n, v),
      readMemory: (a, len) => this.read(a, len),
      writeMemory: (a, bytes) => {
        const ok = this.write(a, bytes);
        if (ok) this.invalidateCode();
        return ok;
      },
      symbol: (name) => {
        const s = m.symbolByName(name);
        return s ? { address: s.address, size: s.size, type: s.type, absolute: s.section === '*ABS*' } : undefined;
      },
      ptRegsAddress: () => this.ptRegs(),
      ptRegsField: (offset) => {
        const live = this.ptRegsLiveness();
        return live.pushed(offset) ? undefined : live.why ?? 'not saved';
      },
      describeAddress: (a) => (a >= 0x1000n ? this.describeAddress(a) : undefined),
    };
  }
}

// The contract between the machine (emulator/machine/machine.ts implements it) and its hosts: the
// CLI (`ringstep run`), the debug adapter and tests. Nothing here knows about DAP or VS Code.

import type { CpuFault, CpuState } from '../cpu/state';
import type { BreakAddresses } from '../cpu/cpu';

export type { BreakAddresses };
import type { Diagnostic, LineEntry, LinkedImage, SourceFile, SymbolInfo } from '../asm/types';

export interface Mitigations {
  pti: boolean;
  ibrs: boolean;
  retbleed: boolean;
  bhi: boolean;
  verw: boolean;
  randomize_kstack_offset: boolean;
  smap: boolean;
  smep: boolean;
}

export type ProgramInput =
  | { kind: 'sources'; files: SourceFile[] }
  | { kind: 'elf'; name: string; bytes: Uint8Array };

export interface MachineOptions {
  program: ProgramInput;
  /** argv[1..]; argv[0] is the program name */
  args?: string[];
  env?: string[];
  /** extra files in the guest's in-memory file system: guest path -> contents */
  files?: Record<string, string | Uint8Array>;
  mitigations?: Partial<Mitigations>;
  seed?: number;
  /** stop with reason 'limit' after this many retired instructions */
  maxInstructions?: number;
  /** replace the built-in kernel sources (same relative paths as emulator/kernel) */
  kernelSources?: SourceFile[];
  /** trace syscalls through the kernel's ptrace-report path (strace lines) */
  strace?: boolean;
  /** a prebuilt kernel (e.g. read from an ELF with machine/elf.ts); skips assembling kernel sources */
  kernelImage?: LinkedImage;
  /** physical memory in bytes (default 64 MiB) */
  memorySize?: number;
  /** compile hot blocks into JavaScript (default true; tests compare against false) */
  compileBlocks?: boolean;
}

/** Why run() returned. */
export type StopReason =
  | { kind: 'budget' } // the slice's instruction budget ran out; call run() again
  | { kind: 'breakpoint'; address: bigint } // shouldStop said so before executing `address`
  | { kind: 'exited'; status: number; signal?: string } // the task is gone (exit_group, or killed by a signal); status as a shell reports it (128 + n when killed by signal n)
  | { kind: 'fault'; fault: CpuFault; ring: number; signal?: string; explanation: string } // reported before delivery
  | { kind: 'oops'; text: string } // a kernel fault with no fixup: Linux-shaped oops text; machine stopped
  | { kind: 'limit'; message: string } // maxInstructions or another bound
  | { kind: 'halted' }; // hlt with interrupts off and nothing to wake it

/** Something worth telling the host about, emitted while running. */
export type MachineEvent =
  | { kind: 'stdout'; fd: 1 | 2; bytes: Uint8Array }
  | { kind: 'strace'; line: string }
  | { kind: 'syscall-entry'; nr: number; name: string; args: bigint[] }
  | { kind: 'syscall-exit'; nr: number; name: string; result: bigint }
  | { kind: 'ring'; from: number; to: number; how: 'syscall' | 'sysret' | 'iret' | 'exception' | 'interrupt'; address: bigint };

export interface Machine {
  readonly cpu: CpuState;
  /** the user program and the kernel, linked; symbols and lines from both */
  readonly userImage: LinkedImage;
  readonly kernelImage: LinkedImage;
  /** all source files by name (user program and kernel), for the debugger's Source requests */
  readonly sources: Map<string, string>;
  /** assembler diagnostics when building failed (then the machine cannot run) */
  readonly diagnostics: Diagnostic[];

  /**
   * Execute up to `budget` instructions. Before each instruction, if `shouldStop(rip)` returns
   * true (and it is not the very first instruction of this call), stop with 'breakpoint'.
   */
  run(budget: number, shouldStop?: (rip: bigint) => boolean): StopReason;
  /**
   * run() for a debugger whose only per-instruction question is "is this a breakpoint address":
   * stop with 'breakpoint' before an instruction at one of `addresses` (not the very first). Runs
   * whole blocks (compiled code included) where none of the addresses lies, so it is many times
   * faster than a shouldStop callback.
   */
  runToAddresses(budget: number, addresses: BreakAddresses): StopReason;
  /** From inside an event listener: end the current run() or runToAddresses() after the
   *  instruction that is executing, with 'budget' unless something else stops it. */
  requestStop(): void;
  /** Execute exactly one instruction (delivering any exception it raises). */
  step(): StopReason | null;

  /** Read guest memory through the current page tables as a supervisor access with no SMAP.
   *  Returns null for each unmapped byte's page. */
  readVirtual(addr: bigint, len: number): (number | null)[];
  writeVirtual(addr: bigint, bytes: Uint8Array): boolean;

  symbolAt(addr: bigint): { symbol: SymbolInfo; offset: number } | undefined;
  symbolByName(name: string): SymbolInfo | undefined;
  lineAt(addr: bigint): LineEntry | undefined;
  /** all addresses of code emitted for file:line */
  addressesFor(file: string, line: number): bigint[];

  /** The pt_regs the current task's kernel stack holds at (top of stack - 168), if in a syscall. */
  ptRegsAddress(): bigint;

  /** Full state capture; restore() makes the machine identical (registers, memory, MSRs, CR3,
   *  devices, console position, instruction count). Used for restart and coarse checkpoints. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;

  /** Reverse execution: while recording, the machine keeps what it needs so that undo() rewinds
   *  exactly one instruction (checkpoints plus re-execution, see machine-core.ts). History older
   *  than `maxInstructions` is dropped. */
  setRecording(on: boolean, maxInstructions?: number): void;
  /** Rewind one instruction; false when the history is empty. */
  undo(): boolean;
  readonly historyLength: number;
  /** Bytes the reverse-execution history holds now (checkpoints, their saved pages and the
   *  per-instruction journal); 0 when not recording. */
  readonly historyBytes?: number;

  on(listener: (e: MachineEvent) => void): void;
}

export type CreateMachine = (opts: MachineOptions) => Machine;

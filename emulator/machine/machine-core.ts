// The Machine (api.ts) built from its parts: physical memory, MMU, CPU, system layer, devices,
// boot and loader. The toolchain (assembler, kernel sources) is passed in so this file imports
// nothing it cannot run without; machine.ts wires the real ones.
//
// Reverse execution (setRecording) keeps two things:
//  - Checkpoints, one every CHECKPOINT_INTERVAL positions: the CPU state (registers, control and
//    segment registers, MSRs), the RDRAND generator, the device state (console/kernel log, the
//    pending strace report), the stop state, and a copy-on-write page log: the old bytes of each
//    physical page on its first write after the checkpoint (PhysicalMemory.logPagesInto). Runs go
//    at full (block) speed; the only per-write cost is one epoch compare. Memory: about 1 KiB per
//    checkpoint plus 4 KiB per distinct page written between two checkpoints.
//  - A per-instruction journal (flat chunks, see HistoryChunk) while stepping with step() and while
//    replaying: each step's old register file, every physical write's old bytes (through
//    PhysicalMemory.journalDirect), every MSR's old value (System.journalMsr), the RDRAND state and
//    the device state. Memory: ~50 bytes per instruction, at most maxInstructions of them.
// undo() pops the journal when it covers the current position. Otherwise it goes back to the latest
// checkpoint before the target (the page logs applied newest first), then re-executes forward to
// the target with the journal on, so the next undos down to that checkpoint are cheap pops.
// Re-execution is silent (no MachineEvents: the host saw them) and exact: the machine is
// deterministic (RDTSC counts retired instructions, RDRAND is seeded, devices are restored).
// Caveats: writes by the host (writeVirtual, register edits) are not part of the re-executed
// history, and the TLB is flushed on going back (a guest relying on a stale TLB entry would
// diverge). Checkpoints older than maxInstructions are dropped; historyLength says how far undo()
// can go and historyBytes what it all costs.
//
// Positions: a step either retires an instruction, or delivers a fault (an exception that retires
// nothing, e.g. #PF). position = retired + faults delivered, so every step moves it by one whether
// the CPU ran it alone or in a batch; undo() goes to position - 1.

import type { AssembleOptions, LineEntry, LinkedImage, SourceFile, SymbolInfo } from '../asm/types';
import { Cpu, type BreakAddresses, type StepOutcome } from '../cpu/cpu';
import { Mmu } from '../cpu/mmu';
import { CpuFault, CpuState, MSR, Segment, TableReg, Vec, VEC_NAMES } from '../cpu/state';
import { System } from '../cpu/system';
import type { Machine, MachineEvent, MachineOptions, Mitigations, StopReason } from './api';
import { boot, KERNEL_PHYS_BASE, KERNEL_VIRT_BASE } from './boot';
import { Devices, DeviceState, PT_REGS_SIZE } from './devices';
import { AssembleFn, loadProgram } from './loader';
import { PageLog, PhysicalMemory } from './memory';

export interface Toolchain {
  assemble?: AssembleFn;
  kernelSources?: () => SourceFile[];
  /** how to assemble the kernel tree: which files are units, and the options (includes, base) */
  kernelBuild?: (files: SourceFile[]) => { units: SourceFile[]; options: AssembleOptions };
}

export const KERNEL_TEXT_BASE = KERNEL_VIRT_BASE;
export const DEFAULT_MEMORY = 64 * 1024 * 1024;
export const ALL_MITIGATIONS: Mitigations = {
  pti: true, ibrs: true, retbleed: true, bhi: true, verw: true, randomize_kstack_offset: true, smap: true, smep: true,
};

interface RegFile {
  gpr: BigUint64Array;
  rip: bigint;
  rflags: number;
  seg: Segment[];
  cpl: number;
  cr0: bigint;
  cr2: bigint;
  cr3: bigint;
  cr4: bigint;
  efer: bigint;
  gdtr: TableReg;
  idtr: TableReg;
  tr: { sel: number; base: bigint; limit: number };
  retired: bigint;
  halted: boolean;
}

function saveRegs(s: CpuState): RegFile {
  return {
    gpr: s.gpr.slice(),
    rip: s.rip,
    rflags: s.rflags,
    seg: s.seg.map((x) => ({ ...x })),
    cpl: s.cpl,
    cr0: s.cr0, cr2: s.cr2, cr3: s.cr3, cr4: s.cr4, efer: s.efer,
    gdtr: s.gdtr, idtr: s.idtr, tr: s.tr, // replaced (never mutated) by system.ts
    retired: s.retired,
    halted: s.halted,
  };
}

function loadRegs(s: CpuState, r: RegFile): void {
  s.gpr.set(r.gpr);
  s.rip = r.rip;
  s.rflags = r.rflags;
  for (let i = 0; i < 6; i++) s.seg[i] = { ...r.seg[i] };
  s.cpl = r.cpl;
  s.cr0 = r.cr0; s.cr2 = r.cr2; s.cr3 = r.cr3; s.cr4 = r.cr4; s.efer = r.efer;
  s.gdtr = r.gdtr; s.idtr = r.idtr; s.tr = r.tr;
  s.retired = r.retired;
  s.halted = r.halted;
}

/**
 * The undo history, stored flat so that recording allocates almost nothing per instruction
 * (a million small retained objects would make every garbage collection copy them all), and
 * keeping only what each instruction changed. Per instruction, in chunks of CHUNK instructions:
 * the old RIP, RFLAGS and retired count, where its entries start in the chunk's log, and the index
 * of its RareState (or -1). The log holds, per changed general register or physical write of up
 * to 8 bytes, a key (physical address >= 0, or -1 - register number), a size and the old value as
 * two 32-bit halves. Everything else (control registers, segments, CPL, device state, MSRs, ...)
 * changes rarely: an instruction that changes any of it keeps a RareState with all of it.
 */
const CHUNK = 4096;
const NNUM = 5; // rflags, retired, logStart, rare index, faults delivered
class HistoryChunk {
  /** old RIPs by reference (the decode cache's own bigints: storing them allocates nothing) */
  rip: bigint[] = new Array<bigint>(CHUNK).fill(0n);
  nums = new Float64Array(CHUNK * NNUM);
  rare: RareState[] = [];
  count = 0;
  logKey = new Float64Array(1024);
  logSize = new Uint8Array(1024);
  logLo = new Uint32Array(1024);
  logHi = new Uint32Array(1024);
  logLen = 0;

  reset(): void {
    this.count = 0;
    this.logLen = 0;
    this.rare.length = 0;
  }

  private entry(key: number, size: number, lo: number, hi: number): void {
    if (this.logLen === this.logKey.length) this.grow();
    const i = this.logLen++;
    this.logKey[i] = key;
    this.logSize[i] = size;
    this.logLo[i] = lo;
    this.logHi[i] = hi;
  }

  /** Appends a register's old value (gpr number, halves). */
  logRegister(num: number, lo: number, hi: number): void {
    this.entry(-1 - num, 8, lo, hi);
  }

  /** Appends the old bytes of a physical write (split into pieces of up to 8 bytes). */
  logWrite(addr: number, frame: Uint8Array, offset: number, size: number): void {
    for (let p = 0; p < size; p += 8) {
      const n = size - p < 8 ? size - p : 8;
      const o = offset + p;
      let lo = 0, hi = 0;
      for (let k = 0; k < n; k++) {
        if (k < 4) lo |= frame[o + k] << (8 * k);
        else hi |= frame[o + k] << (8 * (k - 4));
      }
      this.entry(addr + p, n, lo >>> 0, hi >>> 0);
    }
  }

  private grow(): void {
    const n = this.logKey.length * 2;
    const k = new Float64Array(n), z = new Uint8Array(n), l = new Uint32Array(n), h = new Uint32Array(n);
    k.set(this.logKey);
    z.set(this.logSize);
    l.set(this.logLo);
    h.set(this.logHi);
    this.logKey = k;
    this.logSize = z;
    this.logLo = l;
    this.logHi = h;
  }
}

/** The rarely changing part of the machine state, as it was before an instruction. */
interface RareState {
  cr0: bigint; cr2: bigint; cr3: bigint; cr4: bigint; efer: bigint;
  /** segment caches (replaced, never mutated, by system.ts) and their bases (mutated in place) */
  seg: Segment[];
  segBase: bigint[];
  cpl: number;
  halted: boolean;
  gdtr: TableReg; idtr: TableReg; tr: CpuState['tr'];
  dev: DeviceState;
  final: StopReason | null;
  rng: number;
  /** the instruction's MSR journal: [msr, old value] pairs, or null */
  msr: Journal | null;
}

function rareOf(s: CpuState, dev: DeviceState, final: StopReason | null, rng: number): RareState {
  return {
    cr0: s.cr0, cr2: s.cr2, cr3: s.cr3, cr4: s.cr4, efer: s.efer,
    seg: s.seg.slice(), segBase: s.seg.map((x) => x.base),
    cpl: s.cpl, halted: s.halted, gdtr: s.gdtr, idtr: s.idtr, tr: s.tr,
    dev, final, rng, msr: null,
  };
}

/** Copies the rare state into `r` (reused: no allocation per instruction). */
function copyRare(r: RareState, s: CpuState, dev: DeviceState, final: StopReason | null, rng: number): void {
  r.cr0 = s.cr0; r.cr2 = s.cr2; r.cr3 = s.cr3; r.cr4 = s.cr4; r.efer = s.efer;
  for (let k = 0; k < 6; k++) {
    r.seg[k] = s.seg[k];
    r.segBase[k] = s.seg[k].base;
  }
  r.cpl = s.cpl; r.halted = s.halted; r.gdtr = s.gdtr; r.idtr = s.idtr; r.tr = s.tr;
  r.dev = dev; r.final = final; r.rng = rng;
}

function rareChanged(r: RareState, s: CpuState, dev: DeviceState, final: StopReason | null, rng: number): boolean {
  if (r.cr0 !== s.cr0 || r.cr2 !== s.cr2 || r.cr3 !== s.cr3 || r.cr4 !== s.cr4 || r.efer !== s.efer) return true;
  if (r.cpl !== s.cpl || r.halted !== s.halted || r.gdtr !== s.gdtr || r.idtr !== s.idtr || r.tr !== s.tr) return true;
  if (r.dev !== dev || r.final !== final || r.rng !== rng) return true;
  for (let k = 0; k < 6; k++) if (r.seg[k] !== s.seg[k] || r.segBase[k] !== s.seg[k].base) return true;
  return false;
}
type Journal = (number | bigint | undefined)[];

interface Snapshot {
  regs: RegFile;
  msr: [number, bigint][];
  frames: Map<number, Uint8Array>;
  rng: number;
  dev: DeviceState;
  final: StopReason | null;
  faults: number;
}

/**
 * Positions between checkpoints. Measured (bench/adapter.ts, syscall-heavy samples): 50k keeps an
 * undo right after a long run at ~15 ms of re-execution while the page logs stay small.
 */
export const CHECKPOINT_INTERVAL = 50_000;

/** The machine at a position, minus memory; `pages` brings memory back (see PageLog). */
interface Checkpoint {
  position: number;
  regs: RegFile;
  msr: [number, bigint][];
  rng: number;
  dev: DeviceState;
  final: StopReason | null;
  faults: number;
  /** old bytes of the pages written since this checkpoint (until the next one) */
  pages: PageLog;
}
/** bytes of a checkpoint besides its pages and MSRs (register file, segments, object headers) */
const CHECKPOINT_BYTES = 1024;

/** MSRs that live in CpuState fields (restored with the register file), not in state.msr. */
const MSRS_IN_REGS = new Set<number>([MSR.EFER, MSR.FS_BASE, MSR.GS_BASE]);

/** Orders by address (bigint), for sort(). */
const byAddress = (a: { address: bigint }, b: { address: bigint }): number => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0);

/** Index of the last entry of `list` (sorted by address) at or below `addr`, or -1. */
function lastAtOrBelow(list: { address: bigint }[], addr: bigint): number {
  let lo = 0;
  let hi = list.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].address <= addr) (best = mid), (lo = mid + 1);
    else hi = mid - 1;
  }
  return best;
}

class SortedSymbols {
  private list: SymbolInfo[];
  constructor(images: LinkedImage[]) {
    this.list = images
      .flatMap((i) => i.symbols)
      .filter((s) => (s.type === 'func' || s.type === 'object' || s.type === 'notype') && s.section !== '*ABS*' && s.section !== '*UND*' && s.name !== '')
      .sort(byAddress);
  }
  at(addr: bigint): { symbol: SymbolInfo; offset: number } | undefined {
    const best = lastAtOrBelow(this.list, addr);
    if (best < 0) return undefined;
    // Prefer a sized symbol that covers addr; else the nearest label at or below it (same 1 MiB).
    for (let i = best; i >= 0 && i > best - 8; i--) {
      const s = this.list[i];
      if (s.size > 0 && addr < s.address + BigInt(s.size)) return { symbol: s, offset: Number(addr - s.address) };
    }
    const s = this.list[best];
    if (addr - s.address > 0x100000n) return undefined;
    return { symbol: s, offset: Number(addr - s.address) };
  }
}

class LineIndex {
  private list: LineEntry[];
  private byLine = new Map<string, bigint[]>();
  constructor(images: LinkedImage[]) {
    this.list = images.flatMap((i) => i.lines).sort(byAddress);
    for (const l of this.list) {
      if (!l.isCode) continue;
      const k = `${l.file}\0${l.line}`;
      let a = this.byLine.get(k);
      if (!a) this.byLine.set(k, (a = []));
      a.push(l.address);
    }
  }
  at(addr: bigint): LineEntry | undefined {
    const best = lastAtOrBelow(this.list, addr);
    if (best < 0) return undefined;
    const l = this.list[best];
    return addr < l.address + BigInt(Math.max(1, l.length)) ? l : undefined;
  }
  addresses(file: string, line: number): bigint[] {
    return this.byLine.get(`${file}\0${line}`) ?? [];
  }
}

const EMPTY_IMAGE: LinkedImage = { entry: 0n, segments: [], symbols: [], lines: [] };

export class RingstepMachine implements Machine {
  /** requestStop() was called during the current run */
  private hostStop = false;
  readonly cpu = new CpuState();
  readonly userImage: LinkedImage;
  readonly kernelImage: LinkedImage;
  readonly sources = new Map<string, string>();
  readonly diagnostics: MachineBuildDiagnostics = [];
  readonly phys: PhysicalMemory;
  readonly mmu: Mmu;
  readonly system: System;
  readonly core: Cpu;
  readonly devices: Devices;
  readonly mitigations: Mitigations;

  private listeners: ((e: MachineEvent) => void)[] = [];
  private final: StopReason | null = null;
  private pendingStop: StopReason | null = null;
  private symbols: SortedSymbols;
  private lines: LineIndex;
  private maxInstructions: number;

  private recording = false;
  private maxHistory = 100_000;
  /** checkpoints, oldest first; the last one's page log receives the writes */
  private checkpoints: Checkpoint[] = [];
  private nextCheckpointAt = 0;
  /** the oldest position undo() may go back to (maxHistory behind the furthest one reached) */
  private floor = 0;
  /** faults delivered so far (see "Positions" above) */
  private faultsDelivered = 0;
  /** the per-instruction journal is being written (step() and replays) */
  private fineRecording = false;
  /** re-executing toward an undo target: no events */
  private replaying = false;
  private readonly journalWrite: (addr: number, frame: Uint8Array, offset: number, size: number) => void;
  private chunks: HistoryChunk[] = [];
  /** entries of chunks[0] already dropped (beyond the bound) */
  private chunkStart = 0;
  /** per-instruction journal entries held (sum of chunk counts minus chunkStart) */
  private fineCount = 0;
  private spareChunk: HistoryChunk | null = null;
  /** the MSR journal of the instruction being recorded (null until its first MSR write) */
  private journal: Journal | null = null;
  private journaling = false;
  /** the chunk the instruction being recorded goes to (its write log receives the writes) */
  private recordChunk: HistoryChunk | null = null;
  /** where the recorded instruction's entries start in its chunk's log */
  private logStart = 0;
  /** the registers as 32-bit halves, and their copy from before the instruction being recorded */
  private readonly gpr32: Uint32Array;
  private readonly shadowGpr = new Uint32Array(32);
  private shadowRip = 0n;
  private shadowFlags = 0;
  private shadowRetired = 0;
  private shadowFaults = 0;
  private readonly shadowRare: RareState;
  /** shadowRare equals the current rare state (nothing outside run/step changed it since) */
  private shadowRareValid = false;
  private shadowSysEvents = 0;

  constructor(opts: MachineOptions, tools: Toolchain) {
    this.gpr32 = new Uint32Array(this.cpu.gpr.buffer, this.cpu.gpr.byteOffset, 32);
    this.phys = new PhysicalMemory(opts.memorySize ?? DEFAULT_MEMORY);
    this.mmu = new Mmu(this.cpu, this.phys);
    this.phys.onCodeWrite = (f) => this.mmu.codeWritten(f);
    this.devices = new Devices({
      emit: (e) => this.emit(e),
      stop: (r) => {
        this.pendingStop = r;
        this.core.stopRequested = true; // end a batch of instructions after this one
      },
      gpr: (n) => this.cpu.gpr[n],
      read: (a, n) => this.readBytes(a, n),
      describeAddress: (a) => this.describeKernelAddress(a),
    });
    this.devices.strace = !!opts.strace;
    this.system = new System(this.cpu, this.mmu, this.devices);
    const deliver = this.system.deliver.bind(this.system);
    this.system.deliver = (cpu, fault) => {
      const delivered = deliver(cpu, fault);
      // A fault is a step of its own (nothing retires); a trap (INT3, INTO, the single-step #DB)
      // is delivered in the step of the instruction that retired.
      if (delivered && !this.core.trapping && fault.vector !== Vec.DB) this.faultsDelivered++;
      return delivered;
    };
    this.journalWrite = (addr, frame, offset, size) => {
      if (this.journaling) this.recordChunk!.logWrite(addr, frame, offset, size);
    };
    this.shadowRare = rareOf(this.cpu, this.devices.st, null, 0);
    this.core = new Cpu(this.cpu, this.mmu, { seed: opts.seed ?? 1, system: this.system, io: this.devices, compileBlocks: opts.compileBlocks });
    this.mmu.invalidateCode = (p) => this.core.invalidateCode(p);
    this.system.onRing = (c) => this.emit({ kind: 'ring', from: c.from, to: c.to, how: c.how, address: c.address });
    this.system.journalMsr = (n, old) => {
      if (this.journaling) (this.journal ??= []).push(n, old);
    };
    this.maxInstructions = opts.maxInstructions ?? Number.MAX_SAFE_INTEGER;
    this.mitigations = { ...ALL_MITIGATIONS, ...(opts.mitigations ?? {}) };

    // ---- build the user program
    const program = opts.program;
    if (program.kind === 'sources') for (const f of program.files) this.sources.set(f.name, f.text);
    const user = loadProgram(program, tools.assemble);
    this.diagnostics.push(...user.diagnostics.filter((d) => d.severity === 'error'));

    // ---- the kernel
    let kernel = opts.kernelImage;
    if (!kernel) {
      const ks = opts.kernelSources ?? tools.kernelSources?.();
      if (!ks || !tools.assemble) throw new Error('no kernel: pass kernelImage, kernelSources or a toolchain');
      for (const f of ks) this.sources.set(f.name, f.text);
      const build = tools.kernelBuild?.(ks) ?? { units: ks, options: { textBase: KERNEL_VIRT_BASE, entry: 'startup_64' } };
      const r = tools.assemble(build.units, build.options);
      this.diagnostics.push(...r.diagnostics.filter((d) => d.severity === 'error'));
      kernel = r.image;
    }
    this.userImage = user.image ?? EMPTY_IMAGE;
    this.kernelImage = kernel ?? EMPTY_IMAGE;
    this.symbols = new SortedSymbols([this.userImage, this.kernelImage]);
    this.lines = new LineIndex([this.userImage, this.kernelImage]);
    if (!user.image || !kernel) {
      this.final = { kind: 'limit', message: 'the program or the kernel did not build: see diagnostics' };
      return;
    }

    // ---- boot
    const seed = opts.seed ?? 1;
    const files = new Map<string, Uint8Array>([['/etc/hostname', new TextEncoder().encode('myhost\n')]]);
    for (const [k, v] of Object.entries(opts.files ?? {})) files.set(k, typeof v === 'string' ? new TextEncoder().encode(v) : v);
    const name = program.kind === 'elf' ? program.name : (program.files[0]?.name ?? 'a.out');
    this.phys.journalDirect = null;
    boot(this.phys, this.cpu, {
      kernel,
      user: user.image,
      stack: {
        argv: [name, ...(opts.args ?? [])],
        envp: opts.env ?? [],
        execfn: name,
        phdrAddress: user.phdrAddress,
        phnum: user.phnum,
        phentsize: user.phentsize,
        random16: seededBytes(seed, 16),
      },
      files: [...files].map(([path, data]) => ({ path, data })),
      mitigations: this.mitigations,
      seed,
      traced: !!opts.strace,
    });
    this.mmu.flushAll();
  }

  on(listener: (e: MachineEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(e: MachineEvent): void {
    if (this.replaying) return;
    for (const l of this.listeners) l(e);
  }

  // ---- execution -----------------------------------------------------------------------------

  run(budget: number, shouldStop?: (rip: bigint) => boolean): StopReason {
    if (this.final) return this.final;
    this.shadowRareValid = false; // the caller may have changed the state since the last run
    // Forward without the per-instruction journal: undo() re-executes from a checkpoint instead.
    if (this.recording) this.clearJournal();
    this.hostStop = false;
    if (!shouldStop) return this.runBatched(budget);
    const recording = this.recording;
    for (let i = 0; i < budget; i++) {
      if (i > 0 && shouldStop(this.cpu.rip)) return { kind: 'breakpoint', address: this.cpu.rip };
      const r = this.stepOnce();
      if (recording) this.afterForward();
      if (r) return r;
    }
    return { kind: 'budget' };
  }

  runToAddresses(budget: number, addresses: BreakAddresses): StopReason {
    if (this.final) return this.final;
    this.shadowRareValid = false;
    if (this.recording) this.clearJournal();
    this.hostStop = false;
    return this.runBatched(budget, addresses);
  }

  requestStop(): void {
    this.hostStop = true;
    this.core.stopRequested = true;
  }

  step(): StopReason | null {
    if (this.final) return this.final;
    this.shadowRareValid = false;
    if (!this.recording) return this.stepOnce();
    // Single steps keep the per-instruction journal: stepping back right after is a pop.
    this.journalOn();
    let r: StopReason | null;
    try {
      r = this.stepOnce();
    } finally {
      this.journalOff();
    }
    this.afterForward();
    return r;
  }

  /**
   * run() without breakpoints or recording: the CPU runs whole batches of instructions (Cpu.run),
   * ending early on anything that is not a plain retirement (halt, fault, a device's stop request).
   * Same instruction stream and the same stops as stepping one at a time.
   */
  private runBatched(budget: number, breakAt?: BreakAddresses): StopReason {
    let left = budget;
    const recording = this.recording;
    let first = true;
    while (left > 0) {
      const limitLeft = this.maxInstructions - this.cpu.retiredCount;
      if (limitLeft <= 0) return this.stepOnce()!; // the limit stop
      // (a batch after the first one may stop on its first instruction, as run()'s callback would)
      if (breakAt !== undefined && !first && breakAt.has(this.cpu.rip)) return { kind: 'breakpoint', address: this.cpu.rip };
      first = false;
      let n = Math.min(left, limitLeft);
      if (recording) n = Math.min(n, Math.max(1, this.nextCheckpointAt - this.position));
      const { outcome, steps, breakpoint } = this.core.run(n, breakAt);
      left -= steps;
      const r = this.afterStep(outcome);
      if (recording) this.afterForward();
      if (r) return r;
      if (breakpoint) return { kind: 'breakpoint', address: this.cpu.rip };
      if (this.hostStop) {
        this.hostStop = false;
        return { kind: 'budget' };
      }
    }
    return { kind: 'budget' };
  }

  private stepOnce(): StopReason | null {
    if (this.cpu.retiredCount >= this.maxInstructions) {
      return { kind: 'limit', message: `stopped after ${this.maxInstructions} instructions (--max-instructions)` };
    }
    if (this.fineRecording) this.beginRecord();
    return this.afterStep(this.core.step());
  }

  /** The stop (if any) after an instruction's outcome, and the end of its record. */
  private afterStep(out: StepOutcome): StopReason | null {
    this.core.stopRequested = false;
    // A HLT with nothing to wake the CPU ends the run; the record keeps it undoable.
    let reason: StopReason | null = null;
    if (out.kind === 'halted') reason = { kind: 'halted' };
    else if (out.kind === 'fault') reason = this.faultStop(out.fault);
    else if (out.kind === 'internal') reason = { kind: 'limit', message: `emulator error: ${(out.error as Error)?.stack ?? String(out.error)}` };
    if (this.pendingStop) {
      reason = this.pendingStop;
      this.pendingStop = null;
    }
    if (reason && reason.kind !== 'halted') this.final = reason;
    if (this.journaling) this.endRecord();
    return reason;
  }

  private faultStop(fault: CpuFault): StopReason {
    const tf = this.system.tripleFault;
    if (tf) {
      this.system.tripleFault = null;
      return { kind: 'fault', fault: tf, ring: this.cpu.cpl, explanation: `${tf.detail ?? tf.toString()}: the machine shut down` };
    }
    const where = this.symbolAt(this.cpu.rip);
    const at = where ? `${where.symbol.name}+0x${where.offset.toString(16)}` : `0x${this.cpu.rip.toString(16)}`;
    const name = VEC_NAMES[fault.vector] ?? `vector ${fault.vector}`;
    return {
      kind: 'fault',
      fault,
      ring: this.cpu.cpl,
      explanation: `${name} in ring ${this.cpu.cpl} at ${at}${fault.detail ? `: ${fault.detail}` : ''} (no IDT to deliver it)`,
    };
  }

  private get rngState(): number {
    return (this.core as unknown as { rngState: number }).rngState;
  }
  private set rngState(v: number) {
    (this.core as unknown as { rngState: number }).rngState = v;
  }

  // ---- memory for the debugger ---------------------------------------------------------------

  readVirtual(addr: bigint, len: number): (number | null)[] {
    const out: (number | null)[] = new Array(len);
    for (let i = 0; i < len; ) {
      const va = (addr + BigInt(i)) & 0xffffffffffffffffn;
      const off = Number(va & 0xfffn);
      const n = Math.min(len - i, 4096 - off);
      const pa = this.mmu.peekTranslate(va);
      if (pa === null) for (let j = 0; j < n; j++) out[i + j] = null;
      else {
        const b = this.phys.readBytes(pa, n);
        for (let j = 0; j < n; j++) out[i + j] = b[j];
      }
      i += n;
    }
    return out;
  }

  /** Bytes, or null when any is unmapped (for the strace printer). */
  readBytes(addr: bigint, len: number): Uint8Array | null {
    const v = this.readVirtual(addr, len);
    if (v.some((x) => x === null)) return null;
    return Uint8Array.from(v as number[]);
  }

  writeVirtual(addr: bigint, bytes: Uint8Array): boolean {
    const pas: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const pa = this.mmu.peekTranslate((addr + BigInt(i)) & 0xffffffffffffffffn);
      if (pa === null) return false;
      pas.push(pa);
    }
    pas.forEach((pa, i) => this.phys.writeBytes(pa, bytes.subarray(i, i + 1)));
    return true;
  }

  // ---- symbols -------------------------------------------------------------------------------

  /** `ksys_read+0x15/0x40 (fs/read_write.S:140)`, Linux's symbol+offset/size plus the source line. */
  private describeKernelAddress(addr: bigint): string | undefined {
    const s = this.symbols.at(addr);
    if (!s) return undefined;
    const size = s.symbol.size > 0 ? `/0x${s.symbol.size.toString(16)}` : '';
    const line = this.lines.at(addr);
    const where = line ? ` (${line.file}:${line.line})` : '';
    return `${s.symbol.name}+0x${s.offset.toString(16)}${size}${where}`;
  }

  symbolAt(addr: bigint) {
    return this.symbols.at(addr);
  }
  symbolByName(name: string): SymbolInfo | undefined {
    return this.kernelImage.symbols.find((s) => s.name === name && s.binding !== 'local') ??
      this.userImage.symbols.find((s) => s.name === name && s.binding !== 'local') ??
      this.kernelImage.symbols.find((s) => s.name === name) ??
      this.userImage.symbols.find((s) => s.name === name);
  }
  lineAt(addr: bigint): LineEntry | undefined {
    return this.lines.at(addr);
  }
  addressesFor(file: string, line: number): bigint[] {
    return this.lines.addresses(file, line);
  }

  /** Reads a u64 of the kernel image by virtual address (whatever CR3 is loaded). */
  readKernelU64(va: bigint): bigint {
    return this.phys.readUint(KERNEL_PHYS_BASE + Number(va - KERNEL_VIRT_BASE), 8);
  }

  ptRegsAddress(): bigint {
    const sym = this.symbolByName('cpu_current_top_of_stack');
    if (!sym) return 0n;
    const top = this.readKernelU64(sym.address);
    return top === 0n ? 0n : top - BigInt(PT_REGS_SIZE);
  }

  /** The kernel's printk output so far (COM3). */
  get kernelLog(): string {
    return this.devices.st.kernelLog;
  }

  // ---- snapshots -----------------------------------------------------------------------------

  snapshot(): unknown {
    const s: Snapshot = {
      regs: saveRegs(this.cpu),
      msr: [...this.cpu.msr],
      frames: this.phys.copyFrames(),
      rng: this.rngState,
      dev: this.devices.st,
      final: this.final,
      faults: this.faultsDelivered,
    };
    return s;
  }

  restore(snapshot: unknown): void {
    const s = snapshot as Snapshot;
    loadRegs(this.cpu, s.regs);
    this.cpu.msr.clear();
    for (const [k, v] of s.msr) this.cpu.msr.set(k, v);
    this.phys.setFrames(s.frames);
    this.rngState = s.rng;
    this.devices.st = s.dev;
    this.final = s.final;
    this.faultsDelivered = s.faults;
    this.pendingStop = null;
    this.system.tripleFault = null;
    this.dropCaches();
    if (this.recording) this.startHistory();
  }

  private dropCaches(): void {
    this.mmu.cr4Written(); // re-derives the PCID from CR3 and flushes the TLB
    this.core.invalidateCode();
  }

  // ---- reverse execution ---------------------------------------------------------------------

  setRecording(on: boolean, maxInstructions?: number): void {
    if (maxInstructions !== undefined) this.maxHistory = Math.max(1, maxInstructions);
    if (on && !this.recording) {
      this.recording = true;
      this.startHistory();
    } else if (!on) {
      this.recording = false;
      this.clearHistory();
    }
  }

  /** Steps taken so far (see "Positions" at the top). */
  private get position(): number {
    return this.cpu.retiredCount + this.faultsDelivered;
  }

  /** History from here on: the first checkpoint is the current state. */
  private startHistory(): void {
    this.clearHistory();
    this.floor = this.position;
    this.takeCheckpoint();
  }

  private clearHistory(): void {
    this.clearJournal();
    this.checkpoints = [];
    this.phys.logPagesInto(null);
    this.floor = this.position;
  }

  private clearJournal(): void {
    this.chunks = [];
    this.chunkStart = 0;
    this.fineCount = 0;
  }

  get historyLength(): number {
    return this.recording ? Math.max(0, this.position - this.floor) : 0;
  }

  /** What the history holds in bytes: checkpoints with their saved pages, and the journal. */
  get historyBytes(): number {
    let n = 0;
    for (const c of this.checkpoints) n += CHECKPOINT_BYTES + c.msr.length * 32 + c.pages.bytes;
    for (const c of [...this.chunks, ...(this.spareChunk ? [this.spareChunk] : [])]) {
      n += CHUNK * (8 + NNUM * 8) + c.logKey.length * (8 + 1 + 4 + 4) + c.rare.length * 256;
    }
    return n;
  }

  /** After forward progress while recording: move the floor, and take a checkpoint when due. */
  private afterForward(): void {
    const p = this.position;
    if (p - this.floor > this.maxHistory) this.floor = p - this.maxHistory;
    if (p >= this.nextCheckpointAt) this.takeCheckpoint();
  }

  private takeCheckpoint(): void {
    const s = this.cpu;
    const position = this.position;
    const pages = new PageLog();
    this.checkpoints.push({
      position, regs: saveRegs(s), msr: [...s.msr], rng: this.rngState, dev: this.devices.st, final: this.final,
      faults: this.faultsDelivered, pages,
    });
    this.phys.logPagesInto(pages);
    this.mmu.forgetDirectWrites(); // the next direct write to each frame must reach the page log
    this.nextCheckpointAt = position + CHECKPOINT_INTERVAL;
    // A checkpoint is needed while undo() can reach a position before the next one.
    while (this.checkpoints.length > 1 && this.checkpoints[1].position <= this.floor) this.checkpoints.shift();
  }

  /** Back to checkpoint k exactly: memory from the page logs (newest first), then the rest. */
  private rewindTo(k: number): void {
    const cps = this.checkpoints;
    for (let j = cps.length - 1; j >= k; j--) this.phys.undoPageLog(cps[j].pages);
    cps.length = k + 1;
    const c = cps[k];
    c.pages = new PageLog();
    this.phys.logPagesInto(c.pages);
    const s = this.cpu;
    loadRegs(s, c.regs);
    s.msr.clear();
    for (const [n, v] of c.msr) s.msr.set(n, v);
    this.rngState = c.rng;
    this.devices.st = c.dev;
    this.final = c.final;
    this.faultsDelivered = c.faults;
    this.nextCheckpointAt = c.position + CHECKPOINT_INTERVAL;
    this.clearJournal();
    this.pendingStop = null;
    this.system.tripleFault = null;
    this.dropCaches();
  }

  /** Go to `target` (< position) by re-executing from the latest checkpoint at or before it,
   *  journaling each step, silently. */
  private replayTo(target: number): void {
    let k = this.checkpoints.length - 1;
    while (k > 0 && this.checkpoints[k].position > target) k--;
    this.rewindTo(k);
    this.shadowRareValid = false;
    this.replaying = true;
    this.journalOn();
    try {
      while (this.position < target) {
        const before = this.position;
        const r = this.stepOnce();
        // Cannot happen on a deterministic machine; stop rather than loop.
        if (this.position === before || (r !== null && r.kind !== 'halted')) break;
      }
    } finally {
      this.journalOff();
      this.replaying = false;
    }
  }

  private journalOn(): void {
    this.fineRecording = true;
    this.phys.journalDirect = this.journalWrite;
  }

  private journalOff(): void {
    this.fineRecording = false;
    this.phys.journalDirect = null;
  }

  private beginRecord(): void {
    let c = this.chunks[this.chunks.length - 1];
    if (!c || c.count === CHUNK) {
      c = this.spareChunk ?? new HistoryChunk();
      this.spareChunk = null;
      c.reset();
      this.chunks.push(c);
    }
    // The state before the instruction: kept whole in the shadow, compared in endRecord.
    const s = this.cpu;
    this.shadowGpr.set(this.gpr32);
    this.shadowRip = s.rip;
    this.shadowFlags = s.rflags;
    this.shadowRetired = s.retiredCount;
    this.shadowFaults = this.faultsDelivered;
    this.shadowSysEvents = this.core.sysEvents;
    if (!this.shadowRareValid) {
      copyRare(this.shadowRare, s, this.devices.st, this.final, this.rngState);
      this.shadowRareValid = true;
    }
    this.recordChunk = c;
    this.logStart = c.logLen;
    this.journal = null;
    this.journaling = true;
  }

  private endRecord(): void {
    const c = this.recordChunk!;
    const i = c.count;
    const s = this.cpu;
    // the log already holds the instruction's physical writes; add the registers it changed
    const g = this.gpr32, old = this.shadowGpr;
    for (let k = 0; k < 32; k += 2) {
      if (g[k] !== old[k] || g[k + 1] !== old[k + 1]) c.logRegister(k >> 1, old[k], old[k + 1]);
    }
    c.rip[i] = this.shadowRip;
    const no = i * NNUM;
    c.nums[no] = this.shadowFlags;
    c.nums[no + 1] = this.shadowRetired;
    c.nums[no + 2] = this.logStart;
    c.nums[no + 4] = this.shadowFaults;
    let rare = -1;
    // Only the system layer changes segments, control registers, CPL or MSRs (Cpu.sysEvents).
    const r = this.shadowRare;
    const changed = this.core.sysEvents !== this.shadowSysEvents
      ? this.journal !== null || rareChanged(r, s, this.devices.st, this.final, this.rngState)
      : r.dev !== this.devices.st || r.final !== this.final || r.rng !== this.rngState || r.halted !== s.halted;
    if (changed) {
      rare = c.rare.length;
      c.rare.push({ ...r, seg: r.seg.slice(), segBase: r.segBase.slice(), msr: this.journal });
      this.shadowRareValid = false;
    }
    c.nums[no + 3] = rare;
    c.count++;
    this.fineCount++;
    this.journal = null;
    this.journaling = false;
    this.recordChunk = null;
    // Drop the oldest entries beyond the bound, a whole chunk at a time once it is used up.
    if (this.fineCount > this.maxHistory) {
      this.fineCount--;
      this.chunkStart++;
      if (this.chunkStart === this.chunks[0].count) {
        this.spareChunk = this.chunks.shift()!;
        this.chunkStart = 0;
      }
    }
  }

  undo(): boolean {
    if (this.historyLength === 0) return false;
    if (this.fineCount === 0) {
      this.replayTo(this.position - 1);
      return true;
    }
    this.popJournal();
    // Stepped back over a checkpoint taken while single-stepping: it is in the future now.
    const cps = this.checkpoints;
    if (cps.length > 1 && this.position < cps[cps.length - 1].position) {
      cps.pop();
      const last = cps[cps.length - 1];
      this.phys.logPagesInto(last.pages);
      this.nextCheckpointAt = last.position + CHECKPOINT_INTERVAL;
    }
    this.pendingStop = null;
    this.system.tripleFault = null;
    this.dropCaches();
    return true;
  }

  /** Rewinds the newest journal entry. */
  private popJournal(): void {
    const c = this.chunks[this.chunks.length - 1];
    const i = --c.count;
    this.fineCount--;
    const s = this.cpu;
    const no = i * NNUM;
    const logStart = c.nums[no + 2];
    const g = this.gpr32;
    for (let j = c.logLen - 1; j >= logStart; j--) {
      const key = c.logKey[j];
      if (key >= 0) this.phys.restoreHalves(key, c.logSize[j], c.logLo[j], c.logHi[j]);
      else {
        const k = (-1 - key) * 2;
        g[k] = c.logLo[j];
        g[k + 1] = c.logHi[j];
      }
    }
    c.logLen = logStart;
    s.rip = c.rip[i];
    s.rflags = c.nums[no];
    s.retiredCount = c.nums[no + 1];
    this.faultsDelivered = c.nums[no + 4];
    const rareIndex = c.nums[no + 3];
    if (rareIndex >= 0) {
      const r = c.rare[rareIndex];
      c.rare.length = rareIndex;
      if (r.msr) {
        for (let j = r.msr.length - 2; j >= 0; j -= 2) {
          const n = r.msr[j] as number;
          if (MSRS_IN_REGS.has(n)) continue; // EFER, FS/GS base come back with the registers
          const oldValue = r.msr[j + 1] as bigint | undefined;
          if (oldValue === undefined) s.msr.delete(n);
          else s.msr.set(n, oldValue);
        }
      }
      s.cr0 = r.cr0; s.cr2 = r.cr2; s.cr3 = r.cr3; s.cr4 = r.cr4; s.efer = r.efer;
      for (let k = 0; k < 6; k++) {
        const seg = r.seg[k];
        const base = r.segBase[k];
        s.seg[k] = seg.base === base ? seg : { ...seg, base };
      }
      s.cpl = r.cpl;
      s.halted = r.halted;
      s.gdtr = r.gdtr; s.idtr = r.idtr; s.tr = r.tr;
      this.devices.st = r.dev;
      this.final = r.final;
      this.rngState = r.rng;
    }
    if (c.count === 0 || (this.chunks.length === 1 && c.count === this.chunkStart)) {
      this.chunks.pop();
      if (this.chunks.length === 0) this.chunkStart = 0;
      this.spareChunk = c;
    }
  }
}

type MachineBuildDiagnostics = Machine['diagnostics'] extends readonly (infer D)[] ? D[] : never;

/** 16 deterministic bytes for AT_RANDOM from the seed (SplitMix-style mixing). */
export function seededBytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed ^ 0x5bd1e995) >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    out[i] = (z ^ (z >>> 16)) & 0xff;
  }
  return out;
}

export function createMachineWith(opts: MachineOptions, tools: Toolchain): Machine {
  return new RingstepMachine(opts, tools);
}

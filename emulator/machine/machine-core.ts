// The Machine (api.ts) built from its parts: physical memory, MMU, CPU, system layer, devices,
// boot and loader. The toolchain (assembler, kernel sources) is passed in so this file imports
// nothing it cannot run without; machine.ts wires the real ones.
//
// Reverse execution: while recording, each step keeps (in flat chunks, see HistoryChunk) the old
// register file, every physical write's old bytes (through PhysicalMemory.journal), every MSR's
// old value (System.journalMsr), the RDRAND generator state and the device state. undo() puts all
// of it back, newest first. The TLB and the decode cache are dropped on undo (they are caches:
// refilling them is always correct).

import type { LineEntry, LinkedImage, SourceFile, SymbolInfo } from '../asm/types';
import { Cpu } from '../cpu/cpu';
import { Mmu } from '../cpu/mmu';
import { CpuFault, CpuState, MSR, Segment, TableReg, VEC_NAMES } from '../cpu/state';
import { System } from '../cpu/system';
import type { AssembleOptions } from '../asm/types';
import type { Machine, MachineEvent, MachineOptions, Mitigations, StopReason } from './api';
import { boot, KERNEL_PHYS_BASE, KERNEL_VIRT_BASE } from './boot';
import { Devices, DeviceState, PT_REGS_SIZE } from './devices';
import { AssembleFn, loadProgram } from './loader';
import { PhysicalMemory } from './memory';

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
 * (a million small retained objects would make every garbage collection copy them all):
 * per instruction, 29 u64 register slots, 4 numbers and 12 references in typed/plain arrays
 * grouped in chunks of CHUNK instructions. The references point at objects system.ts replaces
 * rather than mutates (segment caches, GDTR/IDTR/TR, device state) plus the instruction's write
 * journal: [physical address, old bytes] pairs and [-(msr + 1), old value] pairs, or null.
 */
const CHUNK = 4096;
const NREG = 29; // gpr 0-15, rip, cr0, cr2, cr3, cr4, efer, retired, segment bases 0-5
const NNUM = 4; // rflags, cpl, halted, rng
const NREF = 12; // segments 0-5, gdtr, idtr, tr, device state, final stop, journal
class HistoryChunk {
  regs = new BigUint64Array(CHUNK * NREG);
  nums = new Float64Array(CHUNK * NNUM);
  refs: unknown[] = new Array(CHUNK * NREF);
  count = 0;
}
type Journal = (number | Uint8Array | bigint | undefined)[];

interface Snapshot {
  regs: RegFile;
  msr: [number, bigint][];
  frames: Map<number, Uint8Array>;
  rng: number;
  dev: DeviceState;
  final: StopReason | null;
}

/** MSRs that live in CpuState fields (restored with the register file), not in state.msr. */
const MSRS_IN_REGS = new Set<number>([MSR.EFER, MSR.FS_BASE, MSR.GS_BASE]);

class SortedSymbols {
  private list: SymbolInfo[];
  constructor(images: LinkedImage[]) {
    this.list = images
      .flatMap((i) => i.symbols)
      .filter((s) => (s.type === 'func' || s.type === 'object' || s.type === 'notype') && s.section !== '*ABS*' && s.section !== '*UND*' && s.name !== '')
      .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }
  at(addr: bigint): { symbol: SymbolInfo; offset: number } | undefined {
    let lo = 0;
    let hi = this.list.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid].address <= addr) (best = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
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
    this.list = images.flatMap((i) => i.lines).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    for (const l of this.list) {
      if (!l.isCode) continue;
      const k = `${l.file}\0${l.line}`;
      let a = this.byLine.get(k);
      if (!a) this.byLine.set(k, (a = []));
      a.push(l.address);
    }
  }
  at(addr: bigint): LineEntry | undefined {
    let lo = 0;
    let hi = this.list.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.list[mid].address <= addr) (best = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
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
  private chunks: HistoryChunk[] = [];
  /** entries of chunks[0] already dropped (beyond the bound) */
  private chunkStart = 0;
  /** entries held (sum of chunk counts minus chunkStart) */
  private historyCount = 0;
  private spareChunk: HistoryChunk | null = null;
  /** the write journal of the instruction being recorded (null until its first write) */
  private journal: Journal | null = null;
  private journaling = false;

  constructor(opts: MachineOptions, tools: Toolchain) {
    this.phys = new PhysicalMemory(opts.memorySize ?? DEFAULT_MEMORY);
    this.mmu = new Mmu(this.cpu, this.phys);
    this.phys.onCodeWrite = (f) => this.mmu.codeWritten(f);
    this.devices = new Devices({
      emit: (e) => this.emit(e),
      stop: (r) => (this.pendingStop = r),
      gpr: (n) => this.cpu.gpr[n],
      read: (a, n) => this.readBytes(a, n),
    });
    this.devices.strace = !!opts.strace;
    this.system = new System(this.cpu, this.mmu, this.devices);
    this.core = new Cpu(this.cpu, this.mmu, { seed: opts.seed ?? 1, system: this.system, io: this.devices });
    this.mmu.invalidateCode = (p) => this.core.invalidateCode(p);
    this.system.onRing = (c) => this.emit({ kind: 'ring', from: c.from, to: c.to, how: c.how, address: c.address });
    this.system.journalMsr = (n, old) => {
      if (this.journaling) (this.journal ??= []).push(-(n + 1), old);
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
    this.phys.journal = null;
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
    this.phys.journal = (addr, old) => {
      if (this.journaling) (this.journal ??= []).push(addr, old);
    };
    this.mmu.flushAll();
  }

  on(listener: (e: MachineEvent) => void): void {
    this.listeners.push(listener);
  }

  private emit(e: MachineEvent): void {
    for (const l of this.listeners) l(e);
  }

  // ---- execution -----------------------------------------------------------------------------

  run(budget: number, shouldStop?: (rip: bigint) => boolean): StopReason {
    if (this.final) return this.final;
    for (let i = 0; i < budget; i++) {
      if (i > 0 && shouldStop && shouldStop(this.cpu.rip)) return { kind: 'breakpoint', address: this.cpu.rip };
      const r = this.stepOnce();
      if (r) return r;
    }
    return { kind: 'budget' };
  }

  step(): StopReason | null {
    if (this.final) return this.final;
    return this.stepOnce();
  }

  private stepOnce(): StopReason | null {
    if (Number(this.cpu.retired) >= this.maxInstructions) {
      return { kind: 'limit', message: `stopped after ${this.maxInstructions} instructions (--max-instructions)` };
    }
    if (this.recording) this.beginRecord();
    const out = this.core.step();
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
    this.pendingStop = null;
    this.system.tripleFault = null;
    this.clearHistory();
    this.dropCaches();
  }

  private dropCaches(): void {
    this.mmu.cr4Written(); // re-derives the PCID from CR3 and flushes the TLB
    this.core.invalidateCode();
  }

  // ---- reverse execution ---------------------------------------------------------------------

  setRecording(on: boolean, maxInstructions?: number): void {
    this.recording = on;
    if (maxInstructions !== undefined) this.maxHistory = Math.max(1, maxInstructions);
    if (!on) this.clearHistory();
  }

  private clearHistory(): void {
    this.chunks = [];
    this.chunkStart = 0;
    this.historyCount = 0;
  }

  get historyLength(): number {
    return this.historyCount;
  }

  private beginRecord(): void {
    let c = this.chunks[this.chunks.length - 1];
    if (!c || c.count === CHUNK) {
      c = this.spareChunk ?? new HistoryChunk();
      this.spareChunk = null;
      c.count = 0;
      this.chunks.push(c);
    }
    const s = this.cpu;
    const i = c.count;
    const r = c.regs;
    const ro = i * NREG;
    r.set(s.gpr, ro);
    r[ro + 16] = s.rip;
    r[ro + 17] = s.cr0;
    r[ro + 18] = s.cr2;
    r[ro + 19] = s.cr3;
    r[ro + 20] = s.cr4;
    r[ro + 21] = s.efer;
    r[ro + 22] = s.retired;
    const f = c.refs;
    const fo = i * NREF;
    for (let k = 0; k < 6; k++) {
      r[ro + 23 + k] = s.seg[k].base; // bases are mutated in place (SWAPGS, WRMSR FS/GS_BASE)
      f[fo + k] = s.seg[k];
    }
    f[fo + 6] = s.gdtr;
    f[fo + 7] = s.idtr;
    f[fo + 8] = s.tr;
    f[fo + 9] = this.devices.st;
    f[fo + 10] = this.final;
    const no = i * NNUM;
    c.nums[no] = s.rflags;
    c.nums[no + 1] = s.cpl;
    c.nums[no + 2] = s.halted ? 1 : 0;
    c.nums[no + 3] = this.rngState;
    this.journal = null;
    this.journaling = true;
  }

  private endRecord(): void {
    const c = this.chunks[this.chunks.length - 1];
    c.refs[c.count * NREF + 11] = this.journal;
    c.count++;
    this.historyCount++;
    this.journal = null;
    this.journaling = false;
    // Drop the oldest entries beyond the bound, a whole chunk at a time once it is used up.
    if (this.historyCount > this.maxHistory) {
      this.historyCount--;
      this.chunkStart++;
      if (this.chunkStart === this.chunks[0].count) {
        this.chunks.shift();
        this.chunkStart = 0;
      }
    }
  }

  undo(): boolean {
    if (this.historyLength === 0) return false;
    const c = this.chunks[this.chunks.length - 1];
    const i = --c.count;
    this.historyCount--;
    const r = c.regs;
    const ro = i * NREG;
    const f = c.refs;
    const fo = i * NREF;
    const journal = f[fo + 11] as Journal | null;
    if (journal) {
      for (let j = journal.length - 2; j >= 0; j -= 2) {
        const key = journal[j] as number;
        if (key >= 0) this.phys.restoreBytes(key, journal[j + 1] as Uint8Array);
        else {
          const n = -key - 1;
          if (MSRS_IN_REGS.has(n)) continue; // EFER, FS/GS base come back with the registers
          const old = journal[j + 1] as bigint | undefined;
          if (old === undefined) this.cpu.msr.delete(n);
          else this.cpu.msr.set(n, old);
        }
      }
    }
    const s = this.cpu;
    s.gpr.set(r.subarray(ro, ro + 16));
    s.rip = r[ro + 16];
    s.cr0 = r[ro + 17];
    s.cr2 = r[ro + 18];
    s.cr3 = r[ro + 19];
    s.cr4 = r[ro + 20];
    s.efer = r[ro + 21];
    s.retired = r[ro + 22];
    for (let k = 0; k < 6; k++) {
      const seg = f[fo + k] as Segment;
      const base = r[ro + 23 + k];
      s.seg[k] = seg.base === base ? seg : { ...seg, base };
    }
    s.gdtr = f[fo + 6] as TableReg;
    s.idtr = f[fo + 7] as TableReg;
    s.tr = f[fo + 8] as CpuState['tr'];
    this.devices.st = f[fo + 9] as DeviceState;
    this.final = f[fo + 10] as StopReason | null;
    const no = i * NNUM;
    s.rflags = c.nums[no];
    s.cpl = c.nums[no + 1];
    s.halted = c.nums[no + 2] === 1;
    this.rngState = c.nums[no + 3];
    f.fill(undefined, fo, fo + NREF);
    if (c.count === 0 || (this.chunks.length === 1 && c.count === this.chunkStart)) {
      this.chunks.pop();
      if (this.chunks.length === 0) this.chunkStart = 0;
      this.spareChunk = c;
    }
    this.pendingStop = null;
    this.system.tripleFault = null;
    this.dropCaches();
    return true;
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

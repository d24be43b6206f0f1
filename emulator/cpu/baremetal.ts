// Bare-metal mode: paging off, linear = physical, a few flat memory regions, no kernel. Used by
// `ringstep run --bare` and by the CPU tests. runBareMetal() loads flat code, sets up a stack and
// runs until HLT, an undelivered fault, or a step limit.

import { CpuFault, CpuState, F, GPR64, SEG_CS, SEG_SS, Vec, type LinearMemory, type PortIO, type Size } from './state';
import { Cpu, type StepOutcome } from './cpu';
import type { CodeWatchingMemory, NumberAddressedMemory } from './system-ops';

/** One contiguous block of guest memory. */
export interface Region {
  start: bigint;
  bytes: Uint8Array;
}

/**
 * Flat (unpaged) memory made of regions. An access outside every region raises #PF with the
 * not-present error code, as an unmapped page would. Writes to pages holding decoded code call
 * `onCodeWrite` so the CPU drops its cached decodes.
 */
export class FlatMemory implements LinearMemory, CodeWatchingMemory, NumberAddressedMemory {
  readonly regions: Region[] = [];
  private readonly views: DataView[] = [];
  private readonly ends: bigint[] = [];
  /** region bounds as numbers, for the number-addressed accesses */
  private readonly startsN: number[] = [];
  private readonly endsN: number[] = [];
  /** per region, one byte per 4 KiB page: 1 when the CPU holds decoded code from it */
  private readonly codeFlags: Uint8Array[] = [];
  /** region of the last access (accesses cluster) */
  private last = 0;
  onCodeWrite: ((linearPage: bigint) => void) | null = null;

  /** Add a zero-filled region (or wrap `bytes`) at `start`. */
  map(start: bigint, sizeOrBytes: number | Uint8Array): Uint8Array {
    const bytes = typeof sizeOrBytes === 'number' ? new Uint8Array(sizeOrBytes) : sizeOrBytes;
    const end = start + BigInt(bytes.length);
    this.regions.forEach((r, i) => {
      if (start < this.ends[i] && r.start < end) throw new Error(`memory region 0x${start.toString(16)} overlaps 0x${r.start.toString(16)}`);
    });
    this.regions.push({ start, bytes });
    this.views.push(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.ends.push(start + BigInt(bytes.length));
    this.startsN.push(Number(start));
    this.endsN.push(Number(start) + bytes.length);
    this.codeFlags.push(new Uint8Array((bytes.length >>> 12) + 2));
    return bytes;
  }

  /** Index of the region holding [lin, lin+size), or -1. */
  private find(lin: bigint, size: number): number {
    const rs = this.regions;
    let i = this.last;
    if (i < rs.length && lin >= rs[i].start && lin + BigInt(size) <= this.ends[i]) return i;
    for (i = 0; i < rs.length; i++) {
      if (lin >= rs[i].start && lin + BigInt(size) <= this.ends[i]) {
        this.last = i;
        return i;
      }
    }
    return -1;
  }

  private pageFault(lin: bigint, write: boolean, fetch: boolean): CpuFault {
    // error code: P=0 (not present), W/R, U/S=0 (supervisor), I/D for fetches
    const code = (write ? 2 : 0) | (fetch ? 0x10 : 0);
    return new CpuFault(Vec.PF, code, lin, `no memory at 0x${lin.toString(16)}`);
  }

  read(lin: bigint, size: Size, kind: 'read' | 'fetch'): bigint {
    const i = this.find(lin, size);
    if (i < 0) return this.readBytewise(lin, size, kind === 'fetch');
    const off = Number(lin - this.regions[i].start);
    const v = this.views[i];
    switch (size) {
      case 1: return BigInt(v.getUint8(off));
      case 2: return BigInt(v.getUint16(off, true));
      case 4: return BigInt(v.getUint32(off, true));
      default: return v.getBigUint64(off, true);
    }
  }

  /** An access straddling regions (or outside all of them): byte by byte, faulting on the first gap. */
  private readBytewise(lin: bigint, size: number, fetch: boolean): bigint {
    let r = 0n;
    for (let k = size - 1; k >= 0; k--) {
      const a = lin + BigInt(k);
      const i = this.find(a, 1);
      if (i < 0) throw this.pageFault(a, false, fetch);
      r = (r << 8n) | BigInt(this.regions[i].bytes[Number(a - this.regions[i].start)]);
    }
    return r;
  }

  write(lin: bigint, size: Size, value: bigint): void {
    const i = this.find(lin, size);
    if (i < 0) {
      // check every byte first so a faulting write changes nothing
      for (let k = 0; k < size; k++) if (this.find(lin + BigInt(k), 1) < 0) throw this.pageFault(lin + BigInt(k), true, false);
      for (let k = 0; k < size; k++) this.write(lin + BigInt(k), 1, (value >> BigInt(8 * k)) & 0xffn);
      return;
    }
    const off = Number(lin - this.regions[i].start);
    const v = this.views[i];
    switch (size) {
      case 1: v.setUint8(off, Number(value & 0xffn)); break;
      case 2: v.setUint16(off, Number(value & 0xffffn), true); break;
      case 4: v.setUint32(off, Number(value & 0xffffffffn), true); break;
      default: v.setBigUint64(off, value, true);
    }
    const flags = this.codeFlags[i];
    if (flags[off >>> 12] | flags[(off + size - 1) >>> 12]) this.codeWritten(i, off, size);
  }

  private codeWritten(i: number, off: number, size: number): void {
    const flags = this.codeFlags[i];
    for (let p = off >>> 12; p <= (off + size - 1) >>> 12; p++) {
      if (!flags[p]) continue;
      flags[p] = 0;
      this.onCodeWrite?.(this.regions[i].start + BigInt(p * 4096));
    }
  }

  fetch(lin: bigint, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let n = 0;
    for (; n < len; n++) {
      const a = lin + BigInt(n);
      const i = this.find(a, 1);
      if (i < 0) break;
      out[n] = this.regions[i].bytes[Number(a - this.regions[i].start)];
    }
    return n === len ? out : out.subarray(0, n);
  }

  /** The CPU caches decodes from this page: report writes to it through onCodeWrite. */
  watchCode(linearPage: bigint): void {
    // regions need not be page aligned: flag every region page overlapping the linear page
    for (let i = 0; i < this.regions.length; i++) {
      const r = this.regions[i];
      const from = linearPage > r.start ? linearPage : r.start;
      const to = linearPage + 4096n < this.ends[i] ? linearPage + 4096n : this.ends[i];
      if (from >= to) continue;
      for (let p = Number(from - r.start) >>> 12; p <= Number(to - 1n - r.start) >>> 12; p++) this.codeFlags[i][p] = 1;
    }
  }

  // ---- NumberAddressedMemory: accesses inside one region; anything else takes the bigint path

  /** Index of the region holding [lin, lin+size), or -1. */
  private findN(lin: number, size: number): number {
    const i = this.last;
    if (i < this.startsN.length && lin >= this.startsN[i] && lin + size <= this.endsN[i]) return i;
    const k = this.find(BigInt(lin), size);
    return k;
  }

  readNumber(lin: number, size: 1 | 2 | 4): number {
    const i = this.findN(lin, size);
    if (i < 0) return Number(this.read(BigInt(lin), size, 'read'));
    const off = lin - this.startsN[i];
    const v = this.views[i];
    return size === 1 ? v.getUint8(off) : size === 2 ? v.getUint16(off, true) : v.getUint32(off, true);
  }

  readHalves(lin: number, out: Uint32Array, at: number): void {
    const i = this.findN(lin, 8);
    if (i < 0) {
      const v = this.read(BigInt(lin), 8, 'read');
      out[at] = Number(v & 0xffffffffn);
      out[at + 1] = Number(v >> 32n);
      return;
    }
    const off = lin - this.startsN[i];
    const v = this.views[i];
    const lo = v.getUint32(off, true), hi = v.getUint32(off + 4, true);
    out[at] = lo;
    out[at + 1] = hi;
  }

  writeNumber(lin: number, size: 1 | 2 | 4, value: number): void {
    const i = this.findN(lin, size);
    if (i < 0) return this.write(BigInt(lin), size, BigInt(value >>> 0));
    const off = lin - this.startsN[i];
    const v = this.views[i];
    if (size === 1) v.setUint8(off, value);
    else if (size === 2) v.setUint16(off, value, true);
    else v.setUint32(off, value, true);
    const flags = this.codeFlags[i];
    if (flags[off >>> 12] | flags[(off + size - 1) >>> 12]) this.codeWritten(i, off, size);
  }

  writeHalves(lin: number, lo: number, hi: number): void {
    const i = this.findN(lin, 8);
    if (i < 0) return this.write(BigInt(lin), 8, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
    const off = lin - this.startsN[i];
    const v = this.views[i];
    v.setUint32(off, lo, true);
    v.setUint32(off + 4, hi, true);
    const flags = this.codeFlags[i];
    if (flags[off >>> 12] | flags[(off + 7) >>> 12]) this.codeWritten(i, off, 8);
  }

  /** Copy bytes in (host-side loading; not a guest write, but still invalidates decodes). */
  load(lin: bigint, bytes: Uint8Array): void {
    for (let k = 0; k < bytes.length; k++) this.write(lin + BigInt(k), 1, BigInt(bytes[k]));
  }
}

export interface BareMetalOptions {
  /** stop after this many instructions (default 1e6) */
  maxSteps?: number;
  /** bytes of memory mapped at `base` (default: the code rounded up to 64 KiB, at least 1 MiB) */
  memSize?: number;
  /** top of the stack (default 0x8000_0000); `stackSize` bytes below it are mapped (default 64 KiB) */
  stackTop?: bigint;
  stackSize?: number;
  /** RDRAND seed */
  seed?: number;
  io?: PortIO;
  /** initial general registers by number (rsp is set from stackTop unless given here) */
  regs?: Partial<Record<number, bigint>>;
  rflags?: number;
  /** see CpuOptions.fastPaths (default true) */
  fastPaths?: boolean;
}

export interface BareMetalResult {
  state: CpuState;
  outcome: StepOutcome;
  steps: number;
  cpu: Cpu;
  mem: FlatMemory;
  /** true when the run ended at HLT */
  halted: boolean;
  /** registers, flags and how the run ended, as text (what `ringstep run --bare` prints) */
  dump: string;
}

/** Build a ring-0 64-bit CPU over flat memory with `code` at `base`, without running it. */
export function createBareMetal(code: Uint8Array, base: bigint, opts: BareMetalOptions = {}): { cpu: Cpu; mem: FlatMemory } {
  const mem = new FlatMemory();
  const memSize = Math.max(opts.memSize ?? 1 << 20, Math.ceil(code.length / 0x10000) * 0x10000);
  const image = mem.map(base, memSize);
  image.set(code);
  const stackTop = opts.stackTop ?? 0x80000000n;
  const stackSize = opts.stackSize ?? 0x10000;
  const stackStart = stackTop - BigInt(stackSize);
  if (stackTop <= base || stackStart >= base + BigInt(memSize)) mem.map(stackStart, stackSize);

  const state = new CpuState();
  state.rip = base;
  state.rflags = opts.rflags ?? 0x2;
  state.seg[SEG_CS] = { sel: 0x08, base: 0n, limit: 0xffffffff, dpl: 0, long: true, present: true };
  state.seg[SEG_SS] = { sel: 0x10, base: 0n, limit: 0xffffffff, dpl: 0, long: false, present: true };
  state.gpr[4] = stackTop;
  for (const [k, v] of Object.entries(opts.regs ?? {})) if (v !== undefined) state.gpr[Number(k)] = v;

  const cpu = new Cpu(state, mem, { seed: opts.seed, io: opts.io, fastPaths: opts.fastPaths });
  mem.onCodeWrite = (page) => cpu.invalidateCode(page);
  return { cpu, mem };
}

/** Load flat code at `base`, run until HLT, an undelivered fault, or the step limit. */
export function runBareMetal(code: Uint8Array, base: bigint, opts: BareMetalOptions = {}): BareMetalResult {
  const { cpu, mem } = createBareMetal(code, base, opts);
  const { outcome, steps } = cpu.run(opts.maxSteps ?? 1_000_000);
  const halted = outcome.kind === 'halted';
  return { state: cpu.state, outcome, steps, cpu, mem, halted, dump: formatBareMetal(cpu.state, outcome, steps) };
}

const FLAG_NAMES: [number, string][] = [
  [F.CF, 'CF'], [F.PF, 'PF'], [F.AF, 'AF'], [F.ZF, 'ZF'], [F.SF, 'SF'], [F.TF, 'TF'], [F.IF, 'IF'], [F.DF, 'DF'], [F.OF, 'OF'], [F.AC, 'AC'],
];

/** Names of the set flags in RFLAGS, gdb style: "[ CF ZF IF ]". */
export function formatFlags(rflags: number): string {
  const names = FLAG_NAMES.filter(([b]) => rflags & b).map(([, n]) => n);
  return names.length ? `[ ${names.join(' ')} ]` : '[ ]';
}

/** Register dump in the style of gdb's `info registers`, plus how the run ended. */
export function formatBareMetal(state: CpuState, outcome: StepOutcome, steps: number): string {
  const hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');
  const lines = GPR64.map((name, i) => `${name.padEnd(6)} ${hex(state.gpr[i])}  ${BigInt.asIntN(64, state.gpr[i])}`);
  lines.push(`${'rip'.padEnd(6)} ${hex(state.rip)}`);
  lines.push(`${'eflags'.padEnd(6)} 0x${state.rflags.toString(16).padStart(8, '0')}  ${formatFlags(state.rflags)}`);
  let end: string;
  switch (outcome.kind) {
    case 'halted': end = 'hlt'; break;
    case 'ok': end = 'step limit reached'; break;
    case 'fault': end = `fault: ${outcome.fault.toString()}`; break;
    default: end = `internal error: ${String(outcome.error)}`;
  }
  lines.push(`stopped after ${steps} instructions: ${end}`);
  return lines.join('\n');
}

// The MMU: linear -> physical translation with x86-64 4-level paging (SDM Vol. 3, chapter 4),
// permission checks (U/S, R/W, NX, CR0.WP, CR4.SMEP, CR4.SMAP with RFLAGS.AC), Accessed/Dirty bits
// set the way hardware sets them, #PF error codes and a software TLB.
//
// The TLB is a cache like the hardware's: a PTE change is not seen until CR3 is written (without
// NOFLUSH), INVLPG names the page, or CR4 changes. Entries are tagged with the PCID when
// CR4.PCIDE = 1, so a CR3 write with bit 63 (NOFLUSH) set switches address spaces without
// forgetting the other space's translations, exactly the trick Linux's PTI uses.
//
// The physical memory is plugged in through PhysMem (emulator/machine/memory.ts implements it).

import { CpuFault, CpuState, CR0 as STATE_CR0, CR4 as STATE_CR4, EFER as STATE_EFER, F as STATE_F, LinearMemory, Size, Vec as STATE_VEC } from './state';
import type { NumberAddressedMemory } from './system-ops';

// Module-local copies of hot imports (under a CommonJS transform imported bindings are getters).
const CR0 = { ...STATE_CR0 };
const CR4 = { ...STATE_CR4 };
const EFER = { ...STATE_EFER };
const F = { ...STATE_F };
const Vec = { ...STATE_VEC };

export interface PhysMem {
  readonly size: number;
  readUint(addr: number, size: number): bigint;
  writeUint(addr: number, size: number, value: bigint): void;
  readBytes(addr: number, len: number): Uint8Array;
  writeBytes(addr: number, bytes: Uint8Array): void;
  markCode(frameNumber: number): void;
  /** The backing bytes of a 4 KiB frame when it exists in RAM (allocated when `create`), for the
   *  MMU's direct-access cache; a write through it must still be reported with `wroteDirect`. */
  frame?(frameNumber: number, create: boolean): Uint8Array | undefined;
  /** Frames the CPU decoded code from (a write there must go the slow way). */
  isCode?(frameNumber: number): boolean;
  /** Called before a direct write of `size` bytes at physical `addr` (the undo journal). */
  journalDirect?: ((addr: number, frame: Uint8Array, offset: number, size: number) => void) | null;
  /** Called before the MMU's direct-access cache takes a frame for writing: the checkpoint page
   *  log saves the frame's old bytes here (later writes through the cache are not reported; the
   *  machine calls Mmu.forgetDirectWrites() at each checkpoint so the next one is). */
  beforeDirectWrite?(frameNumber: number): void;
}

/** Slots of the MMU's direct-access caches (number-addressed fast path); a power of two. */
const FAST_SLOTS = 256;

/** #PF error code bits (SDM Vol. 3, 4.7). */
export const PF = { P: 1, W: 2, U: 4, RSVD: 8, I: 16 } as const;

/** Paging-structure entry bits. */
export const PTE = {
  P: 1n, RW: 2n, US: 4n, PWT: 8n, PCD: 16n, A: 32n, D: 64n, PS: 128n, G: 256n, NX: 1n << 63n,
} as const;

/** Physical-address width the MMU models; address bits above it in an entry are reserved. */
export const MAXPHYADDR = 46;
const ADDR_MASK = ((1n << BigInt(MAXPHYADDR)) - 1n) & ~0xfffn;
/** bits 51:MAXPHYADDR of an entry must be 0 */
const RSVD_ADDR_BITS = ((1n << 52n) - 1n) & ~((1n << BigInt(MAXPHYADDR)) - 1n);

/** The kind of an access, for translate()/readAs(). */
export const Access = { Read: 0, Write: 1, Fetch: 2 } as const;
export type Access = 0 | 1 | 2;

interface TlbEntry {
  /** physical address of the 4 KiB frame */
  frame: number;
  /** accessible from CPL 3 (U/S set at every level) */
  user: boolean;
  /** writable (R/W set at every level) */
  writable: boolean;
  /** execute-disable at some level (with EFER.NXE) */
  nx: boolean;
  /** the leaf's Dirty bit is already set */
  dirty: boolean;
  /** physical address of the leaf entry, to set D on the first write */
  leaf: number;
  global: boolean;
}

const LOW_HALF_END = 1n << 47n;
const HIGH_HALF_START = (1n << 64n) - (1n << 47n);
const MASK64 = (1n << 64n) - 1n;

export function isCanonical(lin: bigint): boolean {
  return lin < LOW_HALF_END || lin >= HIGH_HALF_START;
}

export class Mmu implements LinearMemory, NumberAddressedMemory {
  /** non-global translations per PCID (PCID 0 when CR4.PCIDE = 0) */
  private tlbs = new Map<number, Map<number, TlbEntry>>();
  private globalTlb = new Map<number, TlbEntry>();
  private current = new Map<number, TlbEntry>();
  private currentPcid = 0;
  /**
   * Bumped whenever code bytes or translations may have changed (write to a page that was fetched
   * from, any TLB flush). A decode cache keyed by linear address is valid while it is unchanged.
   */
  codeGeneration = 0;
  /** The CPU's decode-cache invalidation (Cpu.invalidateCode), wired by the machine. */
  invalidateCode: ((linearPage?: bigint) => void) | null = null;
  /** physical frame -> linear pages the CPU has decoded instructions from (CodeWatchingMemory) */
  private watched = new Map<number, Set<bigint>>();
  /** Counts for the curious (and tests). */
  stats = { walks: 0, flushes: 0 };

  /**
   * Direct-access caches for the number-addressed accesses of the CPU's fast paths: per slot, a
   * tag (virtual page number * 4 + access mode, see fastMode) and the frame's bytes. Filled only
   * after translate() allowed that kind of access in that mode, and emptied with the TLB, so a hit
   * means exactly what a TLB hit with a passing permission check means. Write slots also require
   * the page's Dirty bit already set and a frame holding no decoded code.
   */
  private readonly readTag = new Float64Array(FAST_SLOTS).fill(-1);
  private readonly readFrame: (Uint8Array | undefined)[] = new Array(FAST_SLOTS).fill(undefined);
  private readonly readBase = new Float64Array(FAST_SLOTS);
  private readonly writeTag = new Float64Array(FAST_SLOTS).fill(-1);
  private readonly writeFrame: (Uint8Array | undefined)[] = new Array(FAST_SLOTS).fill(undefined);
  private readonly writeBase = new Float64Array(FAST_SLOTS);

  constructor(
    private readonly state: CpuState,
    readonly phys: PhysMem,
  ) {
    this.tlbs.set(0, this.current);
  }

  // ---- NumberAddressedMemory (system-ops.ts) ------------------------------------------------

  /** The permission-relevant part of the CPU's state for an explicit access: CPL 3 and RFLAGS.AC
   *  (CR0.WP, CR4.SMEP/SMAP changes flush the TLB, and these caches with it). */
  private fastMode(): number {
    const s = this.state;
    return (s.cpl === 3 ? 1 : 0) | ((s.rflags >>> 17) & 2);
  }

  /** Drops the direct-access write cache only (a new checkpoint: the next write to each frame
   *  must reach PhysMem.beforeDirectWrite again). Translations and the read cache stay. */
  forgetDirectWrites(): void {
    this.writeTag.fill(-1);
    this.writeFrame.fill(undefined);
  }

  private clearFast(): void {
    this.readTag.fill(-1);
    this.writeTag.fill(-1);
    this.readFrame.fill(undefined);
    this.writeFrame.fill(undefined);
  }

  /** Frame bytes for a read of the page holding `lin` (checked by translate), or undefined. */
  private fillRead(lin: number, vpn: number, tag: number): Uint8Array | undefined {
    const pa = this.translate(BigInt(lin), Access.Read, this.state.cpl === 3, false);
    const base = pa - (lin & 0xfff);
    const f = base + 4096 <= this.phys.size ? this.phys.frame?.(base / 4096, false) : undefined;
    if (f === undefined) return undefined;
    const slot = vpn & (FAST_SLOTS - 1);
    this.readTag[slot] = tag;
    this.readFrame[slot] = f;
    this.readBase[slot] = base;
    return f;
  }

  private fillWrite(lin: number, vpn: number, tag: number): Uint8Array | undefined {
    const pa = this.translate(BigInt(lin), Access.Write, this.state.cpl === 3, false);
    const base = pa - (lin & 0xfff);
    const fn = base / 4096;
    const phys = this.phys;
    if (base + 4096 > phys.size || phys.isCode === undefined || phys.isCode(fn)) return undefined;
    phys.beforeDirectWrite?.(fn);
    const f = phys.frame?.(fn, true);
    if (f === undefined) return undefined;
    const slot = vpn & (FAST_SLOTS - 1);
    this.writeTag[slot] = tag;
    this.writeFrame[slot] = f;
    this.writeBase[slot] = base;
    return f;
  }

  readNumber(lin: number, size: 1 | 2 | 4): number {
    const off = lin & 0xfff;
    const vpn = (lin - off) / 4096;
    const tag = vpn * 4 + this.fastMode();
    const slot = vpn & (FAST_SLOTS - 1);
    let f = this.readTag[slot] === tag ? this.readFrame[slot] : undefined;
    if (f === undefined && off + size <= 4096) f = this.fillRead(lin, vpn, tag);
    if (f === undefined || off + size > 4096) return Number(this.readAs(BigInt(lin), size, Access.Read, this.state.cpl === 3, false));
    switch (size) {
      case 1: return f[off];
      case 2: return f[off] | (f[off + 1] << 8);
      default: return (f[off] | (f[off + 1] << 8) | (f[off + 2] << 16) | (f[off + 3] << 24)) >>> 0;
    }
  }

  readHalves(lin: number, out: Uint32Array, at: number): void {
    const off = lin & 0xfff;
    const vpn = (lin - off) / 4096;
    const tag = vpn * 4 + this.fastMode();
    const slot = vpn & (FAST_SLOTS - 1);
    let f = this.readTag[slot] === tag ? this.readFrame[slot] : undefined;
    if (f === undefined && off + 8 <= 4096) f = this.fillRead(lin, vpn, tag);
    if (f === undefined || off + 8 > 4096) {
      const v = this.readAs(BigInt(lin), 8, Access.Read, this.state.cpl === 3, false);
      out[at] = Number(v & 0xffffffffn);
      out[at + 1] = Number(v >> 32n);
      return;
    }
    out[at] = f[off] | (f[off + 1] << 8) | (f[off + 2] << 16) | (f[off + 3] << 24);
    out[at + 1] = f[off + 4] | (f[off + 5] << 8) | (f[off + 6] << 16) | (f[off + 7] << 24);
  }

  writeNumber(lin: number, size: 1 | 2 | 4, value: number): void {
    const off = lin & 0xfff;
    const vpn = (lin - off) / 4096;
    const tag = vpn * 4 + this.fastMode();
    const slot = vpn & (FAST_SLOTS - 1);
    let f = this.writeTag[slot] === tag ? this.writeFrame[slot] : undefined;
    if (f === undefined && off + size <= 4096) f = this.fillWrite(lin, vpn, tag);
    if (f === undefined || off + size > 4096) {
      this.writeAs(BigInt(lin), size, BigInt(value >>> 0) & (size === 4 ? 0xffffffffn : size === 2 ? 0xffffn : 0xffn), this.state.cpl === 3, false);
      return;
    }
    const journal = this.phys.journalDirect;
    if (journal) journal(this.writeBase[slot] + off, f, off, size);
    f[off] = value;
    if (size > 1) {
      f[off + 1] = value >>> 8;
      if (size > 2) {
        f[off + 2] = value >>> 16;
        f[off + 3] = value >>> 24;
      }
    }
  }

  fillBytes(lin: number, count: number, byte: number): number {
    const off = lin & 0xfff;
    const vpn = (lin - off) / 4096;
    const tag = vpn * 4 + this.fastMode();
    const slot = vpn & (FAST_SLOTS - 1);
    let f = this.writeTag[slot] === tag ? this.writeFrame[slot] : undefined;
    if (f === undefined) f = this.fillWrite(lin, vpn, tag);
    if (f === undefined) return 0;
    const n = count < 4096 - off ? count : 4096 - off;
    const journal = this.phys.journalDirect;
    if (journal) journal(this.writeBase[slot] + off, f, off, n);
    f.fill(byte, off, off + n);
    return n;
  }

  writeHalves(lin: number, lo: number, hi: number): void {
    const off = lin & 0xfff;
    const vpn = (lin - off) / 4096;
    const tag = vpn * 4 + this.fastMode();
    const slot = vpn & (FAST_SLOTS - 1);
    let f = this.writeTag[slot] === tag ? this.writeFrame[slot] : undefined;
    if (f === undefined && off + 8 <= 4096) f = this.fillWrite(lin, vpn, tag);
    if (f === undefined || off + 8 > 4096) {
      this.writeAs(BigInt(lin), 8, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), this.state.cpl === 3, false);
      return;
    }
    const journal = this.phys.journalDirect;
    if (journal) journal(this.writeBase[slot] + off, f, off, 8);
    f[off] = lo;
    f[off + 1] = lo >>> 8;
    f[off + 2] = lo >>> 16;
    f[off + 3] = lo >>> 24;
    f[off + 4] = hi;
    f[off + 5] = hi >>> 8;
    f[off + 6] = hi >>> 16;
    f[off + 7] = hi >>> 24;
  }

  /** CodeWatchingMemory (system-ops.ts): the CPU cached decodes from this linear page. */
  watchCode(linearPage: bigint): void {
    const pa = this.peekTranslate(linearPage);
    if (pa === null) return;
    const frame = Math.floor(pa / 4096);
    let pages = this.watched.get(frame);
    if (!pages) {
      pages = new Set();
      this.watched.set(frame, pages);
    }
    pages.add(linearPage);
    this.phys.markCode(frame);
    // the frame's writes must now reach the code watch: no direct writes to it any more
    this.writeTag.fill(-1);
    this.writeFrame.fill(undefined);
  }

  /** CodeWatchingMemory (system-ops.ts): the frame a fetch at `lin` uses, checked like a fetch. */
  fetchFrame(lin: bigint): number {
    return Math.floor(this.translate(lin, Access.Fetch, this.state.cpl === 3, false) / 4096);
  }

  /** Code-page writes arrive here from the physical memory's watch (wired by the machine): any
   *  linear alias of the frame (user mapping, direct map) may have been used to write it. */
  codeWritten(frame: number): void {
    this.codeGeneration++;
    const pages = this.watched.get(frame);
    this.watched.delete(frame);
    if (pages) for (const p of pages) this.invalidateCode?.(p);
  }

  // ---- LinearMemory ------------------------------------------------------------------------

  read(lin: bigint, size: Size, kind: 'read' | 'fetch'): bigint {
    return this.readAs(lin, size, kind === 'fetch' ? Access.Fetch : Access.Read, this.state.cpl === 3, false);
  }

  write(lin: bigint, size: Size, value: bigint): void {
    this.writeAs(lin, size, value, this.state.cpl === 3, false);
  }

  /**
   * Up to `len` instruction bytes. Throws the fault if the first byte cannot be fetched; returns
   * a short array when a later page cannot be (fetch(lin + n, ...) then throws the exact #PF).
   */
  fetch(lin: bigint, len: number): Uint8Array {
    const user = this.state.cpl === 3;
    const first = this.translate(lin, Access.Fetch, user, false);
    const off = Number(lin & 0xfffn);
    const inFirst = Math.min(len, 4096 - off);
    if (inFirst === len) return this.phys.readBytes(first, len);
    const out = new Uint8Array(len);
    out.set(this.phys.readBytes(first, inFirst), 0);
    let second: number;
    try {
      second = this.translate((lin + BigInt(inFirst)) & MASK64, Access.Fetch, user, false);
    } catch (e) {
      if (e instanceof CpuFault) return out.slice(0, inFirst);
      throw e;
    }
    out.set(this.phys.readBytes(second, len - inFirst), inFirst);
    return out;
  }

  // ---- implicit supervisor accesses (GDT, IDT, TSS reads during SYSCALL/IRET/delivery) -------

  readSystem(lin: bigint, size: Size): bigint {
    return this.readAs(lin, size, Access.Read, false, true);
  }

  writeSystem(lin: bigint, size: Size, value: bigint): void {
    this.writeAs(lin, size, value, false, true);
  }

  /** An access with an explicit privilege: `user` true means a CPL-3 access. */
  readAs(lin: bigint, size: number, access: Access, user: boolean, implicit: boolean): bigint {
    const off = Number(lin & 0xfffn);
    if (off + size <= 4096) {
      const pa = this.translate(lin, access, user, implicit);
      return this.phys.readUint(pa, size);
    }
    // Crossing a page boundary: translate both pages before reading (either may fault).
    const n1 = 4096 - off;
    const pa1 = this.translate(lin, access, user, implicit);
    const pa2 = this.translate((lin + BigInt(n1)) & MASK64, access, user, implicit);
    const b1 = this.phys.readBytes(pa1, n1);
    const b2 = this.phys.readBytes(pa2, size - n1);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(i < n1 ? b1[i] : b2[i - n1]);
    return v;
  }

  writeAs(lin: bigint, size: number, value: bigint, user: boolean, implicit: boolean): void {
    const off = Number(lin & 0xfffn);
    if (off + size <= 4096) {
      const pa = this.translate(lin, Access.Write, user, implicit);
      this.phys.writeUint(pa, size, value);
      return;
    }
    // Both pages are checked before either is written, so a faulting split store changes nothing.
    const n1 = 4096 - off;
    const pa1 = this.translate(lin, Access.Write, user, implicit);
    const pa2 = this.translate((lin + BigInt(n1)) & MASK64, Access.Write, user, implicit);
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
    this.phys.writeBytes(pa1, bytes.subarray(0, n1));
    this.phys.writeBytes(pa2, bytes.subarray(n1));
  }

  // ---- debugger access: no permission checks, no A/D side effects, no TLB fill ---------------

  /** Physical address of `lin` under the current CR3, or null when not mapped. */
  peekTranslate(lin: bigint): number | null {
    if (!isCanonical(lin)) return null;
    let table = Number(this.state.cr3 & ADDR_MASK);
    for (let level = 4; level >= 1; level--) {
      const index = Number((lin >> BigInt(12 + 9 * (level - 1))) & 0x1ffn);
      const e = this.phys.readUint(table + index * 8, 8);
      if (!(e & PTE.P)) return null;
      if (level > 1 && level < 4 && e & PTE.PS) {
        const pageBits = 12 + 9 * (level - 1);
        const base = e & ADDR_MASK & ~((1n << BigInt(pageBits)) - 1n);
        return Number(base | (lin & ((1n << BigInt(pageBits)) - 1n)));
      }
      table = Number(e & ADDR_MASK);
    }
    return table + Number(lin & 0xfffn);
  }

  // ---- TLB maintenance -----------------------------------------------------------------------

  /** MOV to CR3 semantics. Call after the new value is in state.cr3 (system.ts does). */
  cr3Written(value: bigint): void {
    const pcide = (this.state.cr4 & CR4.PCIDE) !== 0n;
    const pcid = pcide ? Number(value & 0xfffn) : 0;
    const noflush = pcide && (value >> 63n) & 1n;
    this.switchPcid(pcid);
    this.clearFast(); // another address space, or the same one flushed
    if (!noflush) {
      // Without PCIDs everything non-global goes; with PCIDs only the new PCID's entries.
      if (pcide) this.current.clear();
      else this.flushNonGlobal();
      this.stats.flushes++;
    }
    this.codeGeneration++;
  }

  /** INVLPG: forget `lin` in every address space (a superset of what hardware must drop). */
  invlpg(lin: bigint): void {
    const vpn = vpnOf(lin);
    for (const t of this.tlbs.values()) t.delete(vpn);
    this.globalTlb.delete(vpn);
    this.clearFast();
    this.codeGeneration++;
  }

  /** Drop every translation (CR4 / CR0.PG changes, undo, restore). */
  flushAll(): void {
    this.tlbs.clear();
    this.globalTlb.clear();
    this.current = new Map();
    this.tlbs.set(this.currentPcid, this.current);
    this.clearFast();
    this.stats.flushes++;
    this.codeGeneration++;
  }

  /** Re-reads the PCID from CR3 after CR4.PCIDE changes (and flushes, as hardware must). */
  cr4Written(): void {
    const pcide = (this.state.cr4 & CR4.PCIDE) !== 0n;
    this.currentPcid = pcide ? Number(this.state.cr3 & 0xfffn) : 0;
    this.flushAll();
  }

  private flushNonGlobal(): void {
    for (const t of this.tlbs.values()) t.clear();
    if (!(this.state.cr4 & CR4.PGE)) this.globalTlb.clear();
  }

  private switchPcid(pcid: number): void {
    this.currentPcid = pcid;
    let t = this.tlbs.get(pcid);
    if (!t) {
      t = new Map();
      this.tlbs.set(pcid, t);
    }
    this.current = t;
  }

  // ---- translation ---------------------------------------------------------------------------

  /**
   * Linear -> physical for one access, with permission checks. Throws #GP(0) for a non-canonical
   * address and #PF (CR2 = lin) for a missing or forbidden page.
   */
  translate(lin: bigint, access: Access, user: boolean, implicit: boolean): number {
    if (!isCanonical(lin)) {
      throw new CpuFault(Vec.GP, 0, undefined, `non-canonical address 0x${lin.toString(16)}`);
    }
    if (!(this.state.cr0 & CR0.PG)) return Number(lin & 0xfffffffffffffn);
    const vpn = vpnOf(lin);
    let e = this.current.get(vpn) ?? this.globalTlb.get(vpn);
    if (!e) {
      e = this.walk(lin, access, user);
      if (e.global && this.state.cr4 & CR4.PGE) this.globalTlb.set(vpn, e);
      else this.current.set(vpn, e);
    }
    this.check(e, lin, access, user, implicit);
    if (access === Access.Write && !e.dirty) {
      const leaf = this.phys.readUint(e.leaf, 8);
      if (!(leaf & PTE.D)) this.phys.writeUint(e.leaf, 8, leaf | PTE.D | PTE.A);
      e.dirty = true;
    }
    return e.frame + Number(lin & 0xfffn);
  }

  private check(e: TlbEntry, lin: bigint, access: number, user: boolean, implicit: boolean): void {
    const s = this.state;
    let bad = false;
    let why = '';
    if (user) {
      if (!e.user) (bad = true), (why = 'user access to a supervisor page');
      else if (access === Access.Write && !e.writable) (bad = true), (why = 'write to a read-only page');
      else if (access === Access.Fetch && e.nx) (bad = true), (why = 'execute from a no-execute page');
    } else {
      if (access === Access.Write && !e.writable && s.cr0 & CR0.WP) (bad = true), (why = 'supervisor write to a read-only page (CR0.WP)');
      else if (access === Access.Fetch && e.nx) (bad = true), (why = 'execute from a no-execute page');
      else if (access === Access.Fetch && e.user && s.cr4 & CR4.SMEP) (bad = true), (why = 'SMEP: supervisor execute from a user page');
      else if (access !== Access.Fetch && e.user && s.cr4 & CR4.SMAP) {
        // Explicit accesses at CPL < 3 are allowed while RFLAGS.AC = 1 (STAC); implicit ones and
        // any supervisor access made at CPL 3 never are (SDM 4.6.1).
        const acOpen = !implicit && s.cpl < 3 && (s.rflags & F.AC) !== 0;
        if (!acOpen) (bad = true), (why = 'SMAP: supervisor access to a user page with AC clear');
      }
    }
    if (bad) throw this.pageFault(lin, access, user, PF.P, why);
  }

  private pageFault(lin: bigint, access: number, user: boolean, extra: number, why: string): CpuFault {
    let code = extra;
    if (access === Access.Write) code |= PF.W;
    if (user) code |= PF.U;
    if (access === Access.Fetch && (this.state.efer & EFER.NXE || this.state.cr4 & CR4.SMEP)) code |= PF.I;
    return new CpuFault(Vec.PF, code, lin, why);
  }

  private walk(lin: bigint, access: number, user: boolean): TlbEntry {
    this.stats.walks++;
    const nxe = (this.state.efer & EFER.NXE) !== 0n;
    let table = Number(this.state.cr3 & ADDR_MASK);
    let userOk = true;
    let writable = true;
    let nx = false;
    const visited: { addr: number; value: bigint }[] = [];
    for (let level = 4; level >= 1; level--) {
      const index = Number((lin >> BigInt(12 + 9 * (level - 1))) & 0x1ffn);
      const addr = table + index * 8;
      const e = this.phys.readUint(addr, 8);
      if (!(e & PTE.P)) throw this.pageFault(lin, access, user, 0, `page not present (level ${level} entry at phys 0x${addr.toString(16)})`);
      const large = level > 1 && (e & PTE.PS) !== 0n;
      let rsvd = (e & RSVD_ADDR_BITS) !== 0n || (!nxe && (e & PTE.NX) !== 0n);
      if (level === 4 && e & PTE.PS) rsvd = true;
      if (large) {
        if (level === 4) rsvd = true;
        // The large-page base must be aligned (bit 12 is PAT; bits 20:13 or 29:13 must be 0).
        const alignMask = ((1n << BigInt(12 + 9 * (level - 1))) - 1n) & ~0x1fffn;
        if (e & alignMask) rsvd = true;
      }
      if (rsvd) throw this.pageFault(lin, access, user, PF.P | PF.RSVD, `reserved bit set in level ${level} entry 0x${e.toString(16)}`);
      userOk &&= (e & PTE.US) !== 0n;
      writable &&= (e & PTE.RW) !== 0n;
      if (nxe && e & PTE.NX) nx = true;
      visited.push({ addr, value: e });
      if (large || level === 1) {
        const pageBits = 12 + 9 * (level - 1);
        const base = e & ADDR_MASK & ~((1n << BigInt(pageBits)) - 1n);
        const frame = Number(base | (lin & ((1n << BigInt(pageBits)) - 1n) & ~0xfffn));
        // Accessed bits are set on every entry used; hardware does this as part of the walk.
        for (const v of visited) if (!(v.value & PTE.A)) this.phys.writeUint(v.addr, 8, v.value | PTE.A);
        return {
          frame,
          user: userOk,
          writable,
          nx,
          dirty: (e & PTE.D) !== 0n,
          leaf: addr,
          global: (e & PTE.G) !== 0n,
        };
      }
      table = Number(e & ADDR_MASK);
    }
    throw new Error('unreachable');
  }
}

function vpnOf(lin: bigint): number {
  return Number((lin >> 12n) & 0xfffffffffn);
}

// Physical memory of the guest: a bounded array of 4 KiB frames, allocated only when first written
// (a 64 MiB machine that touches 2 MiB costs 2 MiB). Physical addresses are plain numbers
// (< 2^53). Reads of never-written frames return zeros; accesses beyond the end of RAM read as
// 0xFF and are dropped on write, like an empty bus.
//
// Every write goes through writeBytes/writeUint so that these observers see it:
//  - the checkpoint page log (reverse execution) keeps a copy of a frame before its first write
//    since the latest checkpoint (copy-on-write; one compare per write, see PageLog);
//  - the per-instruction undo journal (reverse execution) records the old bytes before they change;
//  - the code-page watch tells the CPU's decode cache that bytes it decoded have changed.
// The MMU's direct-access cache writes frames itself: it reports to the page log when it takes a
// frame for writing (beforeDirectWrite) and to the journal on every write (journalDirect).

export const PAGE_SIZE = 4096;
const PAGE_SHIFT = 12;

/**
 * The frames written since a checkpoint, each with its bytes from before the first of those
 * writes (null when the frame did not exist yet: it read as zeros). Applied newest log first, the
 * logs since checkpoint k give back the memory exactly as it was at k.
 */
export class PageLog {
  readonly frames: number[] = [];
  readonly saved: (Uint8Array | null)[] = [];
  /** bytes held (the copies, plus a small per-entry overhead) */
  get bytes(): number {
    let n = 0;
    for (const b of this.saved) n += (b ? PAGE_SIZE : 0) + 16;
    return n;
  }
}

export class PhysicalMemory {
  private frames = new Map<number, Uint8Array>();
  /** Copy-on-write page logging (null when off): per frame, the epoch of its last save; a frame
   *  whose entry differs from `epoch` is saved to `pageLog` before it is written. */
  private pageEpoch: Uint32Array | null = null;
  private epoch = 0;
  private pageLog: PageLog | null = null;
  /** Frames an instruction was fetched from since the last code write to them. */
  private codeFrames = new Set<number>();
  /**
   * Before a write: the physical address, and the frame and offset of the `size` bytes about to
   * be overwritten (read them now; no copy is made). The MMU's direct writes call it too.
   */
  journalDirect: ((addr: number, frame: Uint8Array, offset: number, size: number) => void) | null = null;
  /** After a write to a frame that held fetched code (frame number = addr >> 12). */
  onCodeWrite: ((frame: number) => void) | null = null;

  constructor(readonly size: number) {
    if (size % PAGE_SIZE !== 0) throw new Error('physical memory size must be a multiple of 4 KiB');
  }

  /** The backing array of a frame; undefined beyond RAM. Allocates on demand when `create`. */
  frame(frameNumber: number, create: boolean): Uint8Array | undefined {
    let f = this.frames.get(frameNumber);
    if (!f && create && frameNumber * PAGE_SIZE < this.size) {
      f = new Uint8Array(PAGE_SIZE);
      this.frames.set(frameNumber, f);
    }
    return f;
  }

  inRange(addr: number, len: number): boolean {
    return addr >= 0 && addr + len <= this.size;
  }

  markCode(frameNumber: number): void {
    this.codeFrames.add(frameNumber);
  }

  isCode(frameNumber: number): boolean {
    return this.codeFrames.has(frameNumber);
  }

  readBytes(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    for (let i = 0; i < len; ) {
      const a = addr + i;
      const off = a & (PAGE_SIZE - 1);
      const n = Math.min(len - i, PAGE_SIZE - off);
      if (a + n > this.size) {
        out.fill(0xff, i, i + n);
      } else {
        const f = this.frames.get(Math.floor(a / PAGE_SIZE));
        if (f) out.set(f.subarray(off, off + n), i);
      }
      i += n;
    }
    return out;
  }

  writeBytes(addr: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      const a = addr + i;
      const off = a & (PAGE_SIZE - 1);
      const n = Math.min(bytes.length - i, PAGE_SIZE - off);
      if (a + n <= this.size) {
        const fn = Math.floor(a / PAGE_SIZE);
        if (this.pageEpoch !== null && this.pageEpoch[fn] !== this.epoch) this.savePage(fn);
        const f = this.frame(fn, true)!;
        if (this.journalDirect) this.journalDirect(a, f, off, n);
        f.set(bytes.subarray(i, i + n), off);
        if (this.codeFrames.has(fn)) this.codeWritten(fn);
      }
      i += n;
    }
  }

  /** Little-endian read of 1, 2, 4 or 8 bytes. */
  readUint(addr: number, size: number): bigint {
    const off = addr & (PAGE_SIZE - 1);
    if (off + size > PAGE_SIZE || addr + size > this.size) {
      const b = this.readBytes(addr, size);
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
      return v;
    }
    const f = this.frames.get(Math.floor(addr / PAGE_SIZE));
    if (!f) return 0n;
    return readLE(f, off, size);
  }

  writeUint(addr: number, size: number, value: bigint): void {
    const off = addr & (PAGE_SIZE - 1);
    if (off + size > PAGE_SIZE || addr + size > this.size) {
      const b = new Uint8Array(size);
      for (let i = 0; i < size; i++) b[i] = Number((value >> BigInt(8 * i)) & 0xffn);
      this.writeBytes(addr, b);
      return;
    }
    const fn = Math.floor(addr / PAGE_SIZE);
    if (this.pageEpoch !== null && this.pageEpoch[fn] !== this.epoch) this.savePage(fn);
    const f = this.frame(fn, true)!;
    if (this.journalDirect) this.journalDirect(addr, f, off, size);
    writeLE(f, off, size, value);
    if (this.codeFrames.has(fn)) this.codeWritten(fn);
  }

  // ---- checkpoint page logs ------------------------------------------------------------------

  /**
   * From now on, save each frame to `log` before its first write (null: stop logging). Frames
   * `log` already holds are not saved again (when going back to an older checkpoint's log).
   */
  logPagesInto(log: PageLog | null): void {
    this.pageLog = log;
    if (log === null) {
      this.pageEpoch = null;
      return;
    }
    if (this.pageEpoch === null) this.pageEpoch = new Uint32Array(Math.ceil(this.size / PAGE_SIZE));
    this.epoch = (this.epoch + 1) >>> 0;
    if (this.epoch === 0) { // wrapped around: no stale entry may look current
      this.pageEpoch.fill(0);
      this.epoch = 1;
    }
    for (const fn of log.frames) this.pageEpoch[fn] = this.epoch;
  }

  /** The MMU is about to write frame `fn` directly (PhysMem.beforeDirectWrite). */
  beforeDirectWrite(fn: number): void {
    if (this.pageEpoch !== null && this.pageEpoch[fn] !== this.epoch) this.savePage(fn);
  }

  private savePage(fn: number): void {
    this.pageEpoch![fn] = this.epoch;
    const f = this.frames.get(fn);
    this.pageLog!.frames.push(fn);
    this.pageLog!.saved.push(f ? f.slice() : null);
  }

  /** Puts back what `log` saved (without logging); the log's copies are taken over, not copied. */
  undoPageLog(log: PageLog): void {
    for (let i = log.frames.length - 1; i >= 0; i--) {
      const fn = log.frames[i];
      const saved = log.saved[i];
      const f = this.frames.get(fn);
      if (saved === null) this.frames.delete(fn);
      else if (f) f.set(saved); // in place: caches holding the array stay valid
      else this.frames.set(fn, saved);
      if (this.codeFrames.has(fn)) this.codeWritten(fn);
    }
  }

  private codeWritten(fn: number): void {
    this.codeFrames.delete(fn);
    this.onCodeWrite?.(fn);
  }

  /** Restores up to 8 bytes (little-endian lo, hi halves) without journaling (undo). */
  restoreHalves(addr: number, size: number, lo: number, hi: number): void {
    const fn = Math.floor(addr / PAGE_SIZE);
    const f = this.frame(fn, true);
    const off = addr & (PAGE_SIZE - 1);
    if (f === undefined || off + size > PAGE_SIZE) return; // never journaled so
    for (let i = 0; i < size; i++) f[off + i] = i < 4 ? lo >>> (8 * i) : hi >>> (8 * (i - 4));
    if (this.codeFrames.has(fn)) this.codeWritten(fn);
  }

  /** Restores bytes without journaling (used by undo itself). */
  restoreBytes(addr: number, bytes: Uint8Array): void {
    const saved = this.journalDirect;
    this.journalDirect = null;
    try {
      this.writeBytes(addr, bytes);
    } finally {
      this.journalDirect = saved;
    }
  }

  /** A deep copy of all allocated frames (for snapshots). */
  copyFrames(): Map<number, Uint8Array> {
    const m = new Map<number, Uint8Array>();
    for (const [k, v] of this.frames) m.set(k, v.slice());
    return m;
  }

  setFrames(frames: Map<number, Uint8Array>): void {
    this.frames = new Map();
    for (const [k, v] of frames) this.frames.set(k, v.slice());
    // Every frame may have changed under the decode cache.
    for (const fn of [...this.codeFrames]) this.codeWritten(fn);
  }

  get allocatedFrames(): number {
    return this.frames.size;
  }
}

export function readLE(b: Uint8Array, off: number, size: number): bigint {
  switch (size) {
    case 1:
      return BigInt(b[off]);
    case 2:
      return BigInt(b[off] | (b[off + 1] << 8));
    case 4:
      return BigInt((b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0);
    case 8: {
      const lo = (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
      const hi = (b[off + 4] | (b[off + 5] << 8) | (b[off + 6] << 16) | (b[off + 7] << 24)) >>> 0;
      return (BigInt(hi) << 32n) | BigInt(lo);
    }
    default: {
      let v = 0n;
      for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[off + i]);
      return v;
    }
  }
}

export function writeLE(b: Uint8Array, off: number, size: number, value: bigint): void {
  if (size <= 4) {
    let v = Number(value & 0xffffffffn);
    for (let i = 0; i < size; i++) {
      b[off + i] = v & 0xff;
      v >>>= 8;
    }
    return;
  }
  let lo = Number(value & 0xffffffffn);
  let hi = Number((value >> 32n) & 0xffffffffn);
  for (let i = 0; i < 4; i++) {
    b[off + i] = lo & 0xff;
    lo >>>= 8;
  }
  for (let i = 4; i < size; i++) {
    b[off + i] = hi & 0xff;
    hi >>>= 8;
  }
}

export { PAGE_SHIFT };

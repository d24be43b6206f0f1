// Physical memory of the guest: a bounded array of 4 KiB frames, allocated only when first written
// (a 64 MiB machine that touches 2 MiB costs 2 MiB). Physical addresses are plain numbers
// (< 2^53). Reads of never-written frames return zeros; accesses beyond the end of RAM read as
// 0xFF and are dropped on write, like an empty bus.
//
// Every write goes through writeBytes/writeUint so that two observers see it:
//  - the undo journal (reverse execution) records the old bytes before they change;
//  - the code-page watch tells the CPU's decode cache that bytes it decoded have changed.

export const PAGE_SIZE = 4096;
const PAGE_SHIFT = 12;

export class PhysicalMemory {
  private frames = new Map<number, Uint8Array>();
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
    const f = this.frame(fn, true)!;
    if (this.journalDirect) this.journalDirect(addr, f, off, size);
    writeLE(f, off, size, value);
    if (this.codeFrames.has(fn)) this.codeWritten(fn);
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

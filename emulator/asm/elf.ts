// ELF64 x86-64 static executable writer: ELF header, one PT_LOAD per segment, section headers for
// every output section plus .symtab/.strtab/.shstrtab so objdump, nm and gdb see our symbols.
import type { LinkedImage } from './types';

const PAGE = 0x1000;

class Writer {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private ensure(n: number) {
    if (n <= this.buf.length) return;
    let size = this.buf.length;
    while (size < n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf);
    this.buf = b;
    this.view = new DataView(b.buffer);
  }
  at(off: number, bytes: Uint8Array) { this.ensure(off + bytes.length); this.buf.set(bytes, off); this.length = Math.max(this.length, off + bytes.length); }
  u8(off: number, v: number) { this.ensure(off + 1); this.view.setUint8(off, v); this.length = Math.max(this.length, off + 1); }
  u16(off: number, v: number) { this.ensure(off + 2); this.view.setUint16(off, v, true); this.length = Math.max(this.length, off + 2); }
  u32(off: number, v: number) { this.ensure(off + 4); this.view.setUint32(off, v >>> 0, true); this.length = Math.max(this.length, off + 4); }
  u64(off: number, v: bigint) { this.ensure(off + 8); this.view.setBigUint64(off, BigInt.asUintN(64, v), true); this.length = Math.max(this.length, off + 8); }
  bytes() { return this.buf.slice(0, this.length); }
}

class StrTab {
  bytes: number[] = [0];
  private seen = new Map<string, number>();
  add(s: string): number {
    const have = this.seen.get(s);
    if (have !== undefined) return have;
    const off = this.bytes.length;
    for (const b of new TextEncoder().encode(s)) this.bytes.push(b);
    this.bytes.push(0);
    this.seen.set(s, off);
    return off;
  }
}

const SHT_PROGBITS = 1, SHT_SYMTAB = 2, SHT_STRTAB = 3, SHT_NOBITS = 8;
const SHF_WRITE = 1, SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const STT: Record<string, number> = { notype: 0, object: 1, func: 2, section: 3, file: 4 };
const STB: Record<string, number> = { local: 0, global: 1, weak: 2 };

export function writeElf(image: LinkedImage): Uint8Array {
  const w = new Writer();
  const phnum = image.segments.length;
  const ehsize = 64, phentsize = 56, shentsize = 64;
  let off = ehsize + phnum * phentsize;

  // segments: each at a page-aligned file offset congruent with its address
  const segOffsets: number[] = [];
  for (const s of image.segments) {
    off = Math.ceil(off / PAGE) * PAGE + Number(s.vaddr % BigInt(PAGE));
    segOffsets.push(off);
    w.at(off, s.bytes);
    off += s.bytes.length;
  }
  image.segments.forEach((s, i) => {
    const p = ehsize + i * phentsize;
    w.u32(p, 1); // PT_LOAD
    w.u32(p + 4, (s.read ? 4 : 0) | (s.write ? 2 : 0) | (s.exec ? 1 : 0));
    w.u64(p + 8, BigInt(segOffsets[i]));
    w.u64(p + 16, s.vaddr);
    w.u64(p + 24, s.vaddr);
    w.u64(p + 32, BigInt(s.bytes.length));
    w.u64(p + 40, BigInt(s.memSize));
    w.u64(p + 48, BigInt(PAGE));
  });

  // section headers: null, output sections, .symtab, .strtab, .shstrtab
  const shstr = new StrTab();
  type Sh = { name: number; type: number; flags: number; addr: bigint; offset: number; size: number; link: number; info: number; align: number; entsize: number };
  const shs: Sh[] = [{ name: 0, type: 0, flags: 0, addr: 0n, offset: 0, size: 0, link: 0, info: 0, align: 0, entsize: 0 }];
  const secIndex = new Map<string, number>();
  image.segments.forEach((s, i) => {
    for (const sec of s.sections) {
      const inFile = sec.vaddr - s.vaddr < BigInt(s.bytes.length);
      secIndex.set(sec.name, shs.length);
      shs.push({
        name: shstr.add(sec.name),
        type: inFile ? SHT_PROGBITS : SHT_NOBITS,
        flags: SHF_ALLOC | (s.write ? SHF_WRITE : 0) | (s.exec ? SHF_EXECINSTR : 0),
        addr: sec.vaddr,
        offset: segOffsets[i] + Number(sec.vaddr - s.vaddr),
        size: sec.size,
        link: 0, info: 0, align: 1, entsize: 0,
      });
    }
  });

  // symbols: locals first (ELF requires it), then global and weak
  const strtab = new StrTab();
  const syms = [...image.symbols].sort((a, b) => (a.binding === 'local' ? 0 : 1) - (b.binding === 'local' ? 0 : 1));
  const symBytes = new Writer();
  let firstGlobal = syms.length + 1;
  syms.forEach((s, i) => {
    const p = (i + 1) * 24;
    if (s.binding !== 'local' && firstGlobal > i + 1) firstGlobal = i + 1;
    const shndx = s.section === '*ABS*' ? 0xfff1 : secIndex.get(s.section) ?? 0xfff1;
    symBytes.u32(p, strtab.add(s.name));
    symBytes.u8(p + 4, (STB[s.binding] << 4) | STT[s.type]);
    symBytes.u8(p + 5, 0);
    symBytes.u16(p + 6, shndx);
    symBytes.u64(p + 8, s.address);
    symBytes.u64(p + 16, BigInt(s.size));
  });
  symBytes.u64(0, 0n); symBytes.u64(8, 0n); symBytes.u64(16, 0n);
  const symtabData = symBytes.bytes();
  const strtabData = new Uint8Array(strtab.bytes);
  const symtabName = shstr.add('.symtab');
  const strtabName = shstr.add('.strtab');
  const shstrName = shstr.add('.shstrtab');
  const shstrData = new Uint8Array(shstr.bytes);

  off = Math.ceil(off / 8) * 8;
  const symOff = off; w.at(off, symtabData); off += symtabData.length;
  const strOff = off; w.at(off, strtabData); off += strtabData.length;
  const shstrOff = off; w.at(off, shstrData); off += shstrData.length;
  const strIndex = shs.length + 1;
  shs.push({ name: symtabName, type: SHT_SYMTAB, flags: 0, addr: 0n, offset: symOff, size: symtabData.length, link: strIndex, info: firstGlobal, align: 8, entsize: 24 });
  shs.push({ name: strtabName, type: SHT_STRTAB, flags: 0, addr: 0n, offset: strOff, size: strtabData.length, link: 0, info: 0, align: 1, entsize: 0 });
  shs.push({ name: shstrName, type: SHT_STRTAB, flags: 0, addr: 0n, offset: shstrOff, size: shstrData.length, link: 0, info: 0, align: 1, entsize: 0 });

  off = Math.ceil(off / 8) * 8;
  const shoff = off;
  shs.forEach((s, i) => {
    const p = shoff + i * shentsize;
    w.u32(p, s.name); w.u32(p + 4, s.type); w.u64(p + 8, BigInt(s.flags)); w.u64(p + 16, s.addr);
    w.u64(p + 24, BigInt(s.offset)); w.u64(p + 32, BigInt(s.size)); w.u32(p + 40, s.link); w.u32(p + 44, s.info);
    w.u64(p + 48, BigInt(s.align)); w.u64(p + 56, BigInt(s.entsize));
  });

  // ELF header
  w.at(0, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]));
  w.u16(16, 2); // ET_EXEC
  w.u16(18, 62); // EM_X86_64
  w.u32(20, 1);
  w.u64(24, image.entry);
  w.u64(32, BigInt(ehsize));
  w.u64(40, BigInt(shoff));
  w.u32(48, 0);
  w.u16(52, ehsize);
  w.u16(54, phentsize);
  w.u16(56, phnum);
  w.u16(58, shentsize);
  w.u16(60, shs.length);
  w.u16(62, shs.length - 1);
  return w.bytes();
}

// A reader for static ELF64 little-endian x86-64 executables (GNU ld, nasm + ld, gcc -static
// -nostdlib): PT_LOAD segments, the entry point, section names per segment and .symtab symbols.
// Field offsets from the System V gABI (ELF-64 Object File Format).

import type { ImageSegment, LinkedImage, SymbolInfo } from '../asm/types';

export interface ElfProgram {
  image: LinkedImage;
  /** AT_PHDR: the program headers' address in memory (0 when not inside a PT_LOAD) */
  phdrAddress: bigint;
  phnum: number;
  phentsize: number;
}

export class ElfError extends Error {}

const PT_LOAD = 1;
const PT_INTERP = 3;
const SHT_SYMTAB = 2;
const TYPES: Record<number, SymbolInfo['type']> = { 0: 'notype', 1: 'object', 2: 'func', 3: 'section', 4: 'file' };
const BINDINGS: Record<number, SymbolInfo['binding']> = { 0: 'local', 1: 'global', 2: 'weak' };

export function readElf(bytes: Uint8Array): ElfProgram {
  if (bytes.length < 64 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file');
  }
  if (bytes[4] !== 2) throw new ElfError('not a 64-bit ELF file');
  if (bytes[5] !== 1) throw new ElfError('not a little-endian ELF file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => dv.getUint16(o, true);
  const u32 = (o: number) => dv.getUint32(o, true);
  const u64 = (o: number) => dv.getBigUint64(o, true);
  const type = u16(16);
  if (u16(18) !== 62) throw new ElfError('not an x86-64 ELF file');
  if (type !== 2) throw new ElfError(type === 3 ? 'position-independent executables (ET_DYN) are not supported; link with -static -no-pie' : `ELF type ${type} is not an executable`);
  const entry = u64(24);
  const phoff = Number(u64(32));
  const shoff = Number(u64(40));
  const phentsize = u16(54);
  const phnum = u16(56);
  const shentsize = u16(58);
  const shnum = u16(60);
  const shstrndx = u16(62);

  // Section headers (optional in an executable, but ld always writes them).
  interface Sh { name: string; type: number; flags: bigint; addr: bigint; offset: number; size: number; link: number; entsize: number }
  const sections: Sh[] = [];
  if (shoff && shnum && shoff + shnum * shentsize <= bytes.length) {
    const raw = [];
    for (let i = 0; i < shnum; i++) {
      const o = shoff + i * shentsize;
      raw.push({ nameOff: u32(o), type: u32(o + 4), flags: u64(o + 8), addr: u64(o + 16), offset: Number(u64(o + 24)), size: Number(u64(o + 32)), link: u32(o + 40), entsize: Number(u64(o + 56)) });
    }
    const strtab = raw[shstrndx];
    for (const r of raw) {
      sections.push({ ...r, name: strtab ? cstr(bytes, strtab.offset + r.nameOff) : '' });
    }
  }

  const segments: ImageSegment[] = [];
  let phdrAddress = 0n;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const ptype = u32(o);
    if (ptype === PT_INTERP) throw new ElfError('dynamically linked executables are not supported; link with -static');
    if (ptype !== PT_LOAD) continue;
    const flags = u32(o + 4);
    const offset = Number(u64(o + 8));
    const vaddr = u64(o + 16);
    const filesz = Number(u64(o + 32));
    const memsz = Number(u64(o + 40));
    if (offset + filesz > bytes.length) throw new ElfError('a segment extends past the end of the file');
    if (phoff >= offset && phoff + phnum * phentsize <= offset + filesz) phdrAddress = vaddr + BigInt(phoff - offset);
    const end = vaddr + BigInt(memsz);
    segments.push({
      vaddr,
      bytes: bytes.slice(offset, offset + filesz),
      memSize: memsz,
      read: (flags & 4) !== 0,
      write: (flags & 2) !== 0,
      exec: (flags & 1) !== 0,
      sections: sections
        .filter((s) => s.flags & 2n /* SHF_ALLOC */ && s.addr >= vaddr && s.addr < end && s.size > 0)
        .map((s) => ({ name: s.name, vaddr: s.addr, size: s.size })),
    });
  }
  if (segments.length === 0) throw new ElfError('no loadable segments');

  const symbols: SymbolInfo[] = [];
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (symtab) {
    const strtab = sections[symtab.link];
    const n = Math.floor(symtab.size / 24);
    for (let i = 1; i < n; i++) {
      const o = symtab.offset + i * 24;
      const info = bytes[o + 4];
      const shndx = u16(o + 6);
      const t = TYPES[info & 0xf];
      const b = BINDINGS[info >> 4];
      if (!t || !b) continue;
      symbols.push({
        name: strtab ? cstr(bytes, strtab.offset + u32(o)) : '',
        address: u64(o + 8),
        size: Number(u64(o + 16)),
        type: t,
        binding: b,
        section: shndx === 0xfff1 ? '*ABS*' : shndx === 0 ? '*UND*' : sections[shndx]?.name ?? '',
      });
    }
  }
  return { image: { entry, segments, symbols, lines: [] }, phdrAddress, phnum, phentsize };
}

function cstr(b: Uint8Array, at: number): string {
  let end = at;
  while (end < b.length && b[end] !== 0) end++;
  let s = '';
  for (let i = at; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

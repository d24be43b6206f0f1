// GNU binutils as an oracle: assemble with `as --64` (no -O), link with `ld -static`, and read the
// linked sections back. Node-only (tests and scripts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ElfSection {
  name: string;
  addr: bigint;
  size: number;
  /** file bytes (empty for NOBITS) */
  bytes: Uint8Array;
  type: number;
  flags: bigint;
}

export interface GnuResult {
  /** the linked .text bytes */
  text: Uint8Array;
  /** every section of the linked executable by name */
  sections: Map<string, ElfSection>;
  /** the linked executable's bytes */
  elf: Uint8Array;
  /** the object file's sections (before linking; relocation fields are zero) */
  objectSections: Map<string, ElfSection>;
  /** `as` warnings/errors text (stderr) */
  stderr: string;
}

export interface GnuOptions {
  /** -Ttext; default 0x401000 */
  textBase?: bigint;
  /** --section-start for other sections (to match another linker's layout) */
  sectionStart?: Record<string, bigint>;
  /** entry symbol; default _start */
  entry?: string;
  /** extra files for .include, by name */
  includes?: Record<string, string>;
}

/** Reads the section headers of an ELF64 little-endian file. */
export function readElfSections(elf: Uint8Array): Map<string, ElfSection> {
  const dv = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  const shstrndx = dv.getUint16(62, true);
  const hdr = (i: number) => {
    const p = shoff + i * shentsize;
    return {
      name: dv.getUint32(p, true), type: dv.getUint32(p + 4, true), flags: dv.getBigUint64(p + 8, true),
      addr: dv.getBigUint64(p + 16, true), offset: Number(dv.getBigUint64(p + 24, true)), size: Number(dv.getBigUint64(p + 32, true)),
    };
  };
  const strs = hdr(shstrndx);
  const nameAt = (off: number) => {
    let e = strs.offset + off;
    while (elf[e] !== 0) e++;
    return new TextDecoder().decode(elf.subarray(strs.offset + off, e));
  };
  const out = new Map<string, ElfSection>();
  for (let i = 1; i < shnum; i++) {
    const h = hdr(i);
    const name = nameAt(h.name);
    const bytes = h.type === 8 ? new Uint8Array(0) : elf.slice(h.offset, h.offset + h.size);
    out.set(name, { name, addr: h.addr, size: h.size, bytes, type: h.type, flags: h.flags });
  }
  return out;
}

/** Assembles and links `source` with GNU as/ld; throws with as's messages when as fails. */
export function gnuAssemble(source: string, opts: GnuOptions = {}): GnuResult {
  const dir = mkdtempSync(join(tmpdir(), 'ringstep-gnu-'));
  try {
    writeFileSync(join(dir, 'prog.s'), source);
    for (const [name, text] of Object.entries(opts.includes ?? {})) writeFileSync(join(dir, name), text);
    let stderr = '';
    try {
      execFileSync('as', ['--64', '-o', 'prog.o', 'prog.s'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new Error(`as failed:\n${e.stderr?.toString() ?? err}`);
    }
    const args = ['-static', '-nostdlib', '-z', 'noexecstack', '-o', 'prog', `-Ttext=0x${(opts.textBase ?? 0x401000n).toString(16)}`, '-e', opts.entry ?? '_start'];
    for (const [name, addr] of Object.entries(opts.sectionStart ?? {})) args.push(`--section-start=${name}=0x${addr.toString(16)}`);
    args.push('prog.o');
    try {
      const r = execFileSync('ld', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      stderr += r.toString();
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new Error(`ld failed:\n${e.stderr?.toString() ?? err}`);
    }
    const elf = new Uint8Array(readFileSync(join(dir, 'prog')));
    const obj = new Uint8Array(readFileSync(join(dir, 'prog.o')));
    const sections = readElfSections(elf);
    return { text: sections.get('.text')?.bytes ?? new Uint8Array(0), sections, elf, objectSections: readElfSections(obj), stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assembles `source` with `as --64` and returns its diagnostics text (stderr) and whether it failed. */
export function gnuDiagnostics(source: string): { ok: boolean; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ringstep-gnu-'));
  try {
    writeFileSync(join(dir, 'prog.s'), source);
    try {
      const r = execFileSync('as', ['--64', '-o', 'prog.o', 'prog.s'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      return { ok: true, stderr: r.toString() };
    } catch (err) {
      return { ok: false, stderr: (err as { stderr?: Buffer }).stderr?.toString() ?? String(err) };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

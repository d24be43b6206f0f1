// Shared by the corpus test and its regeneration script: assemble a program with our assembler and
// with GNU as + ld (told to use our section addresses), and collect both sets of section bytes.
import { assemble } from '../../emulator/asm/index';
import type { LinkedImage } from '../../emulator/asm/types';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gnuAssemble, hex } from '../helpers/gnu';

export interface SectionDump {
  [name: string]: { addr: string; hex: string };
}

/** Our assembler's output as name -> {address, bytes}; throws on diagnostics (errors). */
export function ourSections(name: string, text: string, includes: Record<string, string> = {}): { image: LinkedImage; sections: SectionDump } {
  const r = assemble([{ name, text }], { readInclude: (n) => (n in includes ? { name: n, text: includes[n] } : undefined) });
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.image || errs.length) throw new Error(errs.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`).join('\n'));
  const out: SectionDump = {};
  for (const seg of r.image.segments) {
    for (const s of seg.sections) {
      const off = Number(s.vaddr - seg.vaddr);
      const bytes = off < seg.bytes.length ? seg.bytes.subarray(off, off + s.size) : new Uint8Array(0);
      out[s.name] = { addr: s.vaddr.toString(16), hex: hex(bytes) };
    }
  }
  return { image: r.image, sections: out };
}

/** GNU's bytes for the same sections, linked at the addresses we chose. */
export function gnuSections(text: string, ours: SectionDump, includes: Record<string, string> = {}): SectionDump {
  const starts: Record<string, bigint> = {};
  for (const [name, s] of Object.entries(ours)) if (name !== '.text') starts[name] = BigInt('0x' + s.addr);
  const g = gnuAssemble(text, { sectionStart: starts, includes });
  const out: SectionDump = {};
  for (const name of Object.keys(ours)) {
    const s = g.sections.get(name);
    out[name] = s ? { addr: s.addr.toString(16), hex: hex(s.bytes) } : { addr: '?', hex: '' };
  }
  return out;
}

/** The `.inc` files next to the corpus programs, by name (for `.include`). */
export function corpusIncludes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.inc'))) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

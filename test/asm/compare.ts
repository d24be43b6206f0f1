// Shared by the corpus test and its regeneration script: assemble a program with our assembler and
// with GNU as + ld (told to use our section addresses), and collect both sets of section bytes.
import { assemble } from '../../emulator/asm/index';
import type { LinkedImage } from '../../emulator/asm/types';
import { gnuAssemble, hex } from '../helpers/gnu';

export interface SectionDump {
  [name: string]: { addr: string; hex: string };
}

/** Our assembler's output as name -> {address, bytes}; throws on diagnostics (errors). */
export function ourSections(name: string, text: string): { image: LinkedImage; sections: SectionDump } {
  const r = assemble([{ name, text }]);
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
export function gnuSections(text: string, ours: SectionDump): SectionDump {
  const starts: Record<string, bigint> = {};
  for (const [name, s] of Object.entries(ours)) if (name !== '.text') starts[name] = BigInt('0x' + s.addr);
  const g = gnuAssemble(text, { sectionStart: starts });
  const out: SectionDump = {};
  for (const name of Object.keys(ours)) {
    const s = g.sections.get(name);
    out[name] = s ? { addr: s.addr.toString(16), hex: hex(s.bytes) } : { addr: '?', hex: '' };
  }
  return out;
}

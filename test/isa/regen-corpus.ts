// Regenerates test/isa/data/corpus.jsonl from GNU as and objdump (binutils), so the tests need no
// binutils in CI. Run: node --import tsx test/isa/regen-corpus.ts
// Each line of the data file: {"t": source text, "b": bytes as hex, "d": objdump's instruction text,
// "r": [[offset in instruction, size, pcRelative]] relocations}.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { buildCorpus } from './corpus';

export interface OracleLine {
  t: string;
  b: string;
  d: string;
  r: [number, number, boolean][];
}

/** objdump -dr output parsed into instructions (address, bytes, text) and relocations. */
export function parseObjdump(text: string): { insns: { addr: number; bytes: number[]; text: string }[]; relocs: { addr: number; type: string }[] } {
  const insns: { addr: number; bytes: number[]; text: string }[] = [];
  const relocs: { addr: number; type: string }[] = [];
  for (const line of text.split('\n')) {
    let m = /^\s+([0-9a-f]+):\s+(R_X86_64_\w+)/.exec(line);
    if (m) { relocs.push({ addr: parseInt(m[1], 16), type: m[2] }); continue; }
    m = /^\s*([0-9a-f]+):\t((?:[0-9a-f]{2} )+)\s*(?:\t(.*))?$/.exec(line);
    if (!m) continue;
    const addr = parseInt(m[1], 16);
    const bytes = m[2].trim().split(' ').map((h) => parseInt(h, 16));
    if (m[3] === undefined) insns[insns.length - 1].bytes.push(...bytes); // continuation line
    else insns.push({ addr, bytes, text: m[3] });
  }
  return { insns, relocs };
}

export function regenerate(): OracleLine[] {
  const corpus = buildCorpus();
  const dir = join(tmpdir(), `ringstep-isa-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const src = corpus.map((e) => e.text + (e.label ? '\n1:' : '')).join('\n') + '\n';
  writeFileSync(join(dir, 'c.s'), src);
  execFileSync('as', ['--64', '-o', join(dir, 'c.o'), join(dir, 'c.s')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const dump = execFileSync('objdump', ['-dr', '-M', 'att', join(dir, 'c.o')], { maxBuffer: 1 << 28 }).toString();
  const { insns, relocs } = parseObjdump(dump);
  if (insns.length !== corpus.length) throw new Error(`objdump found ${insns.length} instructions for ${corpus.length} corpus lines`);
  return corpus.map((e, i) => {
    const ins = insns[i];
    const r = relocs
      .filter((x) => x.addr >= ins.addr && x.addr < ins.addr + ins.bytes.length)
      .map((x) => [x.addr - ins.addr, /64$/.test(x.type) ? 8 : x.type.endsWith('8') ? 1 : 4, /PC|PLT/.test(x.type)] as [number, number, boolean]);
    return { t: e.text, b: ins.bytes.map((b) => b.toString(16).padStart(2, '0')).join(''), d: ins.text, r };
  });
}

if (process.argv[1] && process.argv[1].endsWith('regen-corpus.ts')) {
  const lines = regenerate();
  const dataDir = join(dirname(process.argv[1]), 'data');
  const out = join(dataDir, 'corpus.jsonl');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  console.log(`wrote ${lines.length} lines to ${out}`);
  void readFileSync;
}

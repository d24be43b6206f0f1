// Loads the stored GNU as / objdump results (data/corpus.jsonl, written by regen-corpus.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OracleLine {
  /** source text */
  t: string;
  /** bytes GNU as produced, hex */
  b: string;
  /** objdump's instruction text for those bytes */
  d: string;
  /** relocations: [offset in the instruction, size, pc-relative] */
  r: [number, number, boolean][];
}

export function loadOracle(): OracleLine[] {
  const text = readFileSync(join(__dirname, 'data', 'corpus.jsonl'), 'utf8');
  return text.split('\n').filter((l) => l).map((l) => JSON.parse(l) as OracleLine);
}

export function hexToBytes(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bytesToHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

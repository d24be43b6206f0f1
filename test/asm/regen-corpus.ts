// Regenerates test/asm/corpus/expected.json: GNU as + ld's bytes for every corpus program, linked at
// the section addresses our linker picks. Run: npx tsx test/asm/regen-corpus.ts  (needs binutils)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusIncludes, gnuSections, ourSections, SectionDump } from './compare';

const dir = join(process.cwd(), 'test/asm/corpus');
const includes = corpusIncludes(dir);
const expected: Record<string, SectionDump> = {};
for (const f of readdirSync(dir).filter((n) => n.endsWith('.s') && !n.startsWith('full-')).sort()) {
  const text = readFileSync(join(dir, f), 'utf8');
  expected[f] = gnuSections(text, ourSections(f, text, includes).sections, includes);
}
writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected, null, 1) + '\n');
console.log(`wrote ${Object.keys(expected).length} programs`);

// The full instruction corpus through the whole assembler (parser + encoder + layout), in both
// syntaxes: every table form, operand size and addressing mode of test/isa/corpus.ts, one per line,
// must give exactly GNU as + ld's bytes for that line (stored in corpus/full-gnu.json by regen-full.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assemble } from '../../emulator/asm/index';
import { hex } from '../helpers/gnu';

const dir = join(process.cwd(), 'test/asm/corpus');
const gnu: Record<'att' | 'intel', [number, string][]> = JSON.parse(readFileSync(join(dir, 'full-gnu.json'), 'utf8'));

/** Our bytes for every instruction line of a file, keyed by line number. */
function ourBytesPerLine(name: string, text: string): Map<number, string> {
  const r = assemble([{ name, text }]);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.slice(0, 20).map((d) => `${d.line}: ${d.message}`), []);
  const seg = r.image!.segments[0];
  const out = new Map<number, string>();
  for (const l of r.image!.lines) {
    if (!l.isCode) continue;
    const off = Number(l.address - seg.vaddr);
    out.set(l.line, hex(seg.bytes.subarray(off, off + l.length)));
  }
  return out;
}

for (const syntax of ['att', 'intel'] as const) {
  test(`full-${syntax}.s: every instruction line has GNU as's bytes`, () => {
    const name = `full-${syntax}.s`;
    const text = readFileSync(join(dir, name), 'utf8');
    const lines = text.split('\n');
    const ours = ourBytesPerLine(name, text);
    const expected = gnu[syntax];
    assert.ok(expected.length > 15000, `only ${expected.length} stored lines`);
    const wrong = expected.filter(([line, h]) => ours.get(line) !== h);
    const show = wrong.slice(0, 20).map(([line, h]) => `${line}: ${lines[line - 1].trim()}  gnu ${h}  ours ${ours.get(line)}`);
    assert.equal(wrong.length, 0, `${wrong.length} of ${expected.length} lines differ:\n${show.join('\n')}`);
    // and nothing extra: besides the trailing `ret` after `ext:`, every instruction we emitted is checked
    assert.equal(ours.size, expected.length + 1);
  });
}

// Code alignment padding equals GNU as's NOP sequences for every pad length 1..140 and a page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { assemble } from '../../emulator/asm/index';
import { gnuAssemble, hex } from '../helpers/gnu';

const haveAs = (() => { try { execFileSync('as', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

test('NOP padding matches GNU as for 1..140 bytes and a 4000-byte page pad', { skip: !haveAs && 'binutils not installed' }, () => {
  // one program with many alignments, so one run of `as` covers every length
  const lens = [...Array.from({ length: 140 }, (_, i) => i + 1), 4000];
  let src = '.globl _start\n.text\n_start:\n';
  for (const n of lens) {
    const block = n > 140 ? 4096 : 256;
    src += `.p2align ${Math.log2(block)}\n.fill ${block - n}, 1, 0xcc\n.p2align ${Math.log2(block)}\n`;
  }
  src += 'ret\n';
  const r = assemble([{ name: 'a.s', text: src }]);
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').length, 0);
  const ours = r.image!.segments[0].bytes;
  assert.equal(hex(ours), hex(gnuAssemble(src).text));
});

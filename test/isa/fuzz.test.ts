// Random byte strings through the decoder and the disassembler: nothing throws, lengths stay in
// 1..15, and an instruction's own bytes decode to the same instruction again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, isDecodeError } from '../../emulator/isa/decode';
import { formatAtt, formatIntel } from '../../emulator/isa/disasm';

/** xorshift32: deterministic, so a failure reproduces */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

test('decoder survives a million random byte strings', () => {
  const next = rng(0x5eed);
  const buf = new Uint8Array(1 << 20);
  for (let i = 0; i < buf.length; i += 4) { const v = next(); buf[i] = v; buf[i + 1] = v >>> 8; buf[i + 2] = v >>> 16; buf[i + 3] = v >>> 24; }
  // bias some positions toward prefixes, REX and 0f so the interesting paths are hit often
  for (let i = 0; i < buf.length; i += 7) { const v = next() & 7; if (v === 0) buf[i] = 0x48 | (next() & 7); else if (v === 1) buf[i] = 0x0f; else if (v === 2) buf[i] = [0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x64][next() % 6]; }
  let decoded = 0, errors = 0;
  const N = 1_000_000;
  for (let k = 0; k < N; k++) {
    const off = k % (buf.length - 16);
    const r = decode(buf, off, 0x401000n + BigInt(off));
    if (isDecodeError(r)) {
      errors++;
      assert.ok(r.length >= 1 && r.length <= 15, `error length ${r.length}`);
      continue;
    }
    decoded++;
    assert.ok(r.length >= 1 && r.length <= 15);
    if ((k & 63) === 0) {
      formatAtt(r);
      formatIntel(r);
      const again = decode(r.bytes, 0, r.address);
      assert.ok(!isDecodeError(again) && again.length === r.length && formatAtt(again) === formatAtt(r));
    }
  }
  console.log(`fuzz: ${N} random decodes, ${decoded} decoded, ${errors} #UD`);
});

// Decoder + disassembler vs objdump on the corpus bytes GNU as produced: same length, same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOracle, hexToBytes } from './oracle';
import { decode, isDecodeError } from '../../emulator/isa/decode';
import { formatAtt } from '../../emulator/isa/disasm';

test('decoder and AT&T disassembler match objdump on the corpus', () => {
  const oracle = loadOracle();
  const failures: string[] = [];
  let addr = 0n;
  for (const o of oracle) {
    const bytes = hexToBytes(o.b);
    const r = decode(bytes, 0, addr);
    if (isDecodeError(r)) failures.push(`${o.b} (${o.d}): ${r.error}`);
    else if (r.length !== bytes.length) failures.push(`${o.b} (${o.d}): length ${r.length}`);
    else {
      const text = formatAtt(r);
      if (text !== o.d) failures.push(`${o.b}: got '${text}', objdump '${o.d}'`);
    }
    addr += BigInt(bytes.length);
  }
  console.log(`disassembler corpus: ${oracle.length} instructions, ${oracle.length - failures.length} identical to objdump`);
  assert.deepEqual(failures.slice(0, 40), []);
});

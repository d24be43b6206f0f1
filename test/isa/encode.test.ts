// Encoder vs GNU as: every corpus line (all table forms x sizes x addressing modes x registers) must
// encode to exactly the bytes `as --64` produced, with fixups where GNU as put relocations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCorpus } from './corpus';
import { loadOracle, bytesToHex } from './oracle';
import { encode } from '../../emulator/isa/encode';

test('encoder matches GNU as byte for byte on the corpus', () => {
  const corpus = buildCorpus();
  const oracle = loadOracle();
  assert.equal(corpus.length, oracle.length, 'corpus and stored oracle differ in size: run test/isa/regen-corpus.ts');
  const failures: string[] = [];
  for (let i = 0; i < corpus.length; i++) {
    const e = corpus[i], o = oracle[i];
    assert.equal(e.text, o.t, `corpus line ${i} changed: run test/isa/regen-corpus.ts`);
    const r = encode(e.req);
    if (!r.ok) { failures.push(`${e.text}: error ${r.error} (as: ${o.b})`); continue; }
    const got = bytesToHex(r.bytes);
    if (got !== o.b) { failures.push(`${e.text}: got ${got}, as ${o.b}`); continue; }
    const fix = r.fixups.map((f) => `${f.offset}/${f.size}/${f.pcRelative}`).sort().join(' ');
    const rel = o.r.map(([off, size, pc]) => `${off}/${size}/${pc}`).sort().join(' ');
    // short branches to a local label are resolved by GNU as (no relocation); ours carry a fixup
    const shortBranch = e.label && r.fixups.length === 1 && r.fixups[0].size === 1 && o.r.length === 0;
    if (fix !== rel && !shortBranch) failures.push(`${e.text}: fixups ${fix || '-'}, relocations ${rel || '-'}`);
  }
  console.log(`encoder corpus: ${corpus.length} instructions, ${corpus.length - failures.length} identical to GNU as`);
  assert.deepEqual(failures.slice(0, 40), []);
});

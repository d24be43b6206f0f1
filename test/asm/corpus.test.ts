// Byte-for-byte against GNU as + ld: every corpus program's sections must equal what binutils made
// (stored in corpus/expected.json by regen-corpus.ts; also re-checked live when `as` is installed).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { corpusIncludes, gnuSections, ourSections, SectionDump } from './compare';

const dir = join(process.cwd(), 'test/asm/corpus');
const includes = corpusIncludes(dir);
const expected: Record<string, SectionDump> = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
const haveAs = (() => { try { execFileSync('as', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();

describe('corpus vs GNU as', () => {
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.s') && !n.startsWith('full-')).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    test(`${f}: same bytes as the stored GNU output`, () => {
      const ours = ourSections(f, text, includes).sections;
      assert.ok(expected[f], `no stored GNU bytes for ${f}: run npx tsx test/asm/regen-corpus.ts`);
      for (const name of Object.keys(expected[f])) {
        assert.equal(ours[name]?.addr, expected[f][name].addr, `${f} ${name} address`);
        assert.equal(ours[name]?.hex, expected[f][name].hex, `${f} ${name} bytes`);
      }
    });
    test(`${f}: same bytes as GNU as run now`, { skip: !haveAs && 'binutils not installed' }, () => {
      const ours = ourSections(f, text, includes).sections;
      const gnu = gnuSections(text, ours, includes);
      for (const name of Object.keys(ours)) assert.equal(ours[name].hex, gnu[name].hex, `${f} ${name}`);
    });
  }
});

// Decoder + disassembler vs objdump on real machine code: a gcc-built program and /usr/bin/ls.
// Every instruction we decode must have objdump's length and text; the rest must be DecodeErrors
// (the CPU raises #UD), never a wrong-length decode. Needs gcc/objdump on the host; skipped otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseObjdump } from './regen-corpus';
import { decode, isDecodeError } from '../../emulator/isa/decode';
import { formatAtt, disassembleBlock } from '../../emulator/isa/disasm';

function have(cmd: string): boolean {
  try { execFileSync(cmd, ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}

/** objdump symbolizes targets (`401020 <foo+0x3>`); we compare unsymbolized text. */
function normalise(t: string): string {
  return t.replace(/\b([0-9a-f]+) <[^>]*>/g, '0x$1').replace(/(# 0x[0-9a-f]+) <[^>]*>/, '$1').replace(/\s+$/, '');
}

function check(file: string, maxInsns: number) {
  const dump = execFileSync('objdump', ['-d', '-M', 'att', '--section=.text', file], { maxBuffer: 1 << 28 }).toString();
  const { insns } = parseObjdump(dump);
  let matched = 0, unsupported = 0;
  const wrong: string[] = [];
  for (const ins of insns.slice(0, maxInsns)) {
    const bytes = Uint8Array.from(ins.bytes);
    const r = decode(bytes, 0, BigInt(ins.addr));
    if (isDecodeError(r)) { unsupported++; continue; }
    const text = formatAtt(r);
    if (r.length === bytes.length && text === normalise(ins.text)) matched++;
    else wrong.push(`${ins.addr.toString(16)}: ${ins.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}: got '${text}' (len ${r.length}), objdump '${ins.text}'`);
  }
  const n = Math.min(insns.length, maxInsns);
  console.log(`${file}: ${n} instructions, ${matched} identical, ${unsupported} unsupported (#UD), ${wrong.length} different`);
  return { n, matched, unsupported, wrong };
}

const skip = !have('objdump') || !have('gcc');

test('gcc-built program: decoded instructions equal objdump', { skip }, () => {
  const dir = join(tmpdir(), `ringstep-isa-real-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, 'sample');
  execFileSync('gcc', ['-O2', '-o', exe, join(__dirname, 'fixtures', 'sample.c')]);
  const r = check(exe, 100000);
  assert.deepEqual(r.wrong.slice(0, 30), []);
  assert.ok(r.matched > r.n * 0.8, `only ${r.matched}/${r.n} matched`);

  // whole-section listing, objdump's layout (address column, 7 bytes a line, continuation lines);
  // symbol names differ (objdump also knows plt entries), so `<...>` is dropped on both sides
  const bin = join(dir, 'text.bin');
  execFileSync('objcopy', ['-O', 'binary', '-j', '.text', exe, bin]);
  const vma = BigInt('0x' + /\.text\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(execFileSync('objdump', ['-h', exe]).toString())![1]);
  const strip = (l: string) => l.replace(/ <[^>]*>/g, '');
  const ours = disassembleBlock(new Uint8Array(readFileSync(bin)), vma, (a) => `s${a}`).map(strip);
  const theirs = execFileSync('objdump', ['-d', '--section=.text', exe]).toString().split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l)).map(strip);
  assert.deepEqual(ours, theirs);
});

test('/usr/bin/ls: decoded instructions equal objdump', { skip: skip || !existsSync('/usr/bin/ls') }, () => {
  const r = check('/usr/bin/ls', 20000);
  assert.deepEqual(r.wrong.slice(0, 30), []);
});

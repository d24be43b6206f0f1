// The ELF reader against readelf/nm, and the initial user stack (argc/argv/envp/auxv) against
// the host kernel's own: the same static program dumps its stack natively and in the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildElf, fixtureKernel, work } from './helpers';
import { readElf } from '../../emulator/machine/elf';
import { createMachineWith } from '../../emulator/machine/machine-core';

// Writes the bytes from its initial RSP up to the top of the stack (end of AT_EXECFN + 8).
const DUMPER = `
  .text
  .globl _start
_start:
  mov %rsp, %rbx
  mov (%rsp), %rcx
  lea 16(%rsp,%rcx,8), %rsi
1: cmpq $0, (%rsi)
  lea 8(%rsi), %rsi
  jne 1b
2: cmpq $31, (%rsi)
  je 3f
  add $16, %rsi
  jmp 2b
3: mov 8(%rsi), %rdi
  xor %ecx, %ecx
4: cmpb $0, (%rdi,%rcx)
  lea 1(%rcx), %rcx
  jne 4b
  lea 8(%rdi,%rcx), %rdx
  sub %rbx, %rdx
  mov %rbx, %rsi
  mov $1, %edi
  mov $1, %eax
  syscall
  mov $60, %eax
  xor %edi, %edi
  syscall
  .data
  .quad 1
`;

interface Layout {
  argc: number;
  argv: number[]; // offsets below the top
  envp: number[];
  auxv: [number, bigint][];
  top: bigint;
}

function parse(dump: Uint8Array): Layout {
  const dv = new DataView(dump.buffer, dump.byteOffset, dump.byteLength);
  const w = (i: number) => dv.getBigUint64(i * 8, true);
  const argc = Number(w(0));
  let i = 1;
  const argvAbs: bigint[] = [];
  for (; w(i) !== 0n; i++) argvAbs.push(w(i));
  i++;
  const envAbs: bigint[] = [];
  for (; w(i) !== 0n; i++) envAbs.push(w(i));
  i++;
  const auxv: [number, bigint][] = [];
  for (; ; i += 2) {
    auxv.push([Number(w(i)), w(i + 1)]);
    if (w(i) === 0n) break;
  }
  const execfn = auxv.find(([t]) => t === 31)![1];
  // AT_EXECFN is the highest string; 8 zero bytes follow it up to the top of the stack.
  const t = execfn + BigInt(strlenFromEnd(dump)) + 1n + 8n;
  const rel = (a: bigint) => Number(t - a);
  return { argc, argv: argvAbs.map(rel), envp: envAbs.map(rel), auxv, top: t };
}

/** Length of the last string in the dump (AT_EXECFN, which ends 8 bytes before the top). */
function strlenFromEnd(dump: Uint8Array): number {
  let end = dump.length - 9; // its NUL
  let n = 0;
  while (end - n - 1 >= 0 && dump[end - n - 1] !== 0) n++;
  return n;
}

test('the ELF reader agrees with readelf and nm', () => {
  const bytes = buildElf('dumper', DUMPER);
  const elf = readElf(bytes);
  const path = join(work, 'dumper', 'a.out');
  const header = execFileSync('readelf', ['-hl', '-W', path], { encoding: 'utf8' });
  assert.equal(`0x${elf.image.entry.toString(16)}`, /Entry point address:\s+(0x[0-9a-f]+)/.exec(header)![1]);
  const loads = [...header.matchAll(/^\s+LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+([RWE ]+?)\s+0x/gm)];
  assert.equal(elf.image.segments.length, loads.length);
  loads.forEach((l, i) => {
    const s = elf.image.segments[i];
    assert.equal(s.vaddr, BigInt('0x' + l[2]));
    assert.equal(s.bytes.length, parseInt(l[3], 16));
    assert.equal(s.memSize, parseInt(l[4], 16));
    assert.equal(s.write, l[5].includes('W'));
    assert.equal(s.exec, l[5].includes('E'));
  });
  const nm = execFileSync('nm', [path], { encoding: 'utf8' }).trim().split('\n').map((l) => l.split(' '));
  for (const [addr, , name] of nm) {
    const s = elf.image.symbols.find((x) => x.name === name);
    assert.ok(s, name);
    assert.equal(s!.address, BigInt('0x' + addr));
  }
});

test('argc/argv/envp/auxv laid out like the host kernel (create_elf_tables, no randomisation)', () => {
  const bytes = buildElf('dumper', DUMPER);
  const path = join(work, 'dumper', 'a.out');
  const args = ['one', 'two words', ''];
  const env = { A: '1', BB: '22' };
  const native = spawnSync('setarch', ['-R', path, ...args], { env });
  assert.equal(native.status, 0);
  const host = parse(new Uint8Array(native.stdout));

  const m = createMachineWith({
    program: { kind: 'elf', name: path, bytes },
    args,
    env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
    kernelImage: fixtureKernel(),
    mitigations: { smap: true },
  }, {});
  const chunks: number[] = [];
  m.on((e) => {
    if (e.kind === 'stdout') chunks.push(...e.bytes);
  });
  assert.deepEqual(m.run(1_000_000), { kind: 'exited', status: 0 });
  const ours = parse(Uint8Array.from(chunks));

  assert.equal(ours.top, 0x7ffffffff000n);
  assert.equal(ours.argc, host.argc);
  assert.deepEqual(ours.argv, host.argv);
  assert.deepEqual(ours.envp, host.envp);
  // Our auxv is the host's minus the entries for things we do not have (vDSO, HWCAP2, rseq, ...),
  // in the same order; the values that do not depend on the host CPU agree exactly.
  const hostTypes = host.auxv.map(([t]) => t);
  let k = 0;
  for (const [t] of ours.auxv) {
    k = hostTypes.indexOf(t, k);
    assert.ok(k >= 0, `auxv type ${t} out of order or missing on the host`);
  }
  const val = (l: Layout, t: number) => l.auxv.find(([x]) => x === t)![1];
  for (const t of [3, 4, 5, 6, 9, 23]) assert.equal(val(ours, t), val(host, t), `AT_${t}`);
  const relAux = (l: Layout, t: number) => l.top - val(l, t);
  for (const t of [25, 31, 15]) assert.equal(relAux(ours, t), relAux(host, t), `AT_${t} position`);
  // RSP is 16-byte aligned with argc at it
  assert.equal(chunks.length % 8, 0);
});

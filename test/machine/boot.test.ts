import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineFor, sym, runTo } from './helpers';
import { MSR } from '../../emulator/cpu/state';

const HELLO = `
  mov $1, %eax
  mov $1, %edi
  lea msg(%rip), %rsi
  mov $6, %edx
  syscall
  mov $60, %eax
  mov $7, %edi
  syscall
msg: .ascii "hello\\n"
`;

test('boots the fixture kernel, runs a user program to exit, output through COM1', () => {
  const m = machineFor('hello', HELLO);
  assert.deepEqual(m.diagnostics, []);
  let out = '';
  m.on((e) => {
    if (e.kind === 'stdout') out += String.fromCharCode(...e.bytes);
  });
  const r = m.run(100000);
  assert.deepEqual(r, { kind: 'exited', status: 7 });
  assert.equal(out, 'hello\n');
  assert.equal(m.cpu.msr.get(MSR.STAR), 0x0023001000000000n);
  assert.equal(m.cpu.msr.get(MSR.LSTAR), sym(m, 'entry_SYSCALL_64'));
  assert.equal(m.cpu.msr.get(MSR.FMASK), 0x257fd5n);
  // the run is over: run() keeps answering the same stop
  assert.deepEqual(m.run(10), { kind: 'exited', status: 7 });
});

test('strace lines come from the kernel ptrace-report port', () => {
  const m = machineFor('hello', HELLO, { strace: true });
  const lines: string[] = [];
  m.on((e) => {
    if (e.kind === 'strace') lines.push(e.line);
  });
  m.run(100000);
  assert.deepEqual(lines, [
    'write(1, "hello\\n", 6)                  = 6',
    'exit(7)                                 = ?',
    '+++ exited with 7 +++',
  ]);
});

test('boot state at startup_64 follows BOOT.md', () => {
  const m = machineFor('hello', HELLO);
  const s = m.cpu;
  assert.equal(s.rip, sym(m, 'startup_64'));
  assert.equal(s.gpr[6], 0xffff888000007000n);
  assert.equal(s.seg[1].sel, 0x10);
  assert.equal(s.cpl, 0);
  const magic = m.readBytes(0xffff888000007000n, 8)!;
  assert.equal(new TextDecoder().decode(magic), 'RINGSTEP');
  // the user PGD maps .entry.text but not .text
  runTo(m, sym(m, 'first_iret'));
  const kernelCr3 = s.cr3;
  s.cr3 = kernelCr3 | 0x1000n; // look through the user half of the pair
  assert.notEqual(m.readVirtual(sym(m, 'entry_SYSCALL_64'), 1)[0], null);
  assert.notEqual(m.readVirtual(sym(m, 'gdt'), 1)[0], null);
  assert.equal(m.readVirtual(sym(m, 'startup_64'), 1)[0], null);
  assert.equal(m.readVirtual(sym(m, 'percpu'), 1)[0], null);
  assert.notEqual(m.readVirtual(0x401000n, 1)[0], null);
  s.cr3 = kernelCr3;
});

test('a user program given as sources is assembled by our assembler at 0x401000', async () => {
  const { assemble } = await import('../../emulator/asm/index');
  const { createMachineWith } = await import('../../emulator/machine/machine-core');
  const { fixtureKernel } = await import('./helpers');
  const text = `  .globl _start\n_start:\n${HELLO}`;
  const m = createMachineWith({ program: { kind: 'sources', files: [{ name: '/src/hello.s', text }] }, kernelImage: fixtureKernel() }, { assemble });
  assert.deepEqual(m.diagnostics, []);
  assert.equal(m.userImage.entry, 0x401000n);
  let out = '';
  m.on((e) => {
    if (e.kind === 'stdout') out += String.fromCharCode(...e.bytes);
  });
  assert.deepEqual(m.run(100000), { kind: 'exited', status: 7 });
  assert.equal(out, 'hello\n');
  const line = m.lineAt(0x401000n);
  assert.equal(line?.file, '/src/hello.s');
  assert.deepEqual(m.addressesFor('/src/hello.s', line!.line), [0x401000n]);
  assert.equal(m.symbolAt(0x401002n)?.symbol.name, '_start');
  assert.equal(m.sources.get('/src/hello.s'), text);
});

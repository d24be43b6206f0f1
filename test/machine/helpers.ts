// Shared by the machine tests: build the ring-0 fixture kernel and user programs with GNU as + ld
// (an oracle toolchain nobody here wrote) and boot them on the machine core.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readElf } from '../../emulator/machine/elf';
import { createMachineWith, RingstepMachine } from '../../emulator/machine/machine-core';
import type { MachineOptions } from '../../emulator/machine/api';
import type { LinkedImage } from '../../emulator/asm/types';
import { KERNEL_VIRT_BASE } from '../../emulator/machine/boot';

export const work = mkdtempSync(join(tmpdir(), 'ringstep-machine-'));

export function buildElf(name: string, source: string, ldArgs: string[] = []): Uint8Array {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'a.S'), source);
  execFileSync('as', ['--64', '-o', join(dir, 'a.o'), join(dir, 'a.S')]);
  execFileSync('ld', ['-static', '-nostdlib', '-z', 'max-page-size=4096', ...ldArgs, '-o', join(dir, 'a.out'), join(dir, 'a.o')]);
  return readFileSync(join(dir, 'a.out'));
}

let kernelCache: LinkedImage | undefined;
export function fixtureKernel(): LinkedImage {
  if (kernelCache) return kernelCache;
  const src = readFileSync(new URL('./fixtures/kernel.S', import.meta.url), 'utf8');
  const elf = readElf(buildElf('kernel', src, ['-Ttext=0xffffffff81000000', '-e', 'startup_64']));
  // ld's separate-code layout puts the ELF header page below the link address; it is not kernel.
  elf.image.segments = elf.image.segments.filter((s) => s.vaddr >= KERNEL_VIRT_BASE);
  kernelCache = elf.image;
  return kernelCache;
}

export function userElf(name: string, body: string): Uint8Array {
  return buildElf(name, `  .text\n  .globl _start\n_start:\n${body}\n`);
}

export function machineFor(name: string, body: string, opts: Partial<MachineOptions> = {}): RingstepMachine {
  return createMachineWith({
    program: { kind: 'elf', name, bytes: userElf(name, body) },
    kernelImage: fixtureKernel(),
    ...opts,
  }, {}) as RingstepMachine;
}

/** Run until rip == addr (before executing it); fails after `limit` steps. */
export function runTo(m: RingstepMachine, addr: bigint, limit = 100000): void {
  const r = m.run(limit, (rip) => rip === addr);
  if (r.kind !== 'breakpoint') throw new Error(`did not reach 0x${addr.toString(16)}: ${JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? '0x' + v.toString(16) : v))}`);
}

export function sym(m: RingstepMachine, name: string): bigint {
  const s = m.symbolByName(name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.address;
}

export function u64At(m: RingstepMachine, addr: bigint): bigint {
  const b = m.readBytes(addr, 8);
  if (!b) throw new Error(`unmapped 0x${addr.toString(16)}`);
  return new DataView(b.buffer).getBigUint64(0, true);
}

/**
 * Guest code shared by the run-path tests: fill `keys` (64 quads) from a linear congruential
 * sequence seeded with `seed`, then insertion-sort them (the shape of bench/programs/sort.s); falls
 * through to a `sorted:` label the caller writes.
 */
export function sortKeys(seed: number): string {
  return `  leaq keys(%rip), %rdi
  movl $64, %ecx
  movl $${seed}, %eax
1: imull $1103515245, %eax, %eax
  addl $12345, %eax
  movq %rax, (%rdi)
  addq $8, %rdi
  decl %ecx
  jnz 1b
  leaq keys(%rip), %rsi
  movl $1, %ecx
outer: cmpl $64, %ecx
  jge sorted
  movq (%rsi,%rcx,8), %rax
  movl %ecx, %edx
inner: testl %edx, %edx
  jz place
  movq -8(%rsi,%rdx,8), %rbx
  cmpq %rax, %rbx
  jbe place
  movq %rbx, (%rsi,%rdx,8)
  decl %edx
  jmp inner
place: movq %rax, (%rsi,%rdx,8)
  incl %ecx
  jmp outer
`;
}

/** Run an ELF on the host CPU and kernel (the oracle): its status, signal, stdout and stderr. */
export function runNative(name: string, elf: Uint8Array): SpawnSyncReturns<Buffer> {
  const exe = join(work, `${name}-native.out`);
  writeFileSync(exe, elf);
  chmodSync(exe, 0o755);
  return spawnSync(exe);
}

/** Run to the end, batched (`run` without a callback), instruction by instruction (a callback
 *  that never stops), or in slices of a given budget; then the stop and the CPU's state. */
export function runOutcome(m: RingstepMachine, how: 'batched' | 'stepwise' | number) {
  let stop;
  if (how === 'batched') stop = m.run(1_000_000);
  else if (how === 'stepwise') stop = m.run(1_000_000, () => false);
  else for (;;) if ((stop = m.run(how)).kind !== 'budget') break;
  return { stop, retired: m.cpu.retired, gpr: [...m.cpu.gpr], rip: m.cpu.rip, rflags: m.cpu.rflags, cpl: m.cpu.cpl };
}

/** The user program `body` ends the same way batched and in each slice size as stepwise. */
export function sameInAllModes(name: string, body: string, slices: number[]) {
  const reference = runOutcome(machineFor(name, body), 'stepwise');
  assert.deepEqual(runOutcome(machineFor(name, body), 'batched'), reference);
  for (const slice of slices) assert.deepEqual(runOutcome(machineFor(name, body), slice), reference, `budget ${slice}`);
  return reference;
}

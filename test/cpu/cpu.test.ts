// CPU behaviour the differential vectors cannot show: faults (#DE, #PF, #GP, #SS, #UD, #BP) and
// the rule that a faulting instruction changes nothing, restartable REP string instructions,
// self-modifying code, CPUID/RDTSC/RDRAND, and whole programs run natively and in the emulator.
// Code is assembled with GNU as (installed on the dev machine and in CI).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBareMetal, runBareMetal } from '../../emulator/cpu/baremetal';
import { Vec, F, MSR } from '../../emulator/cpu/state';
import { cpuidLeaf } from '../../emulator/cpu/exec';
import { gnuAsFlat } from './gnu-as';

const work = join(process.cwd(), '.tmp', 'cpu', 'unit');
mkdirSync(work, { recursive: true });
/** Assemble AT&T source with GNU as and return the flat .text bytes. */
const assemble = (src: string): Uint8Array => gnuAsFlat('unit', 't', src);

const BASE = 0x401000n;
const DATA = 0x600000n;

/** Run `src` (which must end in hlt) with a data page at DATA. */
function setup(src: string, regs: Record<number, bigint> = {}, rflags = 0x2) {
  const { cpu, mem } = createBareMetal(assemble(src), BASE, { regs, rflags, seed: 42 });
  mem.map(DATA, 0x1000);
  return { cpu, mem, st: cpu.state };
}

/** Snapshot of everything a faulting instruction must leave alone. */
function snap(st: { gpr: BigUint64Array; rflags: number; rip: bigint }) {
  return { gpr: Array.from(st.gpr), rflags: st.rflags, rip: st.rip };
}

describe('faults leave the state unchanged', () => {
  test('#DE: divide by zero and quotient overflow (div and idiv)', () => {
    const cases: [string, Record<number, bigint>][] = [
      ['div %rbx', { 0: 5n, 2: 0n, 3: 0n }],
      ['divl %ebx', { 0: 0n, 2: 1n, 3: 1n }], // 2^32 / 1 does not fit in 32 bits
      ['idiv %rbx', { 0: 1n << 63n, 2: 0xffffffffffffffffn, 3: 0xffffffffffffffffn }], // -2^63 / -1
      ['idivb %bl', { 0: 0x8000n, 3: 0xffn }], // -32768 / -1
      ['divb %bl', { 0: 0x1234n, 3: 0n }],
    ];
    for (const [insn, regs] of cases) {
      const { cpu, st } = setup(`${insn}\nhlt`, regs, 0x2 | F.CF | F.ZF);
      const before = snap(st);
      const out = cpu.step();
      assert.equal(out.kind, 'fault', insn);
      assert.equal(out.kind === 'fault' && out.fault.vector, Vec.DE, insn);
      assert.deepEqual(snap(st), before, insn);
    }
  });

  test('#PF from a memory operand: registers, flags, RIP unchanged; CR2 is the address', () => {
    for (const insn of ['add %rax, (%rbx)', 'xadd %eax, (%rbx)', 'lock cmpxchg %rcx, (%rbx)', 'xchg %rax, 8(%rbx)', 'popq (%rbx)', 'btsq $3, (%rbx)', 'incl 4(%rbx)']) {
      const { cpu, st } = setup(`${insn}\nhlt`, { 0: 7n, 1: 9n, 3: 0x900000n, 4: 0x7ffff000n }, 0x2 | F.SF);
      const before = snap(st);
      const out = cpu.step();
      assert.equal(out.kind, 'fault', insn);
      if (out.kind !== 'fault') continue;
      assert.equal(out.fault.vector, Vec.PF, insn);
      assert.ok(out.fault.cr2! >= 0x900000n && out.fault.cr2! < 0x900010n, insn);
      assert.deepEqual(snap(st), before, insn);
    }
  });

  test('push/call onto an unmapped stack: RSP unchanged', () => {
    for (const insn of ['push %rax', 'call 1f\n1:', 'pushf', 'enter $16, $2']) {
      const { cpu, st } = setup(`${insn}\nhlt`, { 4: 0x900000n, 5: DATA + 0x100n });
      const before = snap(st);
      const out = cpu.step();
      assert.equal(out.kind === 'fault' && out.fault.vector, Vec.PF, insn);
      assert.deepEqual(snap(st), before, insn);
    }
  });

  test('non-canonical addresses: #GP(0), or #SS(0) through RSP/RBP', () => {
    const nc = 0x0000800000000000n;
    const gp = setup('mov (%rax), %rbx\nhlt', { 0: nc });
    const out = gp.cpu.step();
    assert.equal(out.kind === 'fault' && out.fault.vector, Vec.GP);
    assert.equal(out.kind === 'fault' && out.fault.errorCode, 0);
    const ss = setup('mov 8(%rbp), %rbx\nhlt', { 5: nc });
    const out2 = ss.cpu.step();
    assert.equal(out2.kind === 'fault' && out2.fault.vector, Vec.SS);
    const jmp = setup('jmp *%rax\nhlt', { 0: nc });
    const before = snap(jmp.st);
    const out3 = jmp.cpu.step();
    assert.equal(out3.kind === 'fault' && out3.fault.vector, Vec.GP);
    assert.deepEqual(snap(jmp.st), before);
  });

  test('#UD: ud2, undecodable bytes (with the decoder reason), lock on a register', () => {
    const a = setup('ud2\nhlt');
    const o1 = a.cpu.step();
    assert.equal(o1.kind === 'fault' && o1.fault.vector, Vec.UD);
    // 0x06 (push es) does not exist in 64-bit mode; f0 01 d8 is lock add %ebx,%eax
    for (const bytes of [[0x06], [0xf0, 0x01, 0xd8]]) {
      const r = runBareMetal(new Uint8Array([...bytes, 0xf4]), BASE);
      assert.equal(r.outcome.kind, 'fault');
      if (r.outcome.kind !== 'fault') continue;
      assert.equal(r.outcome.fault.vector, Vec.UD);
      assert.ok(r.outcome.decodeError, 'decode error text');
      assert.equal(r.state.rip, BASE);
    }
  });

  test('#PF on instruction fetch at an unmapped address', () => {
    const { cpu, st } = setup('jmp *%rax\nhlt', { 0: 0x900000n });
    assert.equal(cpu.step().kind, 'ok');
    const out = cpu.step();
    assert.equal(out.kind === 'fault' && out.fault.vector, Vec.PF);
    assert.equal(out.kind === 'fault' && out.fault.errorCode! & 0x10, 0x10);
    assert.equal(st.rip, 0x900000n);
  });

  test('int3 is a trap: RIP after it; hlt halts', () => {
    const { cpu, st } = setup('int3\nhlt');
    const out = cpu.step();
    assert.equal(out.kind === 'fault' && out.fault.vector, Vec.BP);
    assert.equal(st.rip, BASE + 1n);
    assert.equal(cpu.step().kind, 'halted');
    assert.equal(st.halted, true);
  });
});

describe('restartable and self-modifying', () => {
  test('rep movsb faulting mid-way keeps per-iteration progress and resumes', () => {
    // copy 32 bytes from DATA+0xff0 upward: the source runs off the page after 16 bytes
    const { cpu, mem, st } = setup('rep movsb\nhlt', { 1: 32n, 6: DATA + 0xff0n, 7: DATA });
    const bytes = mem.regions.find((r) => r.start === DATA)!.bytes;
    for (let i = 0; i < 16; i++) bytes[0xff0 + i] = 0xa0 + i;
    const out = cpu.step();
    assert.equal(out.kind === 'fault' && out.fault.vector, Vec.PF);
    assert.equal(out.kind === 'fault' && out.fault.cr2, DATA + 0x1000n);
    assert.equal(st.rip, BASE);
    assert.equal(st.gpr[1], 16n);
    assert.equal(st.gpr[6], DATA + 0x1000n);
    assert.equal(st.gpr[7], DATA + 16n);
    assert.deepEqual(Array.from(bytes.subarray(0, 16)), Array.from({ length: 16 }, (_, i) => 0xa0 + i));
    // "page in" the missing source and resume
    const next = mem.map(DATA + 0x1000n, 0x1000);
    next.fill(0x55, 0, 16);
    assert.equal(cpu.step().kind, 'ok');
    assert.equal(st.gpr[1], 0n);
    assert.deepEqual(Array.from(bytes.subarray(16, 32)), new Array(16).fill(0x55));
    assert.equal(cpu.step().kind, 'halted');
  });

  test('a write to already-decoded code takes effect (decode cache invalidation)', () => {
    // the loop body's `mov $1, %eax` is executed, then patched to `mov $2, %eax`, then run again
    const src = `
      xor %ebx, %ebx
    again:
      mov $1, %eax
      add %eax, %ebx
      movb $2, again+1(%rip)
      inc %ecx
      cmp $2, %ecx
      jne again
      hlt`;
    const r = runBareMetal(assemble(src), BASE);
    assert.equal(r.outcome.kind, 'halted');
    assert.equal(r.state.gpr[3], 3n); // 1 + 2
  });
});

describe('identification, time and randomness', () => {
  test('cpuid: vendor string and the advertised features', () => {
    const [max, b, c, d] = cpuidLeaf(0, 0);
    assert.ok(max >= 7n);
    const vendor = [b, d, c].map((v) => String.fromCharCode(...[0, 8, 16, 24].map((s) => Number((v >> BigInt(s)) & 0xffn)))).join('');
    assert.equal(vendor, 'RingstepCPU ');
    const [, b7, , d7] = cpuidLeaf(7, 0);
    assert.ok(b7 & (1n << 7n), 'SMEP');
    assert.ok(b7 & (1n << 20n), 'SMAP');
    assert.ok(b7 & (1n << 9n), 'ERMS');
    assert.ok(d7 & (1n << 4n), 'FSRM');
    const [, , c1] = cpuidLeaf(1, 0);
    assert.ok(c1 & (1n << 30n), 'RDRAND');
    const [, , , d81] = cpuidLeaf(0x80000001, 0);
    for (const bit of [11n, 20n, 27n, 29n]) assert.ok(d81 & (1n << bit), `0x80000001.EDX[${bit}]`);
  });

  test('cpuid instruction fills eax/ebx/ecx/edx; rdtsc counts retired instructions', () => {
    const { cpu, st } = setup('nop\nnop\nrdtsc\nhlt');
    cpu.run(10);
    assert.equal(st.gpr[0], 2n);
    assert.equal(st.gpr[2], 0n);
    const c = setup('mov $0x80000001, %eax\ncpuid\nhlt');
    c.cpu.run(10);
    assert.equal(c.st.gpr[2], cpuidLeaf(0x80000001, 0)[3]);
  });

  test('rdtscp also loads TSC_AUX into ecx', () => {
    const { cpu, st } = setup('rdtscp\nhlt', { 1: 0xffffffffffffn });
    st.msr.set(MSR.TSC_AUX, 3n);
    cpu.run(5);
    assert.equal(st.gpr[1], 3n);
  });

  test('rdrand: deterministic per seed, CF=1', () => {
    const run = (seed: number) => {
      const r = runBareMetal(assemble('rdrand %rax\nrdrand %ebx\nhlt'), BASE, { seed });
      return [r.state.gpr[0], r.state.gpr[3], r.state.rflags & F.CF];
    };
    assert.deepEqual(run(1), run(1));
    assert.notDeepEqual(run(1), run(2));
    assert.equal(run(7)[2], F.CF);
  });
});

describe('whole programs: native vs emulator', () => {
  // Each program leaves its result in %rax. Natively it writes the 8 bytes of %rax to stdout and
  // exits; in the emulator it stops at hlt.
  const programs: Record<string, string> = {
    sieve: `
      .set N, 5000
      lea buf(%rip), %rdi
      mov $N, %ecx
      xor %eax, %eax
      rep stosb
      mov $2, %ebx
    outer:
      mov %rbx, %rax
      imul %rbx, %rax
      cmp $N, %rax
      jae count
      lea buf(%rip), %rdx
      cmpb $0, (%rdx,%rbx)
      jne next
    inner:
      movb $1, (%rdx,%rax)
      add %rbx, %rax
      cmp $N, %rax
      jb inner
    next:
      inc %rbx
      jmp outer
    count:
      xor %eax, %eax
      mov $2, %ebx
      lea buf(%rip), %rdx
    c1:
      cmpb $1, (%rdx,%rbx)
      adc $0, %rax
      inc %rbx
      cmp $N, %rbx
      jb c1`,
    hash: `
      mov $0xcbf29ce484222325, %rax
      mov $0x100000001b3, %rsi
      xor %ecx, %ecx
    h1:
      mov %ecx, %edx
      and $0x7f, %edx
      xor %rdx, %rax
      imul %rsi, %rax
      rol $13, %rax
      mov %rax, %rbx
      shr $7, %rbx
      xor %rbx, %rax
      inc %ecx
      cmp $3000, %ecx
      jne h1`,
    sort: `
      lea buf(%rip), %rdi
      mov $12345, %eax
      xor %ecx, %ecx
    fill:
      imul $1103515245, %eax, %eax
      add $12345, %eax
      mov %eax, (%rdi,%rcx,4)
      inc %ecx
      cmp $200, %ecx
      jne fill
      mov $1, %ecx             # insertion sort of 200 signed ints
    s1:
      mov (%rdi,%rcx,4), %edx
      mov %ecx, %ebx
    s2:
      test %ebx, %ebx
      jz s3
      mov -4(%rdi,%rbx,4), %eax
      cmp %edx, %eax
      jle s3
      mov %eax, (%rdi,%rbx,4)
      dec %ebx
      jmp s2
    s3:
      mov %edx, (%rdi,%rbx,4)
      inc %ecx
      cmp $200, %ecx
      jne s1
      xor %eax, %eax           # checksum: sum of i * a[i]
      xor %ecx, %ecx
    k1:
      movslq (%rdi,%rcx,4), %rdx
      imul %rcx, %rdx
      add %rdx, %rax
      inc %ecx
      cmp $200, %ecx
      jne k1`,
  };

  for (const [name, body] of Object.entries(programs)) {
    test(name, () => {
      const nativeSrc = `.globl _start\n.text\n_start:\n${body}\n  push %rax\n  mov $1, %eax\n  mov $1, %edi\n  mov %rsp, %rsi\n  mov $8, %edx\n  syscall\n  mov $60, %eax\n  xor %edi, %edi\n  syscall\n.bss\nbuf: .skip 8192\n`;
      const base = join(work, `native_${name}_${process.pid}`);
      writeFileSync(base + '.s', nativeSrc);
      execFileSync('as', ['--64', '-o', base + '.o', base + '.s']);
      execFileSync('ld', ['-static', '-o', base, base + '.o']);
      const native = spawnSync(base);
      assert.equal(native.status, 0);
      const want = Buffer.from(native.stdout).readBigUInt64LE(0);

      // emulator: same body ending in hlt, linked with .text at BASE and the buffer at DATA
      writeFileSync(base + '-emu.s', `.globl _start\n.text\n_start:\n${body}\n  hlt\n.bss\nbuf: .skip 8192\n`);
      execFileSync('as', ['--64', '-o', base + '-emu.o', base + '-emu.s']);
      execFileSync('ld', ['-static', `-Ttext=0x${BASE.toString(16)}`, `-Tbss=0x${DATA.toString(16)}`, '-o', base + '-emu', base + '-emu.o']);
      execFileSync('objcopy', ['-O', 'binary', '-j', '.text', base + '-emu', base + '-emu.bin']);
      const code = new Uint8Array(readFileSync(base + '-emu.bin'));
      const { cpu, mem } = createBareMetal(code, BASE, {});
      mem.map(DATA, 0x4000);
      const { outcome, steps } = cpu.run(5_000_000);
      assert.equal(outcome.kind, 'halted', `${name}: ${outcome.kind === 'fault' ? outcome.fault.toString() : outcome.kind} at 0x${cpu.state.rip.toString(16)}`);
      assert.equal(cpu.state.gpr[0], want, `${name} after ${steps} instructions`);
    });
  }
});

// SYSCALL / SYSRETQ / IRETQ / SWAPGS and exception delivery, checked against the reference
// checklist (linux-syscall-path.md §1 and §10) on user programs built with GNU as + ld.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineFor, sym, runTo, u64At } from './helpers';
import { MSR, Vec } from '../../emulator/cpu/state';

test('SYSCALL: RCX, R11 (RF clear), RFLAGS masked, CS/SS, CPL 0, RSP untouched', () => {
  const m = machineFor('sc', `
  pushq $0x10ad7            # CF PF AF ZF SF TF? no: 0x10ad7 = RF|OF|TF|SF|ZF|AF|PF|CF... set below
  popfq
  mov $39, %eax
  .globl at_syscall
at_syscall:
  syscall
  .globl after_syscall
after_syscall:
  mov $60, %eax
  syscall`);
  runTo(m, sym(m, 'at_syscall'));
  const s = m.cpu;
  const flagsBefore = s.rflags;
  const rspBefore = s.gpr[4];
  m.step();
  assert.equal(s.rip, sym(m, 'entry_SYSCALL_64'));
  assert.equal(s.gpr[1], sym(m, 'after_syscall'));
  assert.equal(s.gpr[11], BigInt(flagsBefore & ~(1 << 16)));
  assert.equal(s.rflags, (flagsBefore & ~0x257fd5) | 2);
  assert.equal(s.seg[1].sel, 0x10);
  assert.equal(s.seg[2].sel, 0x18);
  assert.equal(s.cpl, 0);
  assert.equal(s.gpr[4], rspBefore);
});

test('SWAPGS swaps GS.base and KERNEL_GS_BASE', () => {
  const m = machineFor('swapgs', `
  mov $39, %eax
  syscall
  mov $60, %eax
  syscall`);
  runTo(m, sym(m, 'entry_SYSCALL_64'));
  const s = m.cpu;
  assert.equal(s.seg[5].base, 0n);
  assert.equal(s.msr.get(MSR.KERNEL_GS_BASE), sym(m, 'percpu'));
  m.step();
  assert.equal(s.seg[5].base, sym(m, 'percpu'));
  assert.equal(s.msr.get(MSR.KERNEL_GS_BASE), 0n);
});

test('SYSRETQ: RIP = RCX, RFLAGS = (R11 & 0x3C7FD7) | 2, CS 0x33, SS 0x2B, CPL 3; getpid returns 1000', () => {
  const m = machineFor('sysret', `
  mov $39, %eax
  syscall
  .globl back
back:
  mov $60, %eax
  syscall`);
  runTo(m, sym(m, 'entry_sysretq'));
  const s = m.cpu;
  s.gpr[11] = 0xffffffffn; // every flag bit: reserved ones, RF and VM must not come back
  m.step();
  assert.equal(s.rip, sym(m, 'back'));
  assert.equal(s.rflags, (0xffffffff & 0x3c7fd7) | 2);
  assert.equal(s.seg[1].sel, 0x33);
  assert.equal(s.seg[2].sel, 0x2b);
  assert.equal(s.cpl, 3);
  assert.equal(s.gpr[0], 1000n);
});

const BAD_SYSRET = `
  mov $500, %eax
  mov $0x800000000000, %rdi
  syscall`;

test('SYSRETQ with a non-canonical RCX raises #GP(0) while still at CPL 0 (Intel)', () => {
  const m = machineFor('badsysret', BAD_SYSRET, { mitigations: { smap: false } });
  runTo(m, sym(m, 'entry_sysretq'));
  const userRsp = m.cpu.gpr[4];
  assert.equal(m.cpu.gpr[1], 0x800000000000n);
  const r = m.run(100);
  assert.equal(r.kind, 'halted');
  const s = m.cpu;
  assert.equal(s.cpl, 0);
  // the handler frame: vector, error code, RIP = the sysretq, CS = kernel CS (no ring change)
  const f = s.gpr[4];
  assert.equal(u64At(m, f), BigInt(Vec.GP));
  assert.equal(u64At(m, f + 8n), 0n);
  assert.equal(u64At(m, f + 16n), sym(m, 'entry_sysretq'));
  assert.equal(u64At(m, f + 24n), 0x10n);
  // no privilege change: the fault ran on the user RSP the kernel had just restored
  assert.equal(u64At(m, f + 40n), userRsp);
});

test('... and with SMAP on, pushing that #GP frame onto the user stack faults again: #DF', () => {
  const m = machineFor('badsysret2', BAD_SYSRET);
  assert.equal(m.run(1000).kind, 'halted');
  assert.equal(u64At(m, m.cpu.gpr[4]), BigInt(Vec.DF));
});

test('IRETQ at CPL 3: IF and IOPL are not changed, other flags are', () => {
  const m = machineFor('iret', `
  mov %rsp, %rbx
  pushq $0x2b
  pushq %rbx
  pushq $(0x3000 | 0x800 | 0x1)     # IOPL 3, OF, CF, IF clear
  pushq $0x33
  lea 1f(%rip), %rax
  pushq %rax
  iretq
1:
  .globl after_iret
after_iret:
  mov $60, %eax
  syscall`);
  runTo(m, sym(m, 'after_iret'));
  const s = m.cpu;
  assert.equal(s.rflags & 0x3000, 0, 'IOPL kept at 0');
  assert.equal(s.rflags & 0x200, 0x200, 'IF kept (CPL 3 > IOPL 0)');
  assert.equal(s.rflags & 0x801, 0x801, 'OF and CF restored');
  assert.equal(s.cpl, 3);
});

test('IRETQ to CPL 3 from the kernel: CS/SS/RSP/RIP from the frame, ring event', () => {
  const m = machineFor('first', `
  mov $60, %eax
  syscall`);
  const rings: string[] = [];
  m.on((e) => {
    if (e.kind === 'ring') rings.push(`${e.how} ${e.from}->${e.to}`);
  });
  runTo(m, sym(m, 'first_iret'));
  m.step();
  const s = m.cpu;
  assert.equal(s.rip, m.userImage.entry);
  assert.equal(s.seg[1].sel, 0x33);
  assert.equal(s.seg[2].sel, 0x2b);
  assert.equal(s.gpr[4], u64At(m, 0xffff888000007010n));
  m.run(1000);
  assert.deepEqual(rings, ['iret 0->3', 'syscall 3->0']);
});

function faultFrame(name: string, body: string) {
  const m = machineFor(name, body);
  const r = m.run(10000);
  assert.equal(r.kind, 'halted', JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v)));
  const f = m.cpu.gpr[4];
  return {
    m,
    vector: Number(u64At(m, f)),
    error: Number(u64At(m, f + 8n)),
    rip: u64At(m, f + 16n),
    cs: u64At(m, f + 24n),
    rflags: u64At(m, f + 32n),
    rsp: u64At(m, f + 40n),
    ss: u64At(m, f + 48n),
  };
}

test('#UD from ring 3: stack switch to TSS.rsp0, frame SS RSP RFLAGS CS RIP, IF cleared', () => {
  const f = faultFrame('ud', `
  mov $0x1234560, %rsp
  mov %rsp, %rsp
  .globl bad
bad:
  ud2`);
  assert.equal(f.vector, Vec.UD);
  assert.equal(f.rip, sym(f.m, 'bad'));
  assert.equal(f.cs, 0x33n);
  assert.equal(f.ss, 0x2bn);
  assert.equal(f.rsp, 0x1234560n);
  assert.equal(f.rflags & 0x200n, 0x200n);
  // the frame's top is TSS.rsp0 (the 16 bytes our stub pushed + 40 of hardware frame)
  assert.equal(f.m.cpu.gpr[4] + 16n + 40n, sym(f.m, 'kstack_top'));
  assert.equal(f.m.cpu.rflags & 0x200, 0);
  assert.equal(f.m.cpu.seg[2].sel, 0, 'SS is NULL after a privilege change');
});

test('#PF from ring 3 reading a kernel page: error code P|U = 5, CR2', () => {
  const f = faultFrame('pfk', `
  mov $0xffffffff81000000, %rax
  .globl bad
bad:
  mov (%rax), %rbx`);
  assert.equal(f.vector, Vec.PF);
  assert.equal(f.error, 0x5);
  assert.equal(f.m.cpu.cr2, 0xffffffff81000000n);
  assert.equal(f.rip, sym(f.m, 'bad'));
});

test('#PF from ring 3 writing its own text: P|W|U = 7; unmapped read: U = 4; NX fetch: P|U|I = 0x15', () => {
  const w = faultFrame('pfw', `
  lea _start(%rip), %rax
  movb $0, (%rax)`);
  assert.equal(w.error, 0x7);
  const u = faultFrame('pfu', `
  mov $0x10000000, %rax
  mov (%rax), %rbx`);
  assert.equal(u.error, 0x4);
  assert.equal(u.m.cpu.cr2, 0x10000000n);
  const x = faultFrame('pfx', `
  jmp *%rsp`);
  assert.equal(x.error, 0x15);
  assert.equal(x.rip, x.m.cpu.cr2);
});

test('INT3 from ring 3 goes through its DPL-3 gate with RIP after the instruction', () => {
  const f = faultFrame('int3', `
  int3
  .globl after
after:
  nop`);
  assert.equal(f.vector, Vec.BP);
  assert.equal(f.rip, sym(f.m, 'after'));
});

test('INT $4 from ring 3 through a DPL-0 gate is #GP(4*8+2)', () => {
  const f = faultFrame('int4', `
  .globl bad
bad:
  int $4`);
  assert.equal(f.vector, Vec.GP);
  assert.equal(f.error, 4 * 8 + 2);
  assert.equal(f.rip, sym(f.m, 'bad'));
});

test('privileged instructions from ring 3 are #GP(0); STAC is #UD', () => {
  for (const [insn, vec] of [['hlt', Vec.GP], ['mov %cr3, %rax', Vec.GP], ['wrmsr', Vec.GP], ['swapgs', Vec.GP], ['stac', Vec.UD], ['cli', Vec.GP], ['out %al, $0x80', Vec.GP]] as const) {
    const f = faultFrame('priv', `  ${insn}`);
    assert.equal(f.vector, vec, insn);
  }
});

test('a fault while delivering a fault becomes #DF on its IST stack; a fault in #DF delivery shuts down', () => {
  // Break the TSS's rsp0 so the #UD delivery's stack is unmapped -> #PF during delivery -> #DF.
  const m = machineFor('df', `  ud2`);
  runTo(m, sym(m, 'first_iret'));
  const tss = sym(m, 'tss');
  const bad = new Uint8Array(8);
  new DataView(bad.buffer).setBigUint64(0, 0xffffc90000000000n, true);
  assert.ok(m.writeVirtual(tss + 4n, bad));
  assert.equal(m.run(1000).kind, 'halted');
  assert.equal(u64At(m, m.cpu.gpr[4]), BigInt(Vec.DF));
  // Now break IST1 too: the #DF delivery faults -> triple fault, the machine stops cleanly.
  const m2 = machineFor('tf', `  ud2`);
  runTo(m2, sym(m2, 'first_iret'));
  assert.ok(m2.writeVirtual(tss + 4n, bad));
  assert.ok(m2.writeVirtual(tss + 0x24n, bad));
  const r = m2.run(1000);
  assert.equal(r.kind, 'fault');
  assert.match((r as { explanation: string }).explanation, /triple fault/);
});

test('ptRegsAddress() is cpu_current_top_of_stack - 168, where entry built pt_regs', () => {
  const m = machineFor('ptregs', `
  mov $39, %eax
  mov $0x1111, %edi
  mov $0x2222, %esi
  mov $0x3333, %edx
  mov $0x4444, %r10d
  mov $0x5555, %r8d
  mov $0x6666, %r9d
  syscall
  mov $60, %eax
  syscall`);
  runTo(m, sym(m, 'entry_after_pt_regs'));
  assert.equal(m.ptRegsAddress(), m.cpu.gpr[4]);
  const p = m.ptRegsAddress();
  const f = (off: number) => u64At(m, p + BigInt(off));
  assert.deepEqual([f(112), f(104), f(96), f(56), f(72), f(64)], [0x1111n, 0x2222n, 0x3333n, 0x4444n, 0x5555n, 0x6666n]);
  assert.equal(f(120), 39n);
  assert.equal(f(80), BigInt.asUintN(64, -38n));
  assert.equal(f(136), 0x33n);
  assert.equal(f(160), 0x2bn);
});

// Faults: user faults become signals (through part B's force_sig_fault); a kernel fault without
// a fixup is an oops in Linux's shape and stops the machine cleanly; SMAP makes a user access
// outside STAC/CLAC an oops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootWith, buildKernelFrom, patchedKernelSources, runProgram } from './harness';

test('user #PF on a kernel address -> SIGSEGV/SEGV_MAPERR; #UD -> SIGILL', () => {
  const r = runProgram('.globl _start\n_start: movq $0xffffffff81000000, %rax\n movq (%rax), %rbx\n', { strace: true });
  assert.equal(r.stop.kind, 'exited');
  assert.equal((r.stop as { signal?: string }).signal, 'SIGSEGV');
  assert.ok(r.strace.some((l) => l.includes('SEGV_MAPERR') && l.includes('si_addr=0xffffffff81000000')), r.strace.join('\n'));
  const u = runProgram('.globl _start\n_start: ud2\n', { strace: true });
  assert.equal((u.stop as { signal?: string }).signal, 'SIGILL');
});

function buggyKernel(body: string) {
  const files = patchedKernelSources().map((f) =>
    f.name === 'arch/x86/entry/syscall_64.S'
      ? { name: f.name, text: f.text.replace('\tmovq\t$-ENOSYS, %rax\n\tret\nSYM_FUNC_END __x64_sys_ni_syscall', body + '\n\tret\nSYM_FUNC_END __x64_sys_ni_syscall') }
      : f,
  );
  return buildKernelFrom(files);
}

function runOn(image: ReturnType<typeof buildKernelFrom>, src: string) {
  const m = bootWith({ program: { kind: 'sources', files: [{ name: 'p.s', text: src }] } }, image);
  let stop = m.run(1_000_000);
  if (stop.kind === 'budget') stop = m.run(1_000_000);
  return stop;
}

test('a kernel NULL dereference is an oops with registers and a call trace', () => {
  const stop = runOn(buggyKernel('\tmovq\t0x10, %rax'), '.globl _start\n_start: movl $1000, %eax\n syscall\n');
  assert.equal(stop.kind, 'oops');
  const text = (stop as { text: string }).text;
  assert.match(text, /BUG: kernel NULL pointer dereference, address: 0000000000000010/);
  assert.match(text, /#PF: supervisor read access in kernel mode/);
  assert.match(text, /#PF: error_code\(0x0000\) - not-present page/);
  assert.match(text, /Oops: 0000 \[#1\] SMP PTI/);
  assert.match(text, /RIP: 0010:0x/);
  assert.match(text, /RAX: [0-9a-f]{16} RBX: [0-9a-f]{16} RCX: [0-9a-f]{16}/);
  assert.match(text, /CR2: 0000000000000010/);
  assert.match(text, /Call Trace:\n <TASK>\n( \? 0x[0-9a-f]{16}.*\n)+ <\/TASK>/);
  // decoded like scripts/decode_stacktrace.sh: symbol+offset/size and the source line
  assert.match(text, /^RIP: 0010:0x[0-9a-f]{16} \S+\+0x[0-9a-f]+\/0x[0-9a-f]+ \(\S+\.S:\d+\)$/m);
  assert.match(text, /^ \? 0x[0-9a-f]{16} do_syscall_64\+0x[0-9a-f]+\/0x[0-9a-f]+ \(arch\/x86\/entry\/common\.S:\d+\)$/m);
  assert.match(text, /^ \? 0x[0-9a-f]{16} entry_SYSCALL_64\+0x[0-9a-f]+\/0x[0-9a-f]+ \(arch\/x86\/entry\/entry_64\.S:\d+\)$/m);
});

test('SMAP: reading user memory without STAC is an oops, even at a user address that is mapped', () => {
  // the buggy handler reads the user's stack through pt_regs->sp (rdi = regs)
  const image = buggyKernel('\tmovq\t152(%rdi), %rax\n\tmovq\t(%rax), %rax');
  const stop = runOn(image, '.globl _start\n_start: movl $1000, %eax\n syscall\n');
  assert.equal(stop.kind, 'oops');
  assert.match((stop as { text: string }).text, /BUG: unable to handle page fault for address: 00007fff/);
  assert.match((stop as { text: string }).text, /error_code\(0x0001\) - permissions violation/);
});

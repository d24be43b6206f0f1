// The guest kernel booted on the machine, driven by small user programs: boot state, the
// article's cat-hostname strace, errno paths, pt_regs at the call to do_syscall_64, SYSRET/IRET.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bootWith, buildKernel, runProgram } from './harness';

const errnoExit = (body: string) => `
	.text
	.globl _start
_start:
${body}
	negq	%rax			# exit status = errno (or 256 - result for successes)
	movl	%eax, %edi
	movl	$231, %eax
	syscall
	.data
path_hostname:	.asciz "/etc/hostname"
path_missing:	.asciz "/no/such/file"
path_etc:	.asciz "/etc"
path_zero:	.asciz "/dev/zero"
path_new:	.asciz "/tmp/new"
	.bss
buf:	.skip 8192
`;

const status = (src: string, opts = {}) => {
  const r = runProgram(errnoExit(src), opts);
  assert.equal(r.stop.kind, 'exited', JSON.stringify(r.stop, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v)));
  return (r.stop as { status: number }).status; // the exit code, as a shell reports it
};

describe('guest kernel', () => {
  test('builds with our assembler', () => {
    const k = buildKernel();
    assert.deepEqual(k.errors, []);
    assert.ok(k.image);
  });

  test('boot: MSRs, EFER.SCE, CR4, GS bases as Linux sets them', () => {
    const m = bootWith({ program: { kind: 'sources', files: [{ name: 'p.s', text: '.globl _start\n_start: nop\n' }] } });
    const entry = m.userImage.entry;
    const stop = m.run(200000, (rip) => rip === entry);
    assert.equal(stop.kind, 'breakpoint');
    const msr = m.cpu.msr;
    assert.equal(msr.get(0xc0000081), 0x0023001000000000n); // STAR
    assert.equal(msr.get(0xc0000082), m.symbolByName('entry_SYSCALL_64')!.address); // LSTAR
    assert.equal(msr.get(0xc0000083), m.symbolByName('entry_SYSCALL32_ignore')!.address); // CSTAR
    assert.equal(msr.get(0xc0000084), 0x257fd5n); // FMASK
    assert.ok((m.cpu.efer & 1n) === 1n, 'EFER.SCE');
    assert.ok((m.cpu.cr4 & (3n << 20n)) === 3n << 20n, 'SMEP and SMAP');
    assert.equal(m.cpu.cpl, 3);
    assert.equal(msr.get(0xc0000102), m.symbolByName('__per_cpu_start')!.address); // KERNEL_GS_BASE while in user mode
  });

  test('cat-hostname prints the article\'s five strace lines', () => {
    const src = readFileSync('samples/cat-hostname/cat.s', 'utf8');
    const r = runProgram(src, { strace: true });
    assert.equal(r.stdout, 'myhost\n');
    assert.deepEqual(r.stop, { kind: 'exited', status: 0 });
    const lines = r.strace.map((l) => l.replace(/\s+=/, ' ='));
    assert.deepEqual(lines.slice(0, 5), [
      'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3',
      'read(3, "myhost\\n", 262144) = 7',
      'write(1, "myhost\\n", 7) = 7',
      'read(3, "", 262144) = 0',
      'close(3) = 0',
    ]);
  });

  test('ENOSYS for 1000 and for -1; only EAX counts (0x1_0000_0027 is getpid)', () => {
    assert.equal(status('movl $1000, %eax\n syscall'), 38);
    assert.equal(status('movq $-1, %rax\n syscall'), 38);
    assert.equal(status('movq $0x40000027, %rax\n syscall'), 38); // x32 bit: not built
    const pid = status('movq $0x100000027, %rax\n syscall\n negq %rax');
    assert.equal(pid, 1000 & 0xff);
  });

  test('file errors: EBADF, ENOENT, EFAULT, EISDIR, EACCES, ESPIPE', () => {
    assert.equal(status('xorl %eax, %eax\n movl $99, %edi\n leaq buf(%rip), %rsi\n movl $8, %edx\n syscall'), 9);
    assert.equal(status('movl $3, %eax\n movl $7, %edi\n syscall'), 9); // close(7)
    assert.equal(status('movl $257, %eax\n movq $-100, %rdi\n leaq path_missing(%rip), %rsi\n xorl %edx, %edx\n syscall'), 2);
    assert.equal(status('movl $257, %eax\n movq $-100, %rdi\n movq $1, %rsi\n xorl %edx, %edx\n syscall'), 14);
    // read into a kernel address: access_ok refuses before any copy
    assert.equal(status('xorl %eax, %eax\n movl $0, %edi\n syscall\n' +
      'movl $257, %eax\n movq $-100, %rdi\n leaq path_hostname(%rip), %rsi\n xorl %edx, %edx\n syscall\n' +
      'movl %eax, %edi\n xorl %eax, %eax\n movq $0xffffffff81000000, %rsi\n movl $8, %edx\n syscall'), 14);
    // read into an unmapped user page: the copy faults, the __ex_table fixup gives -EFAULT
    assert.equal(status('movl $257, %eax\n movq $-100, %rdi\n leaq path_hostname(%rip), %rsi\n xorl %edx, %edx\n syscall\n' +
      'movl %eax, %edi\n xorl %eax, %eax\n movq $0x10000000, %rsi\n movl $8, %edx\n syscall'), 14);
    // read on a directory
    assert.equal(status('movl $257, %eax\n movq $-100, %rdi\n leaq path_etc(%rip), %rsi\n xorl %edx, %edx\n syscall\n' +
      'movl %eax, %edi\n xorl %eax, %eax\n leaq buf(%rip), %rsi\n movl $8, %edx\n syscall'), 21);
    // write-open a root-owned file
    assert.equal(status('movl $257, %eax\n movq $-100, %rdi\n leaq path_hostname(%rip), %rsi\n movl $1, %edx\n syscall'), 13);
    // lseek on the console
    assert.equal(status('movl $8, %eax\n movl $1, %edi\n xorl %esi, %esi\n xorl %edx, %edx\n syscall'), 29);
  });

  test('/dev/zero: a buffer running into an unmapped page gives the short count', () => {
    // 16 bytes before the first unmapped page after the program's .bss, ask for 64
    const n = status('movl $257, %eax\n movq $-100, %rdi\n leaq path_zero(%rip), %rsi\n xorl %edx, %edx\n syscall\n' +
      'movl %eax, %edi\n xorl %eax, %eax\n leaq buf+8192(%rip), %rsi\n addq $4095, %rsi\n andq $-4096, %rsi\n subq $16, %rsi\n' +
      'movl $64, %edx\n syscall\n negq %rax');
    assert.equal(n, 16); // Linux 6.18 gives 16 here too (reference section 6.3)
    // and a range that passes TASK_SIZE_MAX is refused by access_ok before any copy: -EFAULT
    const e = status('movl $257, %eax\n movq $-100, %rdi\n leaq path_zero(%rip), %rsi\n xorl %edx, %edx\n syscall\n' +
      'movl %eax, %edi\n xorl %eax, %eax\n movq $0x7fffffffeff0, %rsi\n movl $64, %edx\n syscall');
    assert.equal(e, 14);
  });

  test('O_CREAT makes a file in kernel memory: write, lseek, read back', () => {
    const n = status(
      'movl $257, %eax\n movq $-100, %rdi\n leaq path_new(%rip), %rsi\n movl $0x42, %edx\n movl $0644, %r10d\n syscall\n movl %eax, %ebx\n' +
      'movl $1, %eax\n movl %ebx, %edi\n leaq path_hostname(%rip), %rsi\n movl $5, %edx\n syscall\n' +
      'movl $8, %eax\n movl %ebx, %edi\n xorl %esi, %esi\n xorl %edx, %edx\n syscall\n' +
      'xorl %eax, %eax\n movl %ebx, %edi\n leaq buf(%rip), %rsi\n movl $100, %edx\n syscall\n negq %rax');
    assert.equal(n, 5);
  });

  test('pt_regs at the call to do_syscall_64 has the reference layout', () => {
    const src = `.globl _start
_start:
	movq $0x1111, %rdi
	movq $0x2222, %rsi
	movq $0x3333, %rdx
	movq $0x4444, %r10
	movq $0x5555, %r8
	movq $0x6666, %r9
	movq $0x0abc, %rbx
	movq $0x0bbb, %rbp
	movq $0x0c12, %r12
	movq $0x0c13, %r13
	movq $0x0c14, %r14
	movq $0x0c15, %r15
	movl $39, %eax
after:	syscall
	movl $231, %eax
	xorl %edi, %edi
	syscall
`;
    const m = bootWith({ program: { kind: 'sources', files: [{ name: 'p.s', text: src }] } });
    const target = m.symbolByName('do_syscall_64')!.address;
    const stop = m.run(500000, (rip) => rip === target);
    assert.equal(stop.kind, 'breakpoint');
    const top = m.readVirtual(m.symbolByName('cpu_current_top_of_stack')!.address, 8);
    const topAddr = top.reduce<bigint>((a, b, i) => a | (BigInt(b!) << BigInt(8 * i)), 0n);
    const regs = m.readVirtual(topAddr - 168n, 168);
    const q = (off: number) => regs.slice(off, off + 8).reduce<bigint>((a, b, i) => a | (BigInt(b!) << BigInt(8 * i)), 0n);
    const after = m.userImage.symbols.find((s) => s.name === 'after')!.address + 2n;
    assert.equal(q(0), 0xc15n); // r15
    assert.equal(q(8), 0xc14n);
    assert.equal(q(16), 0xc13n);
    assert.equal(q(24), 0xc12n);
    assert.equal(q(32), 0xbbbn); // bp
    assert.equal(q(40), 0xabcn); // bx
    assert.equal(q(56), 0x4444n); // r10
    assert.equal(q(64), 0x6666n); // r9
    assert.equal(q(72), 0x5555n); // r8
    assert.equal(q(80), (1n << 64n) - 38n); // ax = -ENOSYS
    assert.equal(q(88), after); // cx = return RIP
    assert.equal(q(96), 0x3333n); // dx
    assert.equal(q(104), 0x2222n); // si
    assert.equal(q(112), 0x1111n); // di
    assert.equal(q(120), 39n); // orig_ax
    assert.equal(q(128), after); // ip
    assert.equal(q(136), 0x33n); // cs
    assert.equal(q(144), q(48)); // flags == r11
    assert.equal(q(160), 0x2bn); // ss
    assert.equal(m.cpu.gpr[7], topAddr - 168n); // rdi = regs
    assert.equal(m.cpu.gpr[6], 39n); // rsi = nr
  });

  test('SYSRET for a plain call, IRET for the first entry', () => {
    const r = runProgram(errnoExit('movl $39, %eax\n syscall\n movl $39, %eax\n syscall'));
    const how = r.events.filter((e) => e.kind === 'ring' && e.to === 3).map((e) => (e as { how: string }).how);
    assert.equal(how[0], 'iret'); // start_thread -> ret_from_fork path
    assert.deepEqual(how.slice(1, 3), ['sysret', 'sysret']);
  });
});

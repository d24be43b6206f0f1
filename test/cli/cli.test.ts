// The `ringstep` command's other faces: disasm (against objdump), run --bare, run --trace-ring,
// run --max-instructions, and the mitigation switches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '../..');
const work = join(root, '.tmp', 'cli');
const ringstep = join(root, 'bin', 'ringstep.js');
mkdirSync(work, { recursive: true });

function run(args: string[], cmd = process.execPath) {
  const r = spawnSync(cmd, cmd === process.execPath ? [ringstep, ...args] : args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}
const haveObjdump = spawnSync('objdump', ['--version']).status === 0;

test('disasm of an ELF we built prints what objdump -d -M att prints', { skip: !haveObjdump && 'objdump not installed' }, () => {
  const exe = join(work, 'cat');
  assert.equal(run(['build', 'samples/cat-hostname/cat.s', '-o', exe]).status, 0);
  const ours = run(['disasm', exe]);
  assert.equal(ours.status, 0, ours.stderr);
  const theirs = run(['-d', '-M', 'att', exe], 'objdump');
  assert.equal(ours.stdout, theirs.stdout);
});

test('disasm --raw --base of flat bytes', { skip: !haveObjdump && 'objdump not installed' }, () => {
  const bin = join(work, 'flat.bin');
  // mov $0x3c,%eax; xor %edi,%edi; syscall; lea 0x10(%rip),%rsi
  writeFileSync(bin, Buffer.from('b83c00000031ff0f05488d3510000000', 'hex'));
  const ours = run(['disasm', '--raw', bin, '--base', '0x401000']);
  assert.equal(ours.status, 0, ours.stderr);
  const theirs = run(['-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'att', '--adjust-vma=0x401000', bin], 'objdump');
  const body = (s: string) => s.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l));
  assert.deepEqual(body(ours.stdout), body(theirs.stdout));
});

test('run --bare runs ring-0 code until hlt and dumps registers', () => {
  const src = join(work, 'bare.s');
  writeFileSync(src, '.text\n.globl _start\n_start: movl $5, %ecx\n1: addq %rcx, %rax\n loop 1b\n hlt\n');
  const r = run(['run', src, '--bare']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^rax\s+0x000000000000000f\s+15$/m); // 5+4+3+2+1
  assert.match(r.stdout, /stopped after 12 instructions: hlt/);
});

test('run --trace-ring shows each crossing and the ring-0 cost of each syscall', () => {
  const on = run(['run', 'samples/hello', '--trace-ring']);
  assert.equal(on.status, 0, on.stderr);
  assert.equal(on.stdout, 'Hello from ring 3!\n');
  assert.match(on.stderr, /^\[ring\] IRET: ring 0 -> ring 3 at _start$/m); // the first entry to user mode
  assert.match(on.stderr, /^\[ring\] SYSCALL write: ring 3 -> ring 0 at entry_SYSCALL_64 \(user rip 0x[0-9a-f]+\)$/m);
  const spentOn = Number(/write spent (\d+) instructions in ring 0/.exec(on.stderr)?.[1]);
  const off = run(['run', 'samples/hello', '--trace-ring', '--mitigations=off']);
  const spentOff = Number(/write spent (\d+) instructions in ring 0/.exec(off.stderr)?.[1]);
  assert.ok(spentOn > 0 && spentOff > 0);
  // every mitigation is real instructions in the stepped path, so switching them off costs less
  assert.ok(spentOff < spentOn, `mitigations off (${spentOff}) should run fewer ring-0 instructions than on (${spentOn})`);
});

test('run --max-instructions stops a runaway guest cleanly', () => {
  const src = join(work, 'spin.s');
  writeFileSync(src, '.text\n.globl _start\n_start: jmp _start\n');
  const r = run(['run', src, '--max-instructions', '100000']);
  assert.equal(r.status, 124);
  assert.match(r.stderr, /instruction/i);
});

test('run: an assembler error is reported with file, line and column', () => {
  const src = join(work, 'broken.s');
  writeFileSync(src, '.text\n.globl _start\n_start:\n  movq %rax, %rbx, %rcx\n  frobnicate %rax\n');
  const r = run(['run', src]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /broken\.s:4:\d+: error: /);
  assert.match(r.stderr, /broken\.s:5:\d+: error: /);
});

test('run --trace=LIST shows only those calls, as strace -e trace=LIST (the article\'s command)', () => {
  const r = run(['run', 'samples/cat-hostname', '--trace=openat,read,write,close']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'myhost\n');
  assert.deepEqual(r.stderr.trimEnd().split('\n'), [
    'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3',
    'read(3, "myhost\\n", 262144)             = 7',
    'write(1, "myhost\\n", 7)                 = 7',
    'read(3, "", 262144)                     = 0',
    'close(3)                                = 0',
    '+++ exited with 0 +++',
  ]);
});

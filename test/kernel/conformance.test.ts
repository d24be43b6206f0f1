// The guest kernel against the best oracle we have: the host's own Linux kernel. Each program in
// test/programs/syscalls/ is built with `ringstep build`, run natively (as an unprivileged user
// when we are root, so permission checks such as EACCES behave as for the guest's uid 1000) and in
// the emulator. Stdout, exit status and strace lines must match, after masking only what must
// differ: ids (pid, tid, uid...), clock readings, random bytes, addresses the host chooses.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, chmodSync, existsSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import { createMachine } from '../../emulator/machine/machine';
import type { StopReason } from '../../emulator/machine/api';
import type { LinkedImage } from '../../emulator/asm/types';

const root = resolve(__dirname, '../..');
const ringstep = join(root, 'bin', 'ringstep.js');
// world-writable, so that the unprivileged native run can read the program and write its trace
// (fs.s creates /tmp/ringstep-conformance/created.txt: the path is fixed in the program)
const work = '/tmp/ringstep-conformance';

type Mask = [RegExp, string];

interface Program {
  name: string;
  /** exit status a shell reports natively (128 + signal number when killed) */
  status: number;
  /** applied to strace lines (both sides) */
  masks?: Mask[];
  /** applied to stdout (both sides) */
  stdoutMasks?: Mask[];
  /** run natively as root even when we could drop privileges */
  asRoot?: boolean;
}

/** ids differ: the host's pid/uid against the guest's 1000 */
const ID_MASK: Mask = [/^(getpid|gettid|getppid|getuid|geteuid|getgid|getegid)\(\) = \d+$/, '$1() = ID'];
/** the heap start is the host's (randomised) choice; the program checks the arithmetic */
const BRK_MASK: Mask = [/^brk\((NULL|0x[0-9a-f]+)\) = 0x[0-9a-f]+$/, 'brk(ADDR) = ADDR'];
const MMAP_NULL_MASK: Mask = [/^(mmap\(NULL, .*) = 0x[0-9a-f]+$/, '$1 = ADDR'];
const CLOCK_MASK: Mask = [/\{tv_sec=\d+, tv_nsec=\d+\}/, '{tv_sec=S, tv_nsec=NS}'];
const RANDOM_MASK: Mask = [/^getrandom\("[^"]*"/, 'getrandom(BYTES'];
/** the host kernel's name and version are not ours; sysname and machine are compared */
const UNAME_MASK: Mask = [/nodename="[^"]*"/, 'nodename=N'];

const programs: Program[] = [
  { name: 'fs', status: 0 },
  { name: 'ids', status: 0x34, masks: [ID_MASK, UNAME_MASK] },
  { name: 'mm', status: 0, masks: [BRK_MASK, MMAP_NULL_MASK] },
  { name: 'mm-unmapped', status: 139 },
  { name: 'mm-readonly', status: 139 },
  { name: 'misc', status: 0, masks: [CLOCK_MASK, RANDOM_MASK] },
  { name: 'signals', status: 0, masks: [ID_MASK] },
  { name: 'signals2', status: 137, masks: [ID_MASK] },
  { name: 'sig-default-term', status: 143, masks: [ID_MASK] },
  { name: 'sig-default-usr1', status: 138, masks: [ID_MASK] },
  { name: 'seccomp-eacces', status: 0 },
  { name: 'seccomp-strict', status: 137 },
  { name: 'seccomp-filter', status: 0, masks: [ID_MASK] },
  { name: 'seccomp-kill-thread', status: 159 },
  { name: 'seccomp-kill-process', status: 159 },
  { name: 'sig-fault-context', status: 0 },
];

const isRoot = process.getuid?.() === 0;
const haveSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const haveStrace = spawnSync('strace', ['-V']).status === 0;
const dropPrivileges = isRoot && haveSetpriv;

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const status = r.status ?? (r.signal ? 128 + (constants.signals[r.signal] as number) : -1);
  return { stdout: r.stdout, stderr: r.stderr, status };
}

/** Run natively, as nobody when we are root (the guest runs as uid 1000, not as root). */
function native(cmd: string, args: string[], p: Program) {
  if (dropPrivileges && !p.asRoot) return run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', cmd, ...args]);
  return run(cmd, args);
}

let kernelImage: LinkedImage | undefined;

/**
 * Runs the ELF in the emulator the way `ringstep run --strace` does (same createMachine, same
 * options), in this process: the kernel is assembled once and its image reused, which keeps
 * the file fast.
 */
function emulated(exe: string) {
  const hostname = new Uint8Array(readFileSync('/etc/hostname'));
  const machine = createMachine({
    program: { kind: 'elf', name: exe, bytes: new Uint8Array(readFileSync(exe)) },
    files: { '/etc/hostname': hostname },
    strace: true,
    kernelImage,
  });
  kernelImage ??= machine.kernelImage;
  const dec = new TextDecoder();
  let stdout = '';
  const strace: string[] = [];
  machine.on((e) => {
    if (e.kind === 'stdout' && e.fd === 1) stdout += dec.decode(e.bytes);
    if (e.kind === 'strace') strace.push(e.line);
  });
  let stop: StopReason = machine.run(200_000);
  for (let slices = 0; stop.kind === 'budget' && slices < 100; slices++) stop = machine.run(200_000);
  assert.equal(stop.kind, 'exited', `the guest stopped: ${JSON.stringify(stop, (_k, v) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
  const exited = stop as Extract<StopReason, { kind: 'exited' }>;
  const status = exited.signal ? 128 + (constants.signals[exited.signal as keyof typeof constants.signals] as number) : exited.status;
  return { stdout, status, strace: strace.join('\n') };
}

function applyMasks(text: string, masks: Mask[]): string {
  return masks.reduce((s, [re, by]) => s.replace(re, by), text);
}

/**
 * strace lines without the execve line (the emulator has no execve), with the column padding
 * before " = " normalised and the program's masks applied.
 */
export function straceLines(text: string, masks: Mask[]): string[] {
  const lines = text.split('\n').filter((l) => l && !l.startsWith('execve('));
  // the process id, wherever it appears (kill(PID, ...), si_pid=PID), is the one getpid returned
  const pid = lines.map((l) => /^getpid\(\)\s+=\s+(\d+)/.exec(l)?.[1]).find(Boolean);
  return lines.map((l) => {
    // the program's masks first: they may hide ids equal to the pid (the guest's pid and uid are both 1000)
    const out = applyMasks(l.replace(/\)\s+=\s+/, ') = ').replace(/si_uid=\d+/, 'si_uid=UID'), masks);
    return pid ? out.replace(new RegExp(`\\b${pid}\\b`, 'g'), 'PID') : out;
  });
}

let comparedLines = 0;

describe('syscall programs: host Linux vs guest kernel', () => {
  before(() => {
    mkdirSync(work, { recursive: true });
    chmodSync(work, 0o777);
  });
  for (const p of programs) {
    test(p.name, () => {
      const exe = join(work, p.name);
      const built = run(process.execPath, [ringstep, 'build', join('test/programs/syscalls', p.name + '.s'), '-o', exe]);
      assert.equal(built.status, 0, `ringstep build failed:\n${built.stderr}`);
      chmodSync(exe, 0o755);

      const host = native(exe, [], p);
      assert.equal(host.status, p.status, `native exit status (stdout: ${host.stdout})`);
      const guest = emulated(exe);
      const outMasks = p.stdoutMasks ?? [];
      assert.equal(applyMasks(guest.stdout, outMasks), applyMasks(host.stdout, outMasks), 'stdout');
      assert.equal(guest.status, host.status, 'exit status');

      if (!haveStrace) return;
      const traceFile = join(work, p.name + '.strace');
      if (existsSync(traceFile)) rmSync(traceFile);
      native('strace', ['-o', traceFile, exe], p);
      const expected = straceLines(readFileSync(traceFile, 'utf8'), p.masks ?? []);
      assert.deepEqual(straceLines(guest.strace, p.masks ?? []), expected, 'strace lines');
      comparedLines += expected.length;
    });
  }
  test('strace lines compared', () => {
    if (haveStrace) assert.ok(comparedLines > 0);
    console.log(`# compared ${comparedLines} strace lines`);
  });
});

// ---- the six SYSRET conditions (reference §10 item 4) ----------------------------------------------
// Linux 6.12 returns with SYSRET only if cx == ip, r11 == flags, cs == __USER_CS, ss == __USER_DS,
// ip < TASK_SIZE_MAX and neither RF nor TF is set; otherwise with IRET. User space cannot make
// cs/ss differ on a plain syscall (SYSCALL loads fixed selectors, and sigreturn's own exit already
// fails the cx == ip test), so, as a tracer could, the test edits pt_regs while the task is stopped
// at do_syscall_64 and then watches which of the two exit paths the kernel's code enters.

const PT_REGS = { r11: 48, cx: 88, ip: 128, cs: 136, flags: 144, ss: 160 } as const;
const GETPID_THEN_EXIT = `.globl _start
_start:
	movl $39, %eax
	syscall
	movl $231, %eax
	xorl %edi, %edi
	syscall
`;

function exitPathAfter(edit: (get: (off: number) => bigint, set: (off: number, v: bigint) => void) => void): 'sysret' | 'iret' {
  const m = createMachine({ program: { kind: 'sources', files: [{ name: 'getpid.s', text: GETPID_THEN_EXIT }] }, kernelImage });
  kernelImage ??= m.kernelImage;
  const at = (name: string) => m.symbolByName(name)!.address;
  const entry = at('do_syscall_64');
  const sysret = at('syscall_return_via_sysret');
  const iret = at('swapgs_restore_regs_and_return_to_usermode');
  assert.equal(m.run(1_000_000, (rip) => rip === entry).kind, 'breakpoint');
  const regs = m.cpu.gpr[7]; // do_syscall_64(struct pt_regs *regs = rdi, ...)
  const get = (off: number) => m.readVirtual(regs + BigInt(off), 8).reduce<bigint>((a, b, i) => a | (BigInt(b!) << BigInt(8 * i)), 0n);
  const set = (off: number, v: bigint) => {
    const b = new Uint8Array(8);
    for (let i = 0; i < 8; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
    m.writeVirtual(regs + BigInt(off), b);
  };
  edit(get, set);
  const stop = m.run(100_000, (rip) => rip === sysret || rip === iret);
  assert.equal(stop.kind, 'breakpoint');
  return (stop as { address: bigint }).address === sysret ? 'sysret' : 'iret';
}

describe('SYSRET or IRET: each of the six conditions alone', () => {
  test('unchanged pt_regs: SYSRET', () => assert.equal(exitPathAfter(() => {}), 'sysret'));
  test('1. cx != ip', () => assert.equal(exitPathAfter((get, set) => set(PT_REGS.cx, get(PT_REGS.cx) + 1n)), 'iret'));
  test('2. r11 != flags', () => assert.equal(exitPathAfter((get, set) => set(PT_REGS.r11, get(PT_REGS.r11) ^ 0x1n)), 'iret'));
  test('3. cs != __USER_CS (0x23, the 32-bit user code selector)', () => {
    assert.equal(exitPathAfter((get, set) => { assert.equal(get(PT_REGS.cs), 0x33n); set(PT_REGS.cs, 0x23n); }), 'iret');
  });
  test('4. ss != __USER_DS', () => {
    assert.equal(exitPathAfter((get, set) => { assert.equal(get(PT_REGS.ss), 0x2bn); set(PT_REGS.ss, 0x23n); }), 'iret');
  });
  test('5. ip >= TASK_SIZE_MAX (0x7ffffffff000), cx equal to it', () => {
    assert.equal(exitPathAfter((_get, set) => { set(PT_REGS.ip, 0x7ffffffff000n); set(PT_REGS.cx, 0x7ffffffff000n); }), 'iret');
    assert.equal(exitPathAfter((_get, set) => { set(PT_REGS.ip, 0x7fffffffeff0n); set(PT_REGS.cx, 0x7fffffffeff0n); }), 'sysret');
  });
  test('6. RF or TF in flags (r11 equal to it)', () => {
    for (const bit of [0x100n, 0x10000n]) {
      assert.equal(exitPathAfter((get, set) => { set(PT_REGS.flags, get(PT_REGS.flags) | bit); set(PT_REGS.r11, get(PT_REGS.flags)); }), 'iret');
    }
  });
});

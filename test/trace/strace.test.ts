// The strace printer against the real strace. Each probe program (probe*.s, GNU as + ld) makes
// syscalls with known arguments. We run it twice under /usr/bin/strace with ASLR off: once with
// `-e raw=all` (raw argument and result values: the printer's input) and once normally (strace's
// own formatting: the expected output). Guest memory for the printer comes from the ELF's loaded
// segments plus the few bytes the kernel wrote at run time, which the test knows independently.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import {
  formatSyscall, formatSignal, formatExit, shellStatus, quoteBytes, type MemoryReader,
} from '../../emulator/trace/strace';
import { syscallNumber, errnoNumber, syscallName, SYSCALL_NAMES, signalNumber } from '../../emulator/trace/syscalls';

const here = join(process.cwd(), 'test', 'trace');
const work = join(process.cwd(), '.tmp', 'trace', 'probes');

function build(name: string): string {
  mkdirSync(work, { recursive: true });
  const obj = join(work, name + '.o');
  const exe = join(work, name);
  execFileSync('as', ['--64', '-o', obj, join(here, name + '.s')]);
  execFileSync('ld', ['-o', exe, obj]);
  return exe;
}

/** Runs under strace (ASLR off so addresses match between runs); returns the output lines after execve. */
function straceRun(exe: string, raw: boolean): string[] {
  const out = join(work, `${exe.split('/').pop()}.${raw ? 'raw' : 'fmt'}.txt`);
  const args = ['-R', 'strace', '-o', out, ...(raw ? ['-e', 'raw=all'] : []), exe];
  spawnSync('setarch', args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('execve('));
}

/** Minimal ELF64 reader: the PT_LOAD segments (file bytes, then zeros up to memsz). */
function elfSegments(exe: string): { vaddr: bigint; bytes: Uint8Array }[] {
  const f = readFileSync(exe);
  const phoff = Number(f.readBigUInt64LE(32));
  const phentsize = f.readUInt16LE(54);
  const phnum = f.readUInt16LE(56);
  const segs = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (f.readUInt32LE(p) !== 1) continue;
    const offset = Number(f.readBigUInt64LE(p + 8));
    const vaddr = f.readBigUInt64LE(p + 16);
    const filesz = Number(f.readBigUInt64LE(p + 32));
    const memsz = Number(f.readBigUInt64LE(p + 40));
    const bytes = new Uint8Array(memsz);
    bytes.set(f.subarray(offset, offset + filesz));
    segs.push({ vaddr, bytes });
  }
  return segs;
}

function symbol(exe: string, name: string): bigint {
  const line = execFileSync('nm', [exe], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith(' ' + name));
  assert.ok(line, `symbol ${name}`);
  return BigInt('0x' + line.split(' ')[0]);
}

/** Guest memory: ELF segments, with run-time writes layered on top. */
function memory(exe: string, overlays: { addr: bigint; bytes: Uint8Array }[] = []): MemoryReader {
  const segs = elfSegments(exe);
  return (addr, len) => {
    for (const o of overlays) {
      if (addr >= o.addr && addr + BigInt(len) <= o.addr + BigInt(o.bytes.length)) {
        const s = Number(addr - o.addr);
        return o.bytes.slice(s, s + len);
      }
    }
    for (const s of segs) {
      if (addr >= s.vaddr && addr + BigInt(len) <= s.vaddr + BigInt(s.bytes.length)) {
        const o = Number(addr - s.vaddr);
        return s.bytes.slice(o, o + len);
      }
    }
    return null;
  };
}

interface RawCall { name: string; args: bigint[]; result: bigint | undefined }

/** Parses `read(0x3, 0x4020c0, 0x40000) = 0x3` / `= -1 EBADF (...)` / `= ?`. */
function parseRaw(line: string): RawCall | null {
  const m = /^(\w+)\((.*)\)\s+= (.*)$/.exec(line);
  if (!m) return null;
  const args = m[2] === '' ? [] : m[2].split(', ').map((s) => BigInt(s));
  let result: bigint | undefined;
  if (m[3] === '?') result = undefined;
  else if (m[3].startsWith('-1 ')) result = -BigInt(errnoNumber(m[3].split(' ')[1])!);
  else result = BigInt(m[3]);
  return { name: m[1], args, result };
}

function nrOf(name: string): number {
  if (name.startsWith('syscall_0x')) return parseInt(name.slice(10), 16);
  return syscallNumber(name)!;
}

const hasStrace = existsSync('/usr/bin/strace') && spawnSync('strace', ['-o', '/dev/null', 'true']).status === 0;

describe('strace printer vs /usr/bin/strace', { skip: !hasStrace && 'strace/ptrace unavailable' }, () => {
  /** Checks every syscall line of a probe; `overlays` give run-time memory; `normalize` masks values
   *  that legitimately differ between two runs (clock readings, random bytes). */
  function compare(name: string, opts: {
    /** memory the kernel wrote, as seen by the syscall named `call` */
    overlays?: (exe: string, call: string) => { addr: bigint; bytes: Uint8Array }[];
    normalize?: (s: string) => string;
    sp?: bigint;
  } = {}) {
    const exe = build(name);
    const raw = straceRun(exe, true);
    const fmt = straceRun(exe, false);
    assert.equal(raw.length, fmt.length, 'same number of lines');
    // pids differ between the two runs: map the formatted run's pid to the raw run's.
    const pidOf = (lines: string[], parse: (v: string) => string) => {
      const l = lines.find((x) => x.startsWith('getpid()') || x.startsWith('gettid()'));
      return l && /= (0x[0-9a-f]+|\d+)$/.test(l) ? parse(l.split('= ')[1]) : undefined;
    };
    const rawPid = pidOf(raw, (v) => BigInt(v).toString());
    const fmtPid = pidOf(fmt, (v) => v);
    const norm = opts.normalize ?? ((s: string) => s);
    let checked = 0;
    for (let i = 0; i < raw.length; i++) {
      const call = parseRaw(raw[i]);
      let expected = fmt[i];
      if (fmtPid && rawPid) expected = expected.split(fmtPid).join(rawPid);
      if (!call) continue; // signal and exit lines are checked separately
      const read = memory(exe, opts.overlays?.(exe, call.name));
      const got = formatSyscall(nrOf(call.name), call.args, call.result, read, { sp: opts.sp });
      assert.equal(norm(got), norm(expected), `line ${i + 1} of ${name}`);
      checked++;
    }
    return { raw, fmt, checked, exe, rawPid };
  }

  test('probe1: files, errors, strings, memory, prctl, time, random', () => {
    const host = readFileSync('/etc/hostname');
    const uts = new Uint8Array(65 * 6);
    uts.set(Buffer.from('Linux'), 0);
    uts.set(Buffer.from(hostname()), 65);
    const { checked } = compare('probe1', {
      overlays: (exe, call) => {
        const buf = symbol(exe, 'buf');
        const fsBase = new Uint8Array(8);
        new DataView(fsBase.buffer).setBigUint64(0, buf, true);
        // buf holds, in turn: the file's bytes, the utsname, the FS base arch_prctl stored.
        if (call === 'uname') return [{ addr: buf, bytes: uts }];
        if (call === 'arch_prctl') return [{ addr: buf, bytes: fsBase }];
        return [{ addr: buf, bytes: host }];
      },
      normalize: (s) => s
        .replace(/tv_sec=\d+, tv_nsec=\d+/g, 'tv_sec=N, tv_nsec=N')
        .replace(/getrandom\(".*?"/, 'getrandom("X"')
        .replace(/(getppid\(\)\s+= )\d+/, '$1N')
        .replace(/(get[ug]id\(\)\s+= )\d+/, '$1N').replace(/(gete[ug]id\(\)\s+= )\d+/, '$1N'),
    });
    assert.ok(checked >= 35, `checked ${checked}`);
  });

  test('probe2: signals, seccomp ERRNO and TRAP; siginfo lines', () => {
    const { raw, fmt, checked, exe, rawPid } = compare('probe2', {
      // the handler was entered with an empty mask: uc_sigmask (at sp + 296) holds 0
      sp: 0x10000000n, overlays: () => [{ addr: 0x10000000n + 296n, bytes: new Uint8Array(8) }],
    });
    assert.equal(checked, 11);
    const uid = userInfo().uid;
    const pid = Number(rawPid);
    const sigLines = raw.filter((l) => l.startsWith('---'));
    assert.equal(sigLines[0], formatSignal({ signo: 10, errno: 0, code: 0, pid, uid }));
    assert.equal(sigLines[1], formatSignal({ signo: 10, errno: 0, code: -6, pid, uid }));
    assert.equal(sigLines[2], formatSignal({
      signo: 31, errno: 7, code: 1, addr: symbol(exe, 'after_getuid'), syscall: 102, arch: 0xc000003e,
    }));
    assert.equal(fmt.at(-1), formatExit(31));
  });

  test('probe3: escaping, truncation, EFAULT, long paths, SIGSEGV', () => {
    const { fmt, checked } = compare('probe3');
    assert.ok(checked >= 8);
    assert.equal(fmt.at(-2), formatSignal({ signo: 11, errno: 0, code: 1, addr: 0x1234n }));
    assert.equal(fmt.at(-1), formatExit(11));
  });

  test('probe4: sigaction flags, sigsets, mmap flags, clocks, strict seccomp', () => {
    const { fmt, checked } = compare('probe4', {
      normalize: (s) => s.replace(/tv_sec=\d+, tv_nsec=\d+/g, 'tv_sec=N, tv_nsec=N'),
      overlays: (exe) => [{ addr: symbol(exe, 'old'), bytes: new Uint8Array(32) }],
    });
    assert.ok(checked >= 20);
    assert.equal(fmt.at(-1), formatExit(9));
  });
});

describe('strace formats without a tracer', () => {
  test('the article lines', () => {
    const text = new TextEncoder().encode('/etc/hostname\0myhost\n');
    const read: MemoryReader = (a, n) => (a >= 0x1000n && a + BigInt(n) <= 0x1000n + BigInt(text.length)
      ? text.slice(Number(a - 0x1000n), Number(a - 0x1000n) + n) : null);
    assert.equal(formatSyscall(257, [-100n, 0x1000n, 0n, 0n], 3n, read), 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3');
    assert.equal(formatSyscall(0, [3n, 0x100en, 262144n], 7n, read), 'read(3, "myhost\\n", 262144)             = 7');
    assert.equal(formatSyscall(1, [1n, 0x100en, 7n], 7n, read), 'write(1, "myhost\\n", 7)                 = 7');
    assert.equal(formatSyscall(3, [3n], 0n, read), 'close(3)                                = 0');
    assert.equal(formatSyscall(39, [], -1n, read), 'getpid()                                = -1 EPERM (Operation not permitted)');
    assert.equal(formatSyscall(231, [0n], undefined, read), 'exit_group(0)                           = ?');
    assert.equal(formatExit(0), '+++ exited with 0 +++');
  });

  test('catalogue: numbers from the reference, unknown numbers, shell status', () => {
    const ref: [string, number][] = [['read', 0], ['write', 1], ['open', 2], ['close', 3], ['mmap', 9],
      ['mprotect', 10], ['munmap', 11], ['brk', 12], ['rt_sigaction', 13], ['rt_sigprocmask', 14],
      ['rt_sigreturn', 15], ['pread64', 17], ['writev', 20], ['nanosleep', 35], ['getpid', 39], ['exit', 60],
      ['kill', 62], ['uname', 63], ['getuid', 102], ['prctl', 157], ['arch_prctl', 158], ['gettid', 186],
      ['clock_gettime', 228], ['exit_group', 231], ['openat', 257], ['seccomp', 317], ['getrandom', 318]];
    for (const [n, nr] of ref) assert.equal(syscallNumber(n), nr, n);
    assert.ok(SYSCALL_NAMES.length > 334);
    assert.equal(syscallName(1000), 'syscall_0x3e8');
    assert.equal(signalNumber('SIGSYS'), 31);
    assert.equal(shellStatus(11), 139);
    assert.equal(shellStatus(3 << 8), 3);
    assert.equal(formatExit(11 | 0x80), '+++ killed by SIGSEGV (core dumped) +++');
    assert.equal(quoteBytes(new Uint8Array([1, 0x31, 0, 0x38])), '"\\0011\\08"');
  });
});

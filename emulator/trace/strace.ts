// A printer that writes syscalls, signals and exits exactly the way strace 6.x does with its
// defaults (-s 32, no -x, output to a file or pipe): `read(3, "myhost\n", 262144) = 7` with the
// result column at 40, strings quoted and escaped like strace's string_quote(), 32-byte truncation
// with `...`, flags as PROT_READ|PROT_WRITE, errors as `-1 EPERM (Operation not permitted)`.
// It only reads guest memory through the reader it is given, so it runs anywhere (no Node modules).

import {
  AUDIT_ARCH_X86_64, ERRNO, RESTART_ERRNO, SIGNATURES, SI_KERNEL, SI_QUEUE, SI_TKILL, SI_USER,
  type ArgSpec, signalName, syscallName,
} from './syscalls';

/** Reads `len` bytes of guest memory at `addr`; null when any of them is unreadable. */
export type MemoryReader = (addr: bigint, len: number) => Uint8Array | null;

export interface FormatOptions {
  /** strace's -s: how many bytes of a string or buffer to show (default 32). */
  maxStrlen?: number;
  /** The user RSP at the syscall, needed only for rt_sigreturn's {mask=[...]}. */
  sp?: bigint;
}

/** strace aligns the ` = result` column at 40 characters. */
export const RESULT_COLUMN = 40;

const U64 = (1n << 64n) - 1n;
const u64 = (v: bigint) => v & U64;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const s32 = (v: bigint) => Number(BigInt.asIntN(32, v));
const u32 = (v: bigint) => Number(BigInt.asUintN(32, v));
const hex = (v: bigint) => '0x' + u64(v).toString(16);
const ptr = (v: bigint) => (u64(v) === 0n ? 'NULL' : hex(v));

// ---- strings ---------------------------------------------------------------------------------------

/**
 * strace's quoting: printable ASCII as is (with \" and \\), the C escapes \t \n \v \f \r, everything
 * else in octal: the shortest form unless the next shown byte is an octal digit, then three digits
 * (so "\1" then "1" is written "\0011"). With `forceHex`, every byte is \xNN (getrandom's style).
 */
export function quoteBytes(bytes: Uint8Array, forceHex = false): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (forceHex) {
      out += '\\x' + c.toString(16).padStart(2, '0');
      continue;
    }
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0b) out += '\\v';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else {
      const next = i + 1 < bytes.length ? bytes[i + 1] : -1;
      const octal = c.toString(8);
      out += '\\' + (next >= 0x30 && next <= 0x37 ? octal.padStart(3, '0') : octal);
    }
  }
  return out + '"';
}

/** A buffer of known length: at most maxStrlen bytes shown, `...` after the quote when cut. */
function printBuffer(read: MemoryReader, addr: bigint, len: bigint, max: number, forceHex = false): string {
  if (u64(addr) === 0n) return 'NULL';
  const shown = len > BigInt(max) ? max : Number(len);
  const bytes = shown === 0 ? new Uint8Array(0) : read(addr, shown);
  if (!bytes) return hex(addr);
  return quoteBytes(bytes, forceHex) + (len > BigInt(max) ? '...' : '');
}

/** Reads a NUL-terminated string of at most `limit` bytes; null when the first byte is unreadable. */
function readCString(read: MemoryReader, addr: bigint, limit: number): { bytes: Uint8Array; terminated: boolean } | null {
  const out: number[] = [];
  // Read page by page so a string ending just before an unmapped page still prints.
  let p = addr;
  while (out.length < limit) {
    const toPageEnd = Number(4096n - (p & 4095n));
    // A reader may refuse a long read that runs past the end of what it holds: fall back to one byte.
    const chunk = read(p, Math.min(toPageEnd, limit - out.length + 1)) ?? read(p, 1);
    if (!chunk) return out.length === 0 ? null : { bytes: Uint8Array.from(out), terminated: false };
    for (const c of chunk) {
      if (c === 0) return { bytes: Uint8Array.from(out), terminated: true };
      if (out.length === limit) return { bytes: Uint8Array.from(out), terminated: false };
      out.push(c);
    }
    p += BigInt(chunk.length);
  }
  return { bytes: Uint8Array.from(out), terminated: false };
}

/** A C string: `"..."` with `...` appended when it is longer than `limit` (paths use PATH_MAX). */
function printCString(read: MemoryReader, addr: bigint, limit: number): string {
  if (u64(addr) === 0n) return 'NULL';
  const s = readCString(read, addr, limit);
  if (!s) return hex(addr);
  return quoteBytes(s.bytes) + (s.terminated ? '' : '...');
}

// ---- flags and enums -------------------------------------------------------------------------------

type Xlat = [number, string][];

/** Joins the names of the set bits with '|'; leftover bits go last in hex; `zero` when nothing is set. */
/** `unknown` (e.g. 'PROT_???'): strace's comment when no bit of the value has a name. */
function printFlags(value: number, table: Xlat, zero: string, unknown?: string): string {
  const parts: string[] = [];
  let rest = value >>> 0;
  for (const [bit, name] of table) {
    if (bit !== 0 && (rest & bit) === bit) {
      parts.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest && !parts.length && unknown) return `0x${rest.toString(16)} /* ${unknown} */`;
  if (rest) parts.push('0x' + rest.toString(16));
  return parts.length ? parts.join('|') : zero;
}

function printEnum(value: number, table: Xlat, fallback: (v: number) => string): string {
  for (const [v, name] of table) if (v === value) return name;
  return fallback(value);
}

const OPEN_FLAGS: Xlat = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'], [0o4010000, 'O_SYNC'], [0o10000, 'O_DSYNC'], [0o20000, 'O_ASYNC'], [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'], [0o20200000, 'O_TMPFILE'], [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'],
  [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
];
const O_CREAT = 0o100;
const O_TMPFILE = 0o20200000;

function printOpenFlags(v: number): string {
  const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][v & 3];
  const rest = printFlags(v & ~3, OPEN_FLAGS, '');
  return rest ? `${acc}|${rest}` : acc;
}

function printMode(v: number): string {
  return '0' + (v & 0o7777).toString(8).padStart(2, '0');
}

const PROT: Xlat = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [8, 'PROT_SEM'],
  [0x1000000, 'PROT_GROWSDOWN'], [0x2000000, 'PROT_GROWSUP']];
const MAP_TYPE: Xlat = [[0, 'MAP_FILE'], [1, 'MAP_SHARED'], [2, 'MAP_PRIVATE'], [3, 'MAP_SHARED_VALIDATE']];
const MAP_FLAGS: Xlat = [
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x40, 'MAP_32BIT'], [0x100, 'MAP_GROWSDOWN'],
  [0x800, 'MAP_DENYWRITE'], [0x1000, 'MAP_EXECUTABLE'], [0x2000, 'MAP_LOCKED'], [0x4000, 'MAP_NORESERVE'],
  [0x8000, 'MAP_POPULATE'], [0x10000, 'MAP_NONBLOCK'], [0x20000, 'MAP_STACK'], [0x40000, 'MAP_HUGETLB'],
  [0x80000, 'MAP_SYNC'], [0x100000, 'MAP_FIXED_NOREPLACE'], [0x4000000, 'MAP_UNINITIALIZED'],
];

function printMapFlags(v: number): string {
  const type = printEnum(v & 0xf, MAP_TYPE, (t) => '0x' + t.toString(16));
  const rest = printFlags(v & ~0xf, MAP_FLAGS, '');
  return rest ? `${type}|${rest}` : type;
}

const WHENCE: Xlat = [[0, 'SEEK_SET'], [1, 'SEEK_CUR'], [2, 'SEEK_END'], [3, 'SEEK_DATA'], [4, 'SEEK_HOLE']];
const SIG_HOW: Xlat = [[0, 'SIG_BLOCK'], [1, 'SIG_UNBLOCK'], [2, 'SIG_SETMASK']];
const CLOCKS: Xlat = [[0, 'CLOCK_REALTIME'], [1, 'CLOCK_MONOTONIC'], [2, 'CLOCK_PROCESS_CPUTIME_ID'],
  [3, 'CLOCK_THREAD_CPUTIME_ID'], [4, 'CLOCK_MONOTONIC_RAW'], [5, 'CLOCK_REALTIME_COARSE'],
  [6, 'CLOCK_MONOTONIC_COARSE'], [7, 'CLOCK_BOOTTIME'], [8, 'CLOCK_REALTIME_ALARM'], [9, 'CLOCK_BOOTTIME_ALARM'],
  [11, 'CLOCK_TAI']];
const GRND: Xlat = [[1, 'GRND_NONBLOCK'], [2, 'GRND_RANDOM'], [4, 'GRND_INSECURE']];
const ACCESS: Xlat = [[4, 'R_OK'], [2, 'W_OK'], [1, 'X_OK']];
const AT_FLAGS: Xlat = [[0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR'], [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH']];
const SA_FLAGS: Xlat = [
  [0x04000000, 'SA_RESTORER'], [0x08000000, 'SA_ONSTACK'], [0x10000000, 'SA_RESTART'],
  [0x40000000, 'SA_NODEFER'], [0x80000000 | 0, 'SA_RESETHAND'], [4, 'SA_SIGINFO'], [1, 'SA_NOCLDSTOP'],
  [2, 'SA_NOCLDWAIT'], [0x400, 'SA_UNSUPPORTED'], [0x800, 'SA_EXPOSE_TAGBITS'],
];
const ARCH_PRCTL: Xlat = [[0x1001, 'ARCH_SET_GS'], [0x1002, 'ARCH_SET_FS'], [0x1003, 'ARCH_GET_FS'],
  [0x1004, 'ARCH_GET_GS'], [0x1011, 'ARCH_GET_CPUID'], [0x1012, 'ARCH_SET_CPUID']];
const PRCTL: Xlat = [[21, 'PR_GET_SECCOMP'], [22, 'PR_SET_SECCOMP'], [38, 'PR_SET_NO_NEW_PRIVS'],
  [39, 'PR_GET_NO_NEW_PRIVS'], [15, 'PR_SET_NAME'], [16, 'PR_GET_NAME'], [1, 'PR_SET_PDEATHSIG'],
  [2, 'PR_GET_PDEATHSIG'], [3, 'PR_GET_DUMPABLE'], [4, 'PR_SET_DUMPABLE']];
const SECCOMP_OPS: Xlat = [[0, 'SECCOMP_SET_MODE_STRICT'], [1, 'SECCOMP_SET_MODE_FILTER'],
  [2, 'SECCOMP_GET_ACTION_AVAIL'], [3, 'SECCOMP_GET_NOTIF_SIZES']];
const SECCOMP_MODES: Xlat = [[0, 'SECCOMP_MODE_DISABLED'], [1, 'SECCOMP_MODE_STRICT'], [2, 'SECCOMP_MODE_FILTER']];
const SECCOMP_FILTER_FLAGS: Xlat = [[1, 'SECCOMP_FILTER_FLAG_TSYNC'], [2, 'SECCOMP_FILTER_FLAG_LOG'],
  [4, 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'], [8, 'SECCOMP_FILTER_FLAG_NEW_LISTENER'],
  [16, 'SECCOMP_FILTER_FLAG_TSYNC_ESRCH'], [32, 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']];

const dec = (v: number) => String(v);

// ---- structs ---------------------------------------------------------------------------------------

function readU64(read: MemoryReader, addr: bigint): bigint | null {
  const b = read(addr, 8);
  if (!b) return null;
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

/** A sigset as strace shows it: [USR1 SEGV]; more than half the signals set prints ~[the others]. */
export function formatSigset(mask: bigint, nsig = 64): string {
  const set: number[] = [];
  const unset: number[] = [];
  for (let sig = 1; sig <= nsig; sig++) ((mask >> BigInt(sig - 1)) & 1n ? set : unset).push(sig);
  const names = (l: number[]) => l.map((s) => signalName(s).replace(/^SIG/, '')).join(' ');
  return set.length > nsig / 2 ? `~[${names(unset)}]` : `[${names(set)}]`;
}

function printSigsetAt(read: MemoryReader, addr: bigint): string {
  if (u64(addr) === 0n) return 'NULL';
  const m = readU64(read, addr);
  return m === null ? hex(addr) : formatSigset(m);
}

/** struct kernel_sigaction (x86-64): handler @0, flags @8, restorer @16, mask @24. */
function printSigaction(read: MemoryReader, addr: bigint): string {
  if (u64(addr) === 0n) return 'NULL';
  const b = read(addr, 32);
  if (!b) return hex(addr);
  const q = (o: number) => readU64((x, n) => b.subarray(Number(x), Number(x) + n), BigInt(o))!;
  const handler = q(0);
  const flags = Number(q(8) & 0xffffffffn);
  const h = handler === 0n ? 'SIG_DFL' : handler === 1n ? 'SIG_IGN' : hex(handler);
  let s = `{sa_handler=${h}, sa_mask=${formatSigset(q(24))}, sa_flags=${printFlags(flags, SA_FLAGS, '0')}`;
  if (flags & 0x04000000) s += `, sa_restorer=${hex(q(16))}`;
  return s + '}';
}

function printTimespec(read: MemoryReader, addr: bigint): string {
  if (u64(addr) === 0n) return 'NULL';
  const b = read(addr, 16);
  if (!b) return hex(addr);
  const sec = s64(readU64(() => b.subarray(0, 8), 0n)!);
  const nsec = s64(readU64(() => b.subarray(8, 16), 0n)!);
  return `{tv_sec=${sec}, tv_nsec=${nsec}}`;
}

/** struct new_utsname: six 65-byte fields; strace shows sysname and nodename, then `...`. */
function printUtsname(read: MemoryReader, addr: bigint): string {
  if (u64(addr) === 0n) return 'NULL';
  const b = read(addr, 65 * 2);
  if (!b) return hex(addr);
  const field = (i: number) => {
    const f = b.subarray(i * 65, i * 65 + 65);
    const end = f.indexOf(0);
    return quoteBytes(f.subarray(0, end < 0 ? 65 : end));
  };
  return `{sysname=${field(0)}, nodename=${field(1)}, ...}`;
}

/** struct iovec array: [{iov_base="...", iov_len=3}, ...], each base cut at maxStrlen. */
function printIovec(read: MemoryReader, addr: bigint, count: bigint, max: number): string {
  if (u64(addr) === 0n) return 'NULL';
  // strace prints just the address when the array's byte size overflows or wraps the address space
  const bytes = u64(count) * 16n;
  if (bytes >> 64n !== 0n || u64(addr) + bytes > (1n << 64n)) return hex(addr);
  const n = Number(count > 1024n ? 1024n : count);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i === max) {
      parts.push('...');
      break;
    }
    const base = readU64(read, addr + BigInt(i * 16));
    const len = readU64(read, addr + BigInt(i * 16 + 8));
    if (base === null || len === null) return parts.length ? `[${parts.join(', ')}, ...]` : hex(addr);
    parts.push(`{iov_base=${printBuffer(read, base, len, max)}, iov_len=${len}}`);
  }
  return `[${parts.join(', ')}]`;
}

/** struct sock_fprog: {len=9, filter=0x402020}. */
function printSockFprog(read: MemoryReader, addr: bigint): string {
  if (u64(addr) === 0n) return 'NULL';
  const b = read(addr, 16);
  if (!b) return hex(addr);
  const len = b[0] | (b[1] << 8);
  const filter = readU64(() => b.subarray(8, 16), 0n)!;
  return `{len=${len}, filter=${ptr(filter)}}`;
}

// ---- one call --------------------------------------------------------------------------------------

function isError(result: bigint): boolean {
  const r = s64(result);
  return r < 0n && r >= -4095n;
}

/** The text after `= `: `3`, `0x7f..`, `-1 ENOENT (No such file or directory)`, or `?`. */
export function formatResult(nr: number, result: bigint | undefined): string {
  if (result === undefined) return '?';
  const r = s64(result);
  if (r < 0n && r >= -4095n) {
    const e = Number(-r);
    const info = ERRNO[e];
    if (info) return `-1 ${info[0]} (${info[1]})`;
    const restart = RESTART_ERRNO[e];
    if (restart) return `? ${restart[0]} (${restart[1]})`;
    return `-1 ${e} (Unknown error ${e})`;
  }
  const sig = SIGNATURES[syscallName(nr)];
  if (sig?.ret === 'hex') return hex(result);
  return String(r);
}

function formatArgs(name: string, args: bigint[], result: bigint | undefined, read: MemoryReader, opts: FormatOptions): string {
  const max = opts.maxStrlen ?? 32;
  const sig = SIGNATURES[name];
  // Unknown numbers, or names without a signature here: six raw hex values, as strace does for
  // syscalls it does not know.
  if (!sig) return args.slice(0, 6).map((v) => (u64(v) === 0n ? '0' : hex(v))).join(', ');
  const ok = result !== undefined && !isError(result);
  const out: string[] = [];
  for (let i = 0; i < sig.args.length; i++) {
    const spec: ArgSpec = sig.args[i];
    const v = args[i] ?? 0n;
    switch (spec.kind) {
      case 'int': out.push(String(s32(v))); break;
      case 'fd': out.push(String(s32(v))); break;
      case 'dirfd': out.push(s32(v) === -100 ? 'AT_FDCWD' : String(s32(v))); break;
      case 'ulong': out.push(u64(v).toString()); break;
      case 'long': out.push(s64(v).toString()); break;
      case 'hex': out.push(u64(v) === 0n ? '0' : hex(v)); break;
      case 'ptr': out.push(ptr(v)); break;
      case 'path': out.push(printCString(read, v, 4095)); break;
      case 'buf_in': out.push(printBuffer(read, v, u64(args[spec.len!] ?? 0n), max)); break;
      case 'buf_out':
      case 'buf_out_hex':
        out.push(ok ? printBuffer(read, v, u64(result!), max, spec.kind === 'buf_out_hex') : ptr(v));
        break;
      case 'open_flags': {
        const flags = u32(v);
        out.push(printOpenFlags(flags));
        // The mode argument exists only when the file may be created.
        const hasMode = (flags & O_CREAT) !== 0 || (flags & O_TMPFILE) === O_TMPFILE;
        if (hasMode) out.push(printMode(u32(args[i + 1] ?? 0n)));
        i++; // skip the 'mode' spec that follows
        break;
      }
      case 'mode': out.push(printMode(u32(v))); break;
      case 'prot': out.push(printFlags(u32(v), PROT, 'PROT_NONE', 'PROT_???')); break;
      case 'map_flags': out.push(printMapFlags(u32(v))); break;
      case 'whence': out.push(printEnum(u32(v), WHENCE, (w) => `0x${w.toString(16)} /* SEEK_??? */`)); break;
      case 'signal': out.push(s32(v) === 0 ? '0' : signalName(s32(v))); break;
      case 'sigaction_in': out.push(printSigaction(read, v)); break;
      case 'sigaction_out': out.push(ok ? printSigaction(read, v) : ptr(v)); break;
      case 'sigset_in': out.push(printSigsetAt(read, v)); break;
      case 'sigset_out': out.push(ok ? printSigsetAt(read, v) : ptr(v)); break;
      case 'sigprocmask_how': out.push(printEnum(u32(v), SIG_HOW, (h) => `0x${h.toString(16)} /* SIG_??? */`)); break;
      case 'timespec_in': out.push(printTimespec(read, v)); break;
      case 'timespec_out': out.push(ok ? printTimespec(read, v) : ptr(v)); break;
      case 'clockid': out.push(printEnum(s32(v), CLOCKS, (c) => `0x${(c >>> 0).toString(16)} /* CLOCK_??? */`)); break;
      case 'utsname_out': out.push(ok ? printUtsname(read, v) : ptr(v)); break;
      case 'iovec_in': out.push(printIovec(read, v, u64(args[spec.len!] ?? 0n), max)); break;
      case 'grnd_flags': out.push(printFlags(u32(v), GRND, '0', 'GRND_???')); break;
      case 'access_mode': out.push(printFlags(u32(v), ACCESS, 'F_OK')); break;
      case 'at_flags': out.push(printFlags(u32(v), AT_FLAGS, '0')); break;
      case 'seccomp_op': out.push(printEnum(u32(v), SECCOMP_OPS, (o) => `0x${o.toString(16)} /* SECCOMP_SET_MODE_??? */`)); break;
      case 'seccomp_flags': out.push(printFlags(u32(v), SECCOMP_FILTER_FLAGS, '0', 'SECCOMP_FILTER_FLAG_???')); break;
      case 'seccomp_arg': out.push(u32(args[0]) === 1 ? printSockFprog(read, v) : ptr(v)); break;
      case 'arch_prctl_code': out.push(printEnum(u32(v), ARCH_PRCTL, (c) => `0x${c.toString(16)} /* ARCH_??? */`)); break;
      case 'arch_prctl_arg': {
        const code = u32(args[0]);
        if (code === 0x1003 || code === 0x1004) {
          // ARCH_GET_FS/GS write the base to *addr: shown as [0x...] once it succeeded.
          const val = ok ? readU64(read, v) : null;
          out.push(val === null ? ptr(v) : `[${hex(val)}]`);
        } else out.push(u64(v) === 0n ? '0' : hex(v)); // %#lx: zero has no 0x
        break;
      }
      case 'prctl_option': out.push(printEnum(s32(v), PRCTL, dec)); break;
      case 'prctl_args': {
        const option = s32(args[0]);
        if (option === 22) {
          // PR_SET_SECCOMP, mode, then the filter program for SECCOMP_MODE_FILTER.
          const mode = u32(args[1]);
          out.push(printEnum(mode, SECCOMP_MODES, dec));
          if (mode === 2) out.push(printSockFprog(read, args[2]));
        } else if (option === 21) {
          // PR_GET_SECCOMP takes no further arguments.
        } else {
          for (let k = 1; k <= 4; k++) out.push(u64(args[k] ?? 0n).toString());
        }
        break;
      }
    }
  }
  return out.join(', ');
}

/**
 * One syscall line: `name(args) = result`, the ` = ` at column 40 (strace's default -a 40).
 * `result` undefined means the call never returned (exit, exit_group): `= ?`.
 */
export function formatSyscall(
  nr: number, args: readonly bigint[], result: bigint | undefined, read: MemoryReader, opts: FormatOptions = {},
): string {
  const name = syscallName(nr);
  let argText: string;
  if (name === 'rt_sigreturn') {
    // strace shows the mask the frame restores: uc_sigmask at offset 296 of the ucontext, which
    // starts at the user RSP once the handler's `ret` has popped pretcode.
    argText = opts.sp === undefined ? '' : `{mask=${printSigsetAt(read, opts.sp + 296n)}}`;
  } else {
    argText = formatArgs(name, [...args], result, read, opts);
  }
  return alignResult(`${name}(${argText})`, formatResult(nr, result));
}

/** strace writes `) `, pads with spaces to column 40, then `= result`. */
export function alignResult(call: string, result: string): string {
  const left = call + ' ';
  return left.padEnd(RESULT_COLUMN, ' ') + '= ' + result;
}

// ---- signals and exits -----------------------------------------------------------------------------

/** The fields of a kernel siginfo_t (x86-64 layout) that strace prints. */
export interface Siginfo {
  signo: number;
  errno: number;
  code: number;
  /** SI_USER / SI_TKILL / SI_QUEUE: sender */
  pid?: number;
  uid?: number;
  /** faults (SIGSEGV/SIGILL/SIGFPE/SIGBUS) and SIGSYS (si_call_addr) */
  addr?: bigint;
  /** SIGSYS from seccomp */
  syscall?: number;
  arch?: number;
}

/** Decodes a 128-byte siginfo_t: signo @0, errno @4, code @8, then the union at 16. */
export function decodeSiginfo(b: Uint8Array): Siginfo {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const signo = dv.getInt32(0, true);
  const errno = dv.getInt32(4, true);
  const code = dv.getInt32(8, true);
  const info: Siginfo = { signo, errno, code };
  if (code <= 0) {
    info.pid = dv.getInt32(16, true);
    info.uid = dv.getUint32(20, true);
  } else if (signo === 31 && code === 1) {
    info.addr = dv.getBigUint64(16, true);
    info.syscall = dv.getInt32(24, true);
    info.arch = dv.getUint32(28, true);
  } else {
    info.addr = dv.getBigUint64(16, true);
  }
  return info;
}

const SI_CODES_GENERIC: Xlat = [[SI_USER, 'SI_USER'], [SI_KERNEL, 'SI_KERNEL'], [SI_QUEUE, 'SI_QUEUE'],
  [SI_TKILL, 'SI_TKILL'], [-2, 'SI_TIMER'], [-3, 'SI_MESGQ'], [-4, 'SI_ASYNCIO'], [-5, 'SI_SIGIO']];
const SI_CODES_BY_SIGNAL: Record<number, Xlat> = {
  4: [[1, 'ILL_ILLOPC'], [2, 'ILL_ILLOPN'], [3, 'ILL_ILLADR'], [4, 'ILL_ILLTRP'], [5, 'ILL_PRVOPC'],
    [6, 'ILL_PRVREG'], [7, 'ILL_COPROC'], [8, 'ILL_BADSTK']],
  5: [[1, 'TRAP_BRKPT'], [2, 'TRAP_TRACE'], [3, 'TRAP_BRANCH'], [4, 'TRAP_HWBKPT'], [5, 'TRAP_UNK']],
  7: [[1, 'BUS_ADRALN'], [2, 'BUS_ADRERR'], [3, 'BUS_OBJERR']],
  8: [[1, 'FPE_INTDIV'], [2, 'FPE_INTOVF'], [3, 'FPE_FLTDIV'], [4, 'FPE_FLTOVF'], [5, 'FPE_FLTUND'],
    [6, 'FPE_FLTRES'], [7, 'FPE_FLTINV'], [8, 'FPE_FLTSUB']],
  11: [[1, 'SEGV_MAPERR'], [2, 'SEGV_ACCERR'], [3, 'SEGV_BNDERR'], [4, 'SEGV_PKUERR']],
  31: [[1, 'SYS_SECCOMP']],
};

function siCodeName(signo: number, code: number): string {
  for (const [v, n] of SI_CODES_GENERIC) if (v === code) return n;
  const table = SI_CODES_BY_SIGNAL[signo];
  if (table && code > 0) for (const [v, n] of table) if (v === code) return n;
  return String(code);
}

/** `--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x1234} ---` */
export function formatSignal(info: Siginfo): string {
  const parts = [`si_signo=${signalName(info.signo)}`, `si_code=${siCodeName(info.signo, info.code)}`];
  if (info.errno) parts.push(`si_errno=${ERRNO[info.errno]?.[0] ?? info.errno}`);
  if (info.code <= 0) {
    parts.push(`si_pid=${info.pid ?? 0}`, `si_uid=${info.uid ?? 0}`);
  } else if (info.signo === 31 && info.code === 1) {
    const arch = info.arch === AUDIT_ARCH_X86_64 ? 'AUDIT_ARCH_X86_64' : info.arch === 0x40000003 ? 'AUDIT_ARCH_I386'
      : '0x' + (info.arch ?? 0).toString(16);
    const nrName = info.syscall !== undefined && syscallName(info.syscall);
    const nrText = nrName && !nrName.startsWith('syscall_') ? `__NR_${nrName}` : String(info.syscall);
    parts.push(`si_call_addr=${ptr(info.addr ?? 0n)}`, `si_syscall=${nrText}`, `si_arch=${arch}`);
  } else {
    parts.push(`si_addr=${ptr(info.addr ?? 0n)}`);
  }
  return `--- ${signalName(info.signo)} {${parts.join(', ')}} ---`;
}

/** From a Linux wait status: `+++ exited with 0 +++`, `+++ killed by SIGSEGV (core dumped) +++`. */
export function formatExit(waitStatus: number): string {
  const sig = waitStatus & 0x7f;
  if (sig === 0) return `+++ exited with ${(waitStatus >> 8) & 0xff} +++`;
  return `+++ killed by ${signalName(sig)}${waitStatus & 0x80 ? ' (core dumped)' : ''} +++`;
}

/** What a shell reports as the exit status for a wait status: the code, or 128 + the signal. */
export function shellStatus(waitStatus: number): number {
  const sig = waitStatus & 0x7f;
  return sig === 0 ? (waitStatus >> 8) & 0xff : 128 + sig;
}

// The syscall catalogue for x86-64 Linux: numbers and names (from arch/x86/entry/syscalls/syscall_64.tbl,
// as the installed <asm/unistd_64.h> lists them), the argument kinds strace uses to print each call,
// errno names with glibc's messages, and signal names. Pure data: no Node modules (runs in a browser).

/** x86-64 syscall names indexed by number; '' marks a hole in the table (numbers never assigned). */
export const SYSCALL_NAMES: readonly string[] = [
  'read', 'write', 'open', 'close', 'stat', 'fstat', 'lstat', 'poll', 'lseek', 'mmap', 'mprotect', 'munmap',
  'brk', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'ioctl', 'pread64', 'pwrite64', 'readv', 'writev',
  'access', 'pipe', 'select', 'sched_yield', 'mremap', 'msync', 'mincore', 'madvise', 'shmget', 'shmat',
  'shmctl', 'dup', 'dup2', 'pause', 'nanosleep', 'getitimer', 'alarm', 'setitimer', 'getpid', 'sendfile',
  'socket', 'connect', 'accept', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'shutdown', 'bind', 'listen',
  'getsockname', 'getpeername', 'socketpair', 'setsockopt', 'getsockopt', 'clone', 'fork', 'vfork', 'execve',
  'exit', 'wait4', 'kill', 'uname', 'semget', 'semop', 'semctl', 'shmdt', 'msgget', 'msgsnd', 'msgrcv',
  'msgctl', 'fcntl', 'flock', 'fsync', 'fdatasync', 'truncate', 'ftruncate', 'getdents', 'getcwd', 'chdir',
  'fchdir', 'rename', 'mkdir', 'rmdir', 'creat', 'link', 'unlink', 'symlink', 'readlink', 'chmod', 'fchmod',
  'chown', 'fchown', 'lchown', 'umask', 'gettimeofday', 'getrlimit', 'getrusage', 'sysinfo', 'times',
  'ptrace', 'getuid', 'syslog', 'getgid', 'setuid', 'setgid', 'geteuid', 'getegid', 'setpgid', 'getppid',
  'getpgrp', 'setsid', 'setreuid', 'setregid', 'getgroups', 'setgroups', 'setresuid', 'getresuid',
  'setresgid', 'getresgid', 'getpgid', 'setfsuid', 'setfsgid', 'getsid', 'capget', 'capset', 'rt_sigpending',
  'rt_sigtimedwait', 'rt_sigqueueinfo', 'rt_sigsuspend', 'sigaltstack', 'utime', 'mknod', 'uselib',
  'personality', 'ustat', 'statfs', 'fstatfs', 'sysfs', 'getpriority', 'setpriority', 'sched_setparam',
  'sched_getparam', 'sched_setscheduler', 'sched_getscheduler', 'sched_get_priority_max',
  'sched_get_priority_min', 'sched_rr_get_interval', 'mlock', 'munlock', 'mlockall', 'munlockall', 'vhangup',
  'modify_ldt', 'pivot_root', '_sysctl', 'prctl', 'arch_prctl', 'adjtimex', 'setrlimit', 'chroot', 'sync',
  'acct', 'settimeofday', 'mount', 'umount2', 'swapon', 'swapoff', 'reboot', 'sethostname', 'setdomainname',
  'iopl', 'ioperm', 'create_module', 'init_module', 'delete_module', 'get_kernel_syms', 'query_module',
  'quotactl', 'nfsservctl', 'getpmsg', 'putpmsg', 'afs_syscall', 'tuxcall', 'security', 'gettid',
  'readahead', 'setxattr', 'lsetxattr', 'fsetxattr', 'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr',
  'llistxattr', 'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr', 'tkill', 'time', 'futex',
  'sched_setaffinity', 'sched_getaffinity', 'set_thread_area', 'io_setup', 'io_destroy', 'io_getevents',
  'io_submit', 'io_cancel', 'get_thread_area', 'lookup_dcookie', 'epoll_create', 'epoll_ctl_old',
  'epoll_wait_old', 'remap_file_pages', 'getdents64', 'set_tid_address', 'restart_syscall', 'semtimedop',
  'fadvise64', 'timer_create', 'timer_settime', 'timer_gettime', 'timer_getoverrun', 'timer_delete',
  'clock_settime', 'clock_gettime', 'clock_getres', 'clock_nanosleep', 'exit_group', 'epoll_wait',
  'epoll_ctl', 'tgkill', 'utimes', 'vserver', 'mbind', 'set_mempolicy', 'get_mempolicy', 'mq_open',
  'mq_unlink', 'mq_timedsend', 'mq_timedreceive', 'mq_notify', 'mq_getsetattr', 'kexec_load', 'waitid',
  'add_key', 'request_key', 'keyctl', 'ioprio_set', 'ioprio_get', 'inotify_init', 'inotify_add_watch',
  'inotify_rm_watch', 'migrate_pages', 'openat', 'mkdirat', 'mknodat', 'fchownat', 'futimesat', 'newfstatat',
  'unlinkat', 'renameat', 'linkat', 'symlinkat', 'readlinkat', 'fchmodat', 'faccessat', 'pselect6', 'ppoll',
  'unshare', 'set_robust_list', 'get_robust_list', 'splice', 'tee', 'sync_file_range', 'vmsplice',
  'move_pages', 'utimensat', 'epoll_pwait', 'signalfd', 'timerfd_create', 'eventfd', 'fallocate',
  'timerfd_settime', 'timerfd_gettime', 'accept4', 'signalfd4', 'eventfd2', 'epoll_create1', 'dup3', 'pipe2',
  'inotify_init1', 'preadv', 'pwritev', 'rt_tgsigqueueinfo', 'perf_event_open', 'recvmmsg', 'fanotify_init',
  'fanotify_mark', 'prlimit64', 'name_to_handle_at', 'open_by_handle_at', 'clock_adjtime', 'syncfs',
  'sendmmsg', 'setns', 'getcpu', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'finit_module',
  'sched_setattr', 'sched_getattr', 'renameat2', 'seccomp', 'getrandom', 'memfd_create', 'kexec_file_load',
  'bpf', 'execveat', 'userfaultfd', 'membarrier', 'mlock2', 'copy_file_range', 'preadv2', 'pwritev2',
  'pkey_mprotect', 'pkey_alloc', 'pkey_free', 'statx', 'io_pgetevents', 'rseq', '', '', '', '', '', '', '',
  '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
  '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
  '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '',
  '', 'pidfd_send_signal', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'open_tree',
  'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'pidfd_open', 'clone3', 'close_range', 'openat2',
  'pidfd_getfd', 'faccessat2', 'process_madvise', 'epoll_pwait2', 'mount_setattr', 'quotactl_fd',
  'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self', 'memfd_secret',
  'process_mrelease', 'futex_waitv', 'set_mempolicy_home_node',
];

/** Syscall number for a name, or undefined. */
export function syscallNumber(name: string): number | undefined {
  const nr = SYSCALL_NAMES.indexOf(name);
  return nr >= 0 ? nr : undefined;
}

/** strace's spelling for a number: the name, or syscall_0x3e8 for numbers Linux does not have. */
export function syscallName(nr: number): string {
  // negative numbers print as the unsigned 64-bit value strace reads from orig_rax
  return (nr >= 0 && nr < SYSCALL_NAMES.length && SYSCALL_NAMES[nr]) || `syscall_0x${BigInt.asUintN(64, BigInt(nr)).toString(16)}`;
}

/**
 * How strace prints one argument.
 * - int: a C int (low 32 bits, signed); fd: the same; dirfd: int, -100 shows as AT_FDCWD
 * - ulong: unsigned decimal (size_t); long: signed 64-bit decimal (off_t); hex: 0x… (off_t for mmap)
 * - ptr: NULL or 0x…; path: a NUL-terminated string printed in full
 * - buf_in: bytes whose length is another argument (`len` is its index); printed at most 32 bytes
 * - buf_out: bytes the kernel wrote, length = the result; printed only on success
 * - buf_out_hex: the same, every byte as \xNN (getrandom)
 * - The rest name a flag set, an enum or a struct strace decodes.
 */
export type ArgKind =
  | 'int' | 'fd' | 'dirfd' | 'ulong' | 'long' | 'hex' | 'ptr' | 'path'
  | 'buf_in' | 'buf_out' | 'buf_out_hex'
  | 'open_flags' | 'mode' | 'prot' | 'map_flags' | 'whence' | 'signal' | 'sigaction_in' | 'sigaction_out'
  | 'sigset_in' | 'sigset_out' | 'sigprocmask_how' | 'timespec_in' | 'timespec_out' | 'clockid'
  | 'utsname_out' | 'iovec_in' | 'grnd_flags' | 'access_mode' | 'at_flags' | 'seccomp_op'
  | 'seccomp_flags' | 'seccomp_arg' | 'arch_prctl_code' | 'arch_prctl_arg' | 'prctl_option' | 'prctl_args';

export interface ArgSpec {
  kind: ArgKind;
  /** for buf_in and iovec_in: the index of the argument holding the length / count */
  len?: number;
}

/** How the result prints: decimal, hex (addresses: brk, mmap), or '?' because the call does not return. */
export type RetKind = 'int' | 'hex' | 'noreturn';

export interface SyscallSignature {
  args: ArgSpec[];
  ret?: RetKind;
}

const a = (kind: ArgKind, len?: number): ArgSpec => (len === undefined ? { kind } : { kind, len });

/** Signatures for the syscalls Ringstep's kernel implements, plus common neighbours. */
export const SIGNATURES: Record<string, SyscallSignature> = {
  read: { args: [a('fd'), a('buf_out'), a('ulong')] },
  write: { args: [a('fd'), a('buf_in', 2), a('ulong')] },
  open: { args: [a('path'), a('open_flags'), a('mode')] }, // mode only with O_CREAT/O_TMPFILE
  openat: { args: [a('dirfd'), a('path'), a('open_flags'), a('mode')] },
  close: { args: [a('fd')] },
  lseek: { args: [a('fd'), a('long'), a('whence')] },
  pread64: { args: [a('fd'), a('buf_out'), a('ulong'), a('long')] },
  pwrite64: { args: [a('fd'), a('buf_in', 2), a('ulong'), a('long')] },
  writev: { args: [a('fd'), a('iovec_in', 2), a('ulong')] },
  access: { args: [a('path'), a('access_mode')] },
  dup: { args: [a('fd')] },
  dup2: { args: [a('fd'), a('fd')] },
  getpid: { args: [] },
  gettid: { args: [] },
  getppid: { args: [] },
  getuid: { args: [] },
  geteuid: { args: [] },
  getgid: { args: [] },
  getegid: { args: [] },
  sched_yield: { args: [] },
  pause: { args: [] },
  uname: { args: [a('utsname_out')] },
  brk: { args: [a('ptr')], ret: 'hex' },
  mmap: { args: [a('ptr'), a('ulong'), a('prot'), a('map_flags'), a('fd'), a('hex')], ret: 'hex' },
  munmap: { args: [a('ptr'), a('ulong')] },
  mprotect: { args: [a('ptr'), a('ulong'), a('prot')] },
  arch_prctl: { args: [a('arch_prctl_code'), a('arch_prctl_arg')] },
  prctl: { args: [a('prctl_option'), a('prctl_args')] },
  seccomp: { args: [a('seccomp_op'), a('seccomp_flags'), a('seccomp_arg')] },
  rt_sigaction: { args: [a('signal'), a('sigaction_in'), a('sigaction_out'), a('ulong')] },
  rt_sigprocmask: { args: [a('sigprocmask_how'), a('sigset_in'), a('sigset_out'), a('ulong')] },
  rt_sigreturn: { args: [] }, // strace shows {mask=[...]} read from the frame at the user RSP
  kill: { args: [a('int'), a('signal')] },
  tkill: { args: [a('int'), a('signal')] },
  tgkill: { args: [a('int'), a('int'), a('signal')] },
  nanosleep: { args: [a('timespec_in'), a('ptr')] },
  clock_gettime: { args: [a('clockid'), a('timespec_out')] },
  getrandom: { args: [a('buf_out_hex'), a('ulong'), a('grnd_flags')] },
  exit: { args: [a('int')], ret: 'noreturn' },
  exit_group: { args: [a('int')], ret: 'noreturn' },
  chdir: { args: [a('path')] },
  mkdir: { args: [a('path'), a('mode')] },
  rmdir: { args: [a('path')] },
  unlink: { args: [a('path')] },
  unlinkat: { args: [a('dirfd'), a('path'), a('at_flags')] },
  set_tid_address: { args: [a('ptr')] },
  alarm: { args: [a('ulong')] },
};

// ---- errno ----------------------------------------------------------------------------------------

/** errno -> [name as strace prints it, message as glibc's strerror gives it]. */
export const ERRNO: Record<number, [string, string]> = {
  1: ['EPERM', 'Operation not permitted'],
  2: ['ENOENT', 'No such file or directory'],
  3: ['ESRCH', 'No such process'],
  4: ['EINTR', 'Interrupted system call'],
  5: ['EIO', 'Input/output error'],
  6: ['ENXIO', 'No such device or address'],
  7: ['E2BIG', 'Argument list too long'],
  8: ['ENOEXEC', 'Exec format error'],
  9: ['EBADF', 'Bad file descriptor'],
  10: ['ECHILD', 'No child processes'],
  11: ['EAGAIN', 'Resource temporarily unavailable'],
  12: ['ENOMEM', 'Cannot allocate memory'],
  13: ['EACCES', 'Permission denied'],
  14: ['EFAULT', 'Bad address'],
  15: ['ENOTBLK', 'Block device required'],
  16: ['EBUSY', 'Device or resource busy'],
  17: ['EEXIST', 'File exists'],
  18: ['EXDEV', 'Invalid cross-device link'],
  19: ['ENODEV', 'No such device'],
  20: ['ENOTDIR', 'Not a directory'],
  21: ['EISDIR', 'Is a directory'],
  22: ['EINVAL', 'Invalid argument'],
  23: ['ENFILE', 'Too many open files in system'],
  24: ['EMFILE', 'Too many open files'],
  25: ['ENOTTY', 'Inappropriate ioctl for device'],
  26: ['ETXTBSY', 'Text file busy'],
  27: ['EFBIG', 'File too large'],
  28: ['ENOSPC', 'No space left on device'],
  29: ['ESPIPE', 'Illegal seek'],
  30: ['EROFS', 'Read-only file system'],
  31: ['EMLINK', 'Too many links'],
  32: ['EPIPE', 'Broken pipe'],
  33: ['EDOM', 'Numerical argument out of domain'],
  34: ['ERANGE', 'Numerical result out of range'],
  35: ['EDEADLK', 'Resource deadlock avoided'],
  36: ['ENAMETOOLONG', 'File name too long'],
  37: ['ENOLCK', 'No locks available'],
  38: ['ENOSYS', 'Function not implemented'],
  39: ['ENOTEMPTY', 'Directory not empty'],
  40: ['ELOOP', 'Too many levels of symbolic links'],
  42: ['ENOMSG', 'No message of desired type'],
  43: ['EIDRM', 'Identifier removed'],
  44: ['ECHRNG', 'Channel number out of range'],
  45: ['EL2NSYNC', 'Level 2 not synchronized'],
  46: ['EL3HLT', 'Level 3 halted'],
  47: ['EL3RST', 'Level 3 reset'],
  48: ['ELNRNG', 'Link number out of range'],
  49: ['EUNATCH', 'Protocol driver not attached'],
  50: ['ENOCSI', 'No CSI structure available'],
  51: ['EL2HLT', 'Level 2 halted'],
  52: ['EBADE', 'Invalid exchange'],
  53: ['EBADR', 'Invalid request descriptor'],
  54: ['EXFULL', 'Exchange full'],
  55: ['ENOANO', 'No anode'],
  56: ['EBADRQC', 'Invalid request code'],
  57: ['EBADSLT', 'Invalid slot'],
  59: ['EBFONT', 'Bad font file format'],
  60: ['ENOSTR', 'Device not a stream'],
  61: ['ENODATA', 'No data available'],
  62: ['ETIME', 'Timer expired'],
  63: ['ENOSR', 'Out of streams resources'],
  64: ['ENONET', 'Machine is not on the network'],
  65: ['ENOPKG', 'Package not installed'],
  66: ['EREMOTE', 'Object is remote'],
  67: ['ENOLINK', 'Link has been severed'],
  68: ['EADV', 'Advertise error'],
  69: ['ESRMNT', 'Srmount error'],
  70: ['ECOMM', 'Communication error on send'],
  71: ['EPROTO', 'Protocol error'],
  72: ['EMULTIHOP', 'Multihop attempted'],
  73: ['EDOTDOT', 'RFS specific error'],
  74: ['EBADMSG', 'Bad message'],
  75: ['EOVERFLOW', 'Value too large for defined data type'],
  76: ['ENOTUNIQ', 'Name not unique on network'],
  77: ['EBADFD', 'File descriptor in bad state'],
  78: ['EREMCHG', 'Remote address changed'],
  79: ['ELIBACC', 'Can not access a needed shared library'],
  80: ['ELIBBAD', 'Accessing a corrupted shared library'],
  81: ['ELIBSCN', '.lib section in a.out corrupted'],
  82: ['ELIBMAX', 'Attempting to link in too many shared libraries'],
  83: ['ELIBEXEC', 'Cannot exec a shared library directly'],
  84: ['EILSEQ', 'Invalid or incomplete multibyte or wide character'],
  85: ['ERESTART', 'Interrupted system call should be restarted'],
  86: ['ESTRPIPE', 'Streams pipe error'],
  87: ['EUSERS', 'Too many users'],
  88: ['ENOTSOCK', 'Socket operation on non-socket'],
  89: ['EDESTADDRREQ', 'Destination address required'],
  90: ['EMSGSIZE', 'Message too long'],
  91: ['EPROTOTYPE', 'Protocol wrong type for socket'],
  92: ['ENOPROTOOPT', 'Protocol not available'],
  93: ['EPROTONOSUPPORT', 'Protocol not supported'],
  94: ['ESOCKTNOSUPPORT', 'Socket type not supported'],
  95: ['EOPNOTSUPP', 'Operation not supported'],
  96: ['EPFNOSUPPORT', 'Protocol family not supported'],
  97: ['EAFNOSUPPORT', 'Address family not supported by protocol'],
  98: ['EADDRINUSE', 'Address already in use'],
  99: ['EADDRNOTAVAIL', 'Cannot assign requested address'],
  100: ['ENETDOWN', 'Network is down'],
  101: ['ENETUNREACH', 'Network is unreachable'],
  102: ['ENETRESET', 'Network dropped connection on reset'],
  103: ['ECONNABORTED', 'Software caused connection abort'],
  104: ['ECONNRESET', 'Connection reset by peer'],
  105: ['ENOBUFS', 'No buffer space available'],
  106: ['EISCONN', 'Transport endpoint is already connected'],
  107: ['ENOTCONN', 'Transport endpoint is not connected'],
  108: ['ESHUTDOWN', 'Cannot send after transport endpoint shutdown'],
  109: ['ETOOMANYREFS', 'Too many references: cannot splice'],
  110: ['ETIMEDOUT', 'Connection timed out'],
  111: ['ECONNREFUSED', 'Connection refused'],
  112: ['EHOSTDOWN', 'Host is down'],
  113: ['EHOSTUNREACH', 'No route to host'],
  114: ['EALREADY', 'Operation already in progress'],
  115: ['EINPROGRESS', 'Operation now in progress'],
  116: ['ESTALE', 'Stale file handle'],
  117: ['EUCLEAN', 'Structure needs cleaning'],
  118: ['ENOTNAM', 'Not a XENIX named type file'],
  119: ['ENAVAIL', 'No XENIX semaphores available'],
  120: ['EISNAM', 'Is a named type file'],
  121: ['EREMOTEIO', 'Remote I/O error'],
  122: ['EDQUOT', 'Disk quota exceeded'],
  123: ['ENOMEDIUM', 'No medium found'],
  124: ['EMEDIUMTYPE', 'Wrong medium type'],
  125: ['ECANCELED', 'Operation canceled'],
  126: ['ENOKEY', 'Required key not available'],
  127: ['EKEYEXPIRED', 'Key has expired'],
  128: ['EKEYREVOKED', 'Key has been revoked'],
  129: ['EKEYREJECTED', 'Key was rejected by service'],
  130: ['EOWNERDEAD', 'Owner died'],
  131: ['ENOTRECOVERABLE', 'State not recoverable'],
  132: ['ERFKILL', 'Operation not possible due to RF-kill'],
};

/** Kernel-internal restart codes: user space never sees them, but strace can (`= ? ERESTARTSYS (...)`). */
export const RESTART_ERRNO: Record<number, [string, string]> = {
  512: ['ERESTARTSYS', 'To be restarted if SA_RESTART is set'],
  513: ['ERESTARTNOINTR', 'To be restarted'],
  514: ['ERESTARTNOHAND', 'To be restarted if no handler'],
  516: ['ERESTART_RESTARTBLOCK', 'Interrupted by signal'],
};

export function errnoName(e: number): string {
  return ERRNO[e]?.[0] ?? RESTART_ERRNO[e]?.[0] ?? `errno${e}`;
}

export function errnoNumber(name: string): number | undefined {
  for (const [k, v] of Object.entries(ERRNO)) if (v[0] === name) return Number(k);
  return undefined;
}

// ---- signals ----------------------------------------------------------------------------------------

/** Signal numbers 1..31 on x86-64 (index = number). */
export const SIGNAL_NAMES: readonly string[] = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR',
  'SIGSYS',
];

/** strace's name for a signal number: SIGUSR1, SIGRTMIN, SIGRT_3, or the bare number. */
export function signalName(sig: number): string {
  if (sig > 0 && sig < 32) return SIGNAL_NAMES[sig];
  if (sig === 32) return 'SIGRTMIN';
  if (sig > 32 && sig <= 64) return `SIGRT_${sig - 32}`;
  return String(sig);
}

export function signalNumber(name: string): number | undefined {
  const i = SIGNAL_NAMES.indexOf(name);
  return i > 0 ? i : undefined;
}

/** si_code values strace names (include/uapi/asm-generic/siginfo.h). */
export const SI_USER = 0;
export const SI_KERNEL = 0x80;
export const SI_QUEUE = -1;
export const SI_TKILL = -6;
export const SEGV_MAPERR = 1;
export const SEGV_ACCERR = 2;
export const ILL_ILLOPN = 2;
export const FPE_INTDIV = 1;
export const SYS_SECCOMP = 1;
/** AUDIT_ARCH_X86_64 = EM_X86_64 (62) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE: what seccomp_data.arch holds. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;

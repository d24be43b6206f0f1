// Syscall names and signatures for hover, completion and inlay hints, from the emulator's own
// syscall catalogue (emulator/trace/syscalls.ts), so the editor names calls exactly as strace does.

import { SYSCALL_NAMES, SIGNATURES, type ArgKind } from '../../emulator/trace/syscalls';

const ARG_TEXT: Partial<Record<ArgKind, string>> = {
  int: 'int', fd: 'unsigned int fd', dirfd: 'int dirfd', ulong: 'size_t', long: 'off_t', hex: 'unsigned long', ptr: 'void *',
  path: 'const char *path', buf_in: 'const void *buf', buf_out: 'void *buf', buf_out_hex: 'void *buf',
  open_flags: 'int flags', mode: 'umode_t mode', prot: 'int prot', map_flags: 'int flags', whence: 'unsigned int whence',
  signal: 'int sig', sigaction_in: 'const struct sigaction *act', sigaction_out: 'struct sigaction *oact',
  sigset_in: 'const sigset_t *set', sigset_out: 'sigset_t *oset', sigprocmask_how: 'int how', timespec_in: 'const struct timespec *',
  timespec_out: 'struct timespec *', clockid: 'clockid_t', utsname_out: 'struct new_utsname *name', iovec_in: 'const struct iovec *vec',
  grnd_flags: 'unsigned int flags', access_mode: 'int mode', at_flags: 'int flags', seccomp_op: 'unsigned int op',
  seccomp_flags: 'unsigned int flags', seccomp_arg: 'void *uargs', arch_prctl_code: 'int option', arch_prctl_arg: 'unsigned long arg2',
  prctl_option: 'int option', prctl_args: 'unsigned long arg',
};

export const ARG_REGISTERS = ['rdi', 'rsi', 'rdx', 'r10', 'r8', 'r9'];

export interface SyscallDescription {
  nr: number;
  name: string;
  /** `read(unsigned int fd, void *buf, size_t)`, or `name(...)` when the catalogue has no signature */
  signature: string;
  /** argument texts, in register order (rdi, rsi, rdx, r10, r8, r9) */
  args: string[];
}

export function describeSyscall(nr: number): SyscallDescription | undefined {
  const name = nr >= 0 && nr < SYSCALL_NAMES.length ? SYSCALL_NAMES[nr] : '';
  if (!name) return undefined;
  const sig = SIGNATURES[name];
  const args = sig ? sig.args.map((a) => ARG_TEXT[a.kind] ?? a.kind) : [];
  return { nr, name, signature: sig ? `${name}(${args.join(', ')})` : `${name}(...)`, args };
}

export function allSyscalls(): SyscallDescription[] {
  const out: SyscallDescription[] = [];
  for (let nr = 0; nr < SYSCALL_NAMES.length; nr++) {
    const d = describeSyscall(nr);
    if (d) out.push(d);
  }
  return out;
}

// emulator/trace: the syscall catalogue and the strace-format printer (no Node modules).
export * from './syscalls';
export * from './strace';

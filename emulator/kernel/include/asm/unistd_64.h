# arch/x86/include/generated/uapi/asm/unistd_64.h -- x86-64 system call numbers.
#
# Generated in Linux from arch/x86/entry/syscalls/syscall_64.tbl. Only the numbers this kernel
# implements (or that user programs commonly try) are listed; every other number below
# NR_syscalls reaches __x64_sys_ni_syscall and returns -ENOSYS.

.equ __NR_read,			0
.equ __NR_write,		1
.equ __NR_open,			2
.equ __NR_close,		3
.equ __NR_stat,			4
.equ __NR_fstat,		5
.equ __NR_lseek,		8
.equ __NR_mmap,			9
.equ __NR_mprotect,		10
.equ __NR_munmap,		11
.equ __NR_brk,			12
.equ __NR_rt_sigaction,		13
.equ __NR_rt_sigprocmask,	14
.equ __NR_rt_sigreturn,		15
.equ __NR_ioctl,		16
.equ __NR_pread64,		17
.equ __NR_writev,		20
.equ __NR_access,		21
.equ __NR_nanosleep,		35
.equ __NR_getpid,		39
.equ __NR_fork,			57
.equ __NR_execve,		59
.equ __NR_exit,			60
.equ __NR_kill,			62
.equ __NR_uname,		63
.equ __NR_getuid,		102
.equ __NR_getgid,		104
.equ __NR_geteuid,		107
.equ __NR_getegid,		108
.equ __NR_getppid,		110
.equ __NR_prctl,		157
.equ __NR_arch_prctl,		158
.equ __NR_gettid,		186
.equ __NR_clock_gettime,	228
.equ __NR_exit_group,		231
.equ __NR_tgkill,		234
.equ __NR_openat,		257
.equ __NR_newfstatat,		262
.equ __NR_seccomp,		317
.equ __NR_getrandom,		318
.equ __NR_restart_syscall,	219

# One past the highest native number in Linux 6.12 (462, mseal).
.equ NR_syscalls,		463

# x32 system calls have this bit set in RAX; this kernel is built without CONFIG_X86_X32_ABI.
.equ __X32_SYSCALL_BIT,		0x40000000

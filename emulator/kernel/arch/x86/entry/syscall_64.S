# arch/x86/entry/syscall_64.c -- the system call table and x64_sys_call.
#
# sys_call_table[nr] is the address of the handler for system call number nr. Numbers this kernel
# does not implement point at __x64_sys_ni_syscall ("not implemented"), which returns -ENOSYS.
# Linux generates the table from arch/x86/entry/syscalls/syscall_64.tbl; here __SYSCALL fills the
# gaps as it goes, so the list below reads like that .tbl file.
#
# ---------------------------------------------------------------------------------------------
# WHO DEFINES WHICH HANDLER. Each handler is `long __x64_sys_NAME(const struct pt_regs *regs)`,
# written with SYSCALL_DEFINEn (include/asm/syscall_wrapper.h).
#   fs/ and the entry path:
#     __x64_sys_read  __x64_sys_write  __x64_sys_open  __x64_sys_close  __x64_sys_lseek
#     __x64_sys_pread64  __x64_sys_writev  __x64_sys_openat  __x64_sys_ni_syscall
#   mm/, kernel/ and drivers/char/ (memory, signals, seccomp, process ids, time, exit):
#     __x64_sys_mmap  __x64_sys_mprotect  __x64_sys_munmap  __x64_sys_brk
#     __x64_sys_rt_sigaction  __x64_sys_rt_sigprocmask  __x64_sys_rt_sigreturn
#     __x64_sys_nanosleep  __x64_sys_getpid  __x64_sys_exit  __x64_sys_kill
#     __x64_sys_newuname  __x64_sys_getuid  __x64_sys_getgid  __x64_sys_geteuid
#     __x64_sys_getegid  __x64_sys_getppid  __x64_sys_prctl  __x64_sys_arch_prctl
#     __x64_sys_gettid  __x64_sys_clock_gettime  __x64_sys_exit_group  __x64_sys_tgkill
#     __x64_sys_seccomp  __x64_sys_getrandom
#   and these functions the entry/fault code calls (C calling convention, see README.md):
#     int  __secure_computing(const struct seccomp_data *sd /* NULL */)
#              called by syscall_trace_enter when SYSCALL_WORK_SECCOMP is set;
#              returns 0 to run the syscall, -1 to skip it (then pt_regs->ax is the result).
#     void arch_do_signal_or_restart(struct pt_regs *regs)
#              called on the way out while TIF_SIGPENDING is set; must clear TIF_SIGPENDING
#              once nothing deliverable is left (the exit loop re-reads the flags).
#     void force_sig_fault(int sig, int code, void __user *addr)
#              called by the exception handlers for faults from user mode.
# ---------------------------------------------------------------------------------------------

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/asm/unistd_64.h"

	.section .rodata, "a"
	.balign 8

.set __syscall_next_nr, 0

# __SYSCALL nr, entry: sys_call_table[nr] = entry, after filling the numbers skipped since the
# last one with __x64_sys_ni_syscall. Entries must come in increasing order.
.macro __SYSCALL nr, entry
	.if \nr - __syscall_next_nr
	.rept \nr - __syscall_next_nr
	.quad	__x64_sys_ni_syscall
	.endr
	.endif
	.quad	\entry
	.set	__syscall_next_nr, \nr + 1
.endm

SYM_DATA_START sys_call_table
	__SYSCALL 0,   __x64_sys_read
	__SYSCALL 1,   __x64_sys_write
	__SYSCALL 2,   __x64_sys_open
	__SYSCALL 3,   __x64_sys_close
	__SYSCALL 8,   __x64_sys_lseek
	__SYSCALL 9,   __x64_sys_mmap
	__SYSCALL 10,  __x64_sys_mprotect
	__SYSCALL 11,  __x64_sys_munmap
	__SYSCALL 12,  __x64_sys_brk
	__SYSCALL 13,  __x64_sys_rt_sigaction
	__SYSCALL 14,  __x64_sys_rt_sigprocmask
	__SYSCALL 15,  __x64_sys_rt_sigreturn
	__SYSCALL 17,  __x64_sys_pread64
	__SYSCALL 20,  __x64_sys_writev
	__SYSCALL 35,  __x64_sys_nanosleep
	__SYSCALL 39,  __x64_sys_getpid
	__SYSCALL 60,  __x64_sys_exit
	__SYSCALL 62,  __x64_sys_kill
	__SYSCALL 63,  __x64_sys_newuname
	__SYSCALL 102, __x64_sys_getuid
	__SYSCALL 104, __x64_sys_getgid
	__SYSCALL 107, __x64_sys_geteuid
	__SYSCALL 108, __x64_sys_getegid
	__SYSCALL 110, __x64_sys_getppid
	__SYSCALL 157, __x64_sys_prctl
	__SYSCALL 158, __x64_sys_arch_prctl
	__SYSCALL 186, __x64_sys_gettid
	__SYSCALL 228, __x64_sys_clock_gettime
	__SYSCALL 231, __x64_sys_exit_group
	__SYSCALL 234, __x64_sys_tgkill
	__SYSCALL 257, __x64_sys_openat
	__SYSCALL 317, __x64_sys_seccomp
	__SYSCALL 318, __x64_sys_getrandom
	# ... up to NR_syscalls - 1, all "not implemented"
	.rept NR_syscalls - __syscall_next_nr
	.quad	__x64_sys_ni_syscall
	.endr
SYM_DATA_END sys_call_table

	.text

# long x64_sys_call(const struct pt_regs *regs, unsigned int nr)
#
# Linux 6.12 compiles this into a `switch (nr)` with one direct `call __x64_sys_NAME` per case:
# since the Branch History Injection attack (2024), an indirect call whose target comes from a
# table is something user space might steer under speculation, so Linux stopped making it. We
# keep the older, shorter form (an indirect call through sys_call_table, as Linux did until
# 6.9) because a 463-case switch is not something anyone wants to step through. The index was
# already clamped by array_index_nospec in do_syscall_x64.
SYM_FUNC_START x64_sys_call
	movl	%esi, %esi				# nr is unsigned int
	call	*sys_call_table(, %rsi, 8)		# rdi = regs, unchanged
	ret
SYM_FUNC_END x64_sys_call

# long __x64_sys_ni_syscall(const struct pt_regs *regs): kernel/sys_ni.c's sys_ni_syscall.
SYM_FUNC_START __x64_sys_ni_syscall
	movq	$-ENOSYS, %rax
	ret
SYM_FUNC_END __x64_sys_ni_syscall

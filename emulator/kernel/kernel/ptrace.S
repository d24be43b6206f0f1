# kernel/ptrace.c + include/linux/ptrace.h -- stopping for the tracer.
#
# In Linux a traced task stops (ptrace_stop) and its tracer (strace, gdb) wakes up and reads the
# registers with PTRACE_GETREGS. Our tracer is the machine itself: an OUT to its ptrace port is
# the stop, AL says which kind, and RDI points at pt_regs (RSI at the siginfo for a signal).
# The tracer may write pt_regs before the OUT completes (orig_ax = -1 skips the call).

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/ringstep_io.h"

	.text

# int ptrace_report_syscall_entry(struct pt_regs *regs): 0 = go on.
SYM_FUNC_START ptrace_report_syscall_entry
	movb	$PTRACE_REPORT_SYSCALL_ENTRY, %al
	movw	$RINGSTEP_PTRACE_PORT, %dx
	outb	%al, %dx			# the task stops here until the tracer lets it go
	xorl	%eax, %eax
	ret
SYM_FUNC_END ptrace_report_syscall_entry

# void ptrace_report_syscall_exit(struct pt_regs *regs, int step)
# A task with SIGKILL pending does not stop any more (ptrace_stop checks __fatal_signal_pending):
# after kill(getpid(), SIGKILL) the tracer never sees the exit, and strace prints `kill(...) = ?`.
SYM_FUNC_START ptrace_report_syscall_exit
	movq	%gs:PCPU_current_task, %rax
	testq	$1 << (9 - 1), TASK_pending_signal(%rax)	# sigmask(SIGKILL)
	jnz	1f
	movb	$PTRACE_REPORT_SYSCALL_EXIT, %al
	movw	$RINGSTEP_PTRACE_PORT, %dx
	outb	%al, %dx
1:	ret
SYM_FUNC_END ptrace_report_syscall_exit

# void ptrace_report_signal(struct pt_regs *regs, kernel_siginfo_t *info)
# For signal delivery (kernel/signal.S): strace prints "--- SIGSEGV {si_signo=...} ---". Only when traced.
SYM_FUNC_START ptrace_report_signal
	movq	%gs:PCPU_current_task, %rax
	cmpq	$0, TASK_ptrace(%rax)
	je	.Lnot_traced
	movb	$PTRACE_REPORT_SIGNAL, %al
	movw	$RINGSTEP_PTRACE_PORT, %dx
	outb	%al, %dx
.Lnot_traced:
	ret
SYM_FUNC_END ptrace_report_signal

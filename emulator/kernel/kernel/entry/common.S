# kernel/entry/common.c + include/linux/entry-common.h + arch/x86/include/asm/entry-common.h
# -- the generic work done on the way into and out of a system call (and out of an exception).

.include "include/linux/linkage.h"
.include "include/asm/cpufeatures.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/thread_info.h"

	.text

# long syscall_enter_from_user_mode(struct pt_regs *regs, long syscall)
SYM_FUNC_START syscall_enter_from_user_mode
	# enter_from_user_mode(): lockdep and context tracking bookkeeping (nothing to do here).
	# local_irq_enable(): the syscall body runs with interrupts on (SYSCALL turned them off).
	sti
	# syscall_enter_from_user_mode_work(): any reason to take the slow path?
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_ti_syscall_work(%rax), %rdx
	testq	$SYSCALL_WORK_ENTER, %rdx
	jnz	syscall_trace_enter		# tail call: (regs, syscall, work)
	movslq	%esi, %rax			# fast path: the number is unchanged
	ret
SYM_FUNC_END syscall_enter_from_user_mode

# long syscall_trace_enter(struct pt_regs *regs, long syscall, unsigned long work)
# The order is Linux's: syscall user dispatch, ptrace, seccomp, tracepoint, audit. Returns the
# (possibly changed) number, or -1 to skip the call.
SYM_FUNC_START_LOCAL syscall_trace_enter
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %rbx			# regs
	movq	%rdx, %r12			# work

	# (Syscall user dispatch: not built.)

	# ptrace: stop and let the tracer look (strace prints the call's name and arguments).
	testq	$(SYSCALL_WORK_SYSCALL_TRACE | SYSCALL_WORK_SYSCALL_EMU), %r12
	jz	.Lno_ptrace_entry
	movq	%rbx, %rdi
	call	ptrace_report_syscall_entry
	testl	%eax, %eax
	jnz	.Lskip_syscall
	movq	%gs:PCPU_current_task, %rax	# the tracer may have changed the work bits
	movq	TASK_ti_syscall_work(%rax), %r12
.Lno_ptrace_entry:

	# seccomp: run the filters (kernel/seccomp.S). -1 means do not run the call.
	testq	$SYSCALL_WORK_SECCOMP, %r12
	jz	.Lno_seccomp
	xorl	%edi, %edi			# sd = NULL: seccomp reads current's pt_regs itself
	call	__secure_computing
	cmpl	$-1, %eax
	je	.Lskip_syscall
.Lno_seccomp:

	# Re-read the number: the tracer or seccomp may have changed orig_ax.
	movslq	pt_regs_orig_ax(%rbx), %rax	# syscall_get_nr(): (int)regs->orig_ax
	# (Tracepoint and audit: not built.)
	popq	%r12
	popq	%rbx
	ret

.Lskip_syscall:
	movq	$-1, %rax
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END syscall_trace_enter

# void syscall_exit_to_user_mode(struct pt_regs *regs)
SYM_FUNC_START syscall_exit_to_user_mode
	pushq	%rbx
	movq	%rdi, %rbx
	# syscall_exit_to_user_mode_prepare(): (rseq: not built) then the exit half of tracing.
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_ti_syscall_work(%rax), %rsi
	testq	$SYSCALL_WORK_EXIT, %rsi
	jz	.Lno_exit_work
	movq	%rbx, %rdi
	call	syscall_exit_work
.Lno_exit_work:
	# local_irq_disable_exit_to_user(): from here to SYSRET/IRET nothing may interrupt us,
	# or a signal could arrive after we looked for one.
	cli
	movq	%rbx, %rdi
	call	exit_to_user_mode_prepare
	# exit_to_user_mode(): context tracking; arch_exit_to_user_mode() (amd_clear_divider on
	# AMD parts with the DIV0 erratum) -- nothing to do here.
	popq	%rbx
	ret
SYM_FUNC_END syscall_exit_to_user_mode

# static void syscall_exit_work(struct pt_regs *regs, unsigned long work)
SYM_FUNC_START_LOCAL syscall_exit_work
	# (Syscall user dispatch, audit, tracepoint: not built.)
	testq	$(SYSCALL_WORK_SYSCALL_TRACE | SYSCALL_WORK_SYSCALL_EXIT_TRAP), %rsi
	jz	.Lno_ptrace_exit
	jmp	ptrace_report_syscall_exit	# strace prints " = result"
.Lno_ptrace_exit:
	ret
SYM_FUNC_END syscall_exit_work

# void irqentry_exit_to_user_mode(struct pt_regs *regs): the same exit work after an exception.
SYM_FUNC_START irqentry_exit_to_user_mode
	cli
	jmp	exit_to_user_mode_prepare
SYM_FUNC_END irqentry_exit_to_user_mode

# static void exit_to_user_mode_prepare(struct pt_regs *regs)
SYM_FUNC_START_LOCAL exit_to_user_mode_prepare
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_ti_flags(%rax), %rsi
	testq	$EXIT_TO_USER_MODE_WORK, %rsi
	jz	.Lno_exit_loop
	call	exit_to_user_mode_loop		# (regs, ti_work)
.Lno_exit_loop:
	# arch_exit_to_user_mode_prepare(): choose_random_kstack_offset() for the next syscall.
	# Linux mixes in rdtsc(); we use RDRAND so the machine's --seed decides it.
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_RANDOMIZE_KSTACK, .Lno_choose_offset
	rdrand	%eax
	movq	%gs:PCPU_current_task, %rdx
	movl	TASK_kstack_offset(%rdx), %ecx
	rorl	$5, %ecx			# offset = ror32(offset, 5) ^ rand
	xorl	%eax, %ecx
	movl	%ecx, TASK_kstack_offset(%rdx)
.Lno_choose_offset:
	ret
SYM_FUNC_END exit_to_user_mode_prepare

# static unsigned long exit_to_user_mode_loop(struct pt_regs *regs, unsigned long ti_work)
# Handle each pending reason, then look again: handling one may raise another.
SYM_FUNC_START_LOCAL exit_to_user_mode_loop
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %rbx
	movq	%rsi, %r12
.Lexit_work_loop:
	sti					# work may sleep: interrupts on
	testq	$_TIF_NEED_RESCHED, %r12
	jz	.Lno_resched
	call	schedule
.Lno_resched:
	# (uprobes, live patching: not built.)
	testq	$(_TIF_SIGPENDING | _TIF_NOTIFY_SIGNAL), %r12
	jz	.Lno_signal
	movq	%rbx, %rdi
	call	arch_do_signal_or_restart	# kernel/signal.S
.Lno_signal:
	testq	$_TIF_NOTIFY_RESUME, %r12
	jz	.Lno_notify_resume
	movq	%gs:PCPU_current_task, %rax	# resume_user_mode_work(): nothing registered
	btrq $TIF_NOTIFY_RESUME, TASK_ti_flags(%rax)
.Lno_notify_resume:
	cli
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_ti_flags(%rax), %r12
	testq	$EXIT_TO_USER_MODE_WORK, %r12
	jnz	.Lexit_work_loop
	movq	%r12, %rax
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END exit_to_user_mode_loop

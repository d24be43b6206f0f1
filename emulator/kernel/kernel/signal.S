# kernel/signal.c and arch/x86/kernel/signal.c, signal_64.c -- sending, blocking and delivering signals.
#
# A signal is a note left for a task: "something happened (a fault, a kill()), run this handler or
# take the default action before you next run user code". Sending only records it (a pending bit,
# a siginfo, TIF_SIGPENDING). Delivery happens on the way back to user mode: the exit path sees
# TIF_SIGPENDING and calls arch_do_signal_or_restart(regs). A user handler is entered by rewriting
# the saved pt_regs -- ip = handler, sp = a new rt_sigframe holding the old registers -- so the
# ordinary return to user mode "returns" into the handler. The handler's `ret` lands on the
# restorer (SA_RESTORER), which calls rt_sigreturn to put the saved registers back.
#
# This kernel has one task, so "the target task" is always `current`; per-task state lives in
# task_struct (blocked, pending_signal) and, for the 64 handlers and the queued siginfos, in
# init_sighand and sigqueue_info below.

.include "include/generated/asm-offsets.h"
.include "include/linux/linkage.h"
.include "include/asm/thread_info.h"
.include "include/asm/segment.h"
.include "include/asm/processor-flags.h"
.include "include/asm/unistd_64.h"
.include "include/uapi/asm/errno.h"
.include "include/asm/ringstep_io.h"
.include "include/uapi/asm/signal.h"
.include "include/uapi/asm-generic/siginfo.h"
.include "include/linux/signal.h"
.include "include/uapi/asm/sigcontext.h"
.include "include/uapi/asm/ucontext.h"
.include "include/asm/sigframe.h"
.include "include/asm/syscall_wrapper.h"

# Signals that a fault raises synchronously are delivered first (kernel/signal.c SYNCHRONOUS_MASK),
# so the handler sees the fault before any kill() that raced with it.
.equ SYNCHRONOUS_MASK, (1 << (SIGSEGV-1)) | (1 << (SIGBUS-1)) | (1 << (SIGILL-1)) | (1 << (SIGTRAP-1)) | (1 << (SIGFPE-1)) | (1 << (SIGSYS-1))
# The flags sigreturn may restore (arch/x86/kernel/signal_64.c FIX_EFLAGS): the arithmetic flags,
# DF, TF, AC and RF. IF, IOPL and the rest stay the kernel's choice, or a handler could raise IOPL.
.equ FIX_EFLAGS, X86_EFLAGS_AC|X86_EFLAGS_OF|X86_EFLAGS_DF|X86_EFLAGS_TF|X86_EFLAGS_SF|X86_EFLAGS_ZF|X86_EFLAGS_AF|X86_EFLAGS_PF|X86_EFLAGS_CF|X86_EFLAGS_RF
# Bytes below the user RSP a leaf function may use without moving RSP (the ABI's red zone):
# the signal frame must not overwrite them.
.equ RED_ZONE, 128

	.text

# ---- small helpers ---------------------------------------------------------------------------------

# recalc_sigpending(): TIF_SIGPENDING <=> some pending signal is not blocked.
SYM_FUNC_START recalc_sigpending
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_pending_signal(%rax), %rcx
	movq	TASK_blocked(%rax), %rdx
	notq	%rdx
	testq	%rdx, %rcx
	jz	1f
	lock orq $_TIF_SIGPENDING, TI_flags(%rax)
	ret
1:	lock andq $~_TIF_SIGPENDING, TI_flags(%rax)
	ret
SYM_FUNC_END recalc_sigpending

# k_sigaction_of(sig = edi) -> rax = &init_sighand[sig - 1]
SYM_FUNC_START_LOCAL k_sigaction_of
	leal	-1(%rdi), %eax
	shlq	$5, %rax			# * KSA_SIZE
	leaq	init_sighand(%rip), %rcx
	addq	%rcx, %rax
	ret
SYM_FUNC_END k_sigaction_of

# sig_ignored(sig = edi) -> eax = 1 when sending it would have no effect (kernel/signal.c):
# the handler is SIG_IGN, or SIG_DFL with an "ignore" default -- but only if the signal is not
# blocked, because a blocked signal must stay pending in case the task unblocks it later.
SYM_FUNC_START_LOCAL sig_ignored
	movq	%gs:PCPU_current_task, %rdx
	leal	-1(%rdi), %ecx
	movq	TASK_blocked(%rdx), %rax
	btq	%rcx, %rax
	jc	2f
	call	k_sigaction_of
	movq	KSA_handler(%rax), %rax
	cmpq	$SIG_IGN, %rax
	je	1f
	testq	%rax, %rax
	jnz	2f
	movl	$SIG_KERNEL_IGNORE_MASK, %eax
	leal	-1(%rdi), %ecx
	btl	%ecx, %eax
	jnc	2f
1:	movl	$1, %eax
	ret
2:	xorl	%eax, %eax
	ret
SYM_FUNC_END sig_ignored

# send_signal_locked(sig = edi, info = rsi): queue one signal for current.
# Classic signals (< 32) do not queue twice: a second SIGUSR1 while one is pending is merged
# (kernel/signal.c legacy_queue). This kernel keeps one siginfo slot per signal for RT ones too.
SYM_FUNC_START send_signal_locked
	pushq	%rbx
	pushq	%r12
	movl	%edi, %ebx
	movq	%rsi, %r12
	# A traced task queues even an ignored signal: its tracer may want to see it (strace prints
	# "--- SIGUSR2 ... ---" for a SIG_IGN signal); get_signal discards it after the report.
	movq	%gs:PCPU_current_task, %rax
	testq	$SYSCALL_WORK_SYSCALL_TRACE, TI_syscall_work(%rax)
	jz	1f
	cmpl	$SIGKILL, %ebx
	jne	2f
1:	call	sig_ignored
	testl	%eax, %eax
	jnz	9f
2:
	movq	%gs:PCPU_current_task, %rax
	leal	-1(%rbx), %ecx
	movq	TASK_pending_signal(%rax), %rdx
	btq	%rcx, %rdx
	jc	9f				# already pending: merged
	# sigqueue_info[sig] = *info
	movl	%ebx, %edi
	shlq	$7, %rdi			# * SIGINFO_SIZE
	leaq	sigqueue_info(%rip), %rax
	addq	%rax, %rdi
	movq	%r12, %rsi
	movl	$SIGINFO_SIZE, %ecx
	rep movsb
	movq	%gs:PCPU_current_task, %rax
	leal	-1(%rbx), %ecx
	lock btsq %rcx, TASK_pending_signal(%rax)
	call	recalc_sigpending
9:	xorl	%eax, %eax
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END send_signal_locked

# force_sig_info_to_task(info = rdi, exit = esi) (kernel/signal.c): a signal the task cannot
# refuse. If it is blocked or ignored, unblock it and restore SIG_DFL -- a fault the task ignores
# would otherwise re-execute the faulting instruction forever. With `exit` (seccomp's KILL), the
# action also becomes immutable so a tracer cannot cancel it.
SYM_FUNC_START force_sig_info_to_task
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %r12
	movl	%esi, %r13d
	movl	SI_signo(%r12), %ebx
	movl	%ebx, %edi
	call	k_sigaction_of
	movq	%gs:PCPU_current_task, %rdx
	leal	-1(%rbx), %ecx
	movq	TASK_blocked(%rdx), %rsi
	btq	%rcx, %rsi
	setc	%sil				# blocked?
	cmpq	$SIG_IGN, KSA_handler(%rax)
	sete	%dil				# ignored?
	orb	%dil, %sil
	orb	%r13b, %sil
	jz	1f
	testb	%dil, %dil
	jz	2f
	movq	$SIG_DFL, KSA_handler(%rax)
2:	testl	%r13d, %r13d
	jz	3f
	movq	$SIG_DFL, KSA_handler(%rax)
	orq	$SA_IMMUTABLE, KSA_flags(%rax)
3:	lock btrq %rcx, TASK_blocked(%rdx)
1:	movl	%ebx, %edi
	movq	%r12, %rsi
	call	send_signal_locked
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END force_sig_info_to_task

# force_sig_fault(sig = edi, code = esi, addr = rdx): what the exception handlers call for a user
# fault (arch/x86/mm/fault.c, traps.c): #PF -> SIGSEGV SEGV_MAPERR/ACCERR with the faulting
# address; #GP -> SIGSEGV SI_KERNEL (addr 0: the CPU does not say which address was bad);
# #UD -> SIGILL ILL_ILLOPN; #DE -> SIGFPE FPE_INTDIV (addr = the faulting instruction).
SYM_FUNC_START force_sig_fault
	subq	$SIGINFO_SIZE + 8, %rsp
	movq	%rdi, %r8
	movq	%rsp, %rdi
	movl	$SIGINFO_SIZE / 8, %ecx
	xorl	%eax, %eax
	rep stosq
	movl	%r8d, SI_signo(%rsp)
	movl	%esi, SI_code(%rsp)
	movq	%rdx, SI_addr(%rsp)
	movq	%rsp, %rdi
	xorl	%esi, %esi
	call	force_sig_info_to_task
	addq	$SIGINFO_SIZE + 8, %rsp
	ret
SYM_FUNC_END force_sig_fault

# force_sigsegv(sig = edi): the signal frame could not be written (a bad user stack, or no
# SA_RESTORER). Linux then kills with SIGSEGV -- and if the failed signal was SIGSEGV itself, resets
# its handler first so the same unwritable stack cannot loop forever.
SYM_FUNC_START force_sigsegv
	cmpl	$SIGSEGV, %edi
	jne	1f
	call	k_sigaction_of
	movq	$SIG_DFL, KSA_handler(%rax)
1:	movl	$SIGSEGV, %edi
	movl	$SI_KERNEL, %esi
	xorl	%edx, %edx
	jmp	force_sig_fault
SYM_FUNC_END force_sigsegv

# prepare_kill_siginfo(info = rdi, sig = esi, code = edx): SI_USER/SI_TKILL carry the sender's pid
# and uid, which is how a handler can tell a kill() from a fault.
SYM_FUNC_START_LOCAL prepare_kill_siginfo
	movq	%rdi, %r8
	movl	$SIGINFO_SIZE / 8, %ecx
	xorl	%eax, %eax
	rep stosq
	movl	%esi, SI_signo(%r8)
	movl	%edx, SI_code(%r8)
	movq	%gs:PCPU_current_task, %rax
	movl	TASK_tgid(%rax), %ecx
	movl	%ecx, SI_pid(%r8)
	movl	TASK_uid(%rax), %ecx
	movl	%ecx, SI_uid(%r8)
	ret
SYM_FUNC_END prepare_kill_siginfo

# ---- kill(2), tgkill(2) ------------------------------------------------------------------------------

# __do_sys_kill(pid = rdi, sig = esi): pid > 0 one process, 0 our group, -1 everyone we may signal,
# < -1 the group -pid. Here the only process is current, so 0 means us and anything else that
# is not our pid finds nobody (-ESRCH). The signal number is checked after the lookup, as Linux
# does in check_kill_permission.
SYSCALL_DEFINE2 kill, int, pid, int, sig
	movq	%gs:PCPU_current_task, %rax
	testl	%edi, %edi
	jz	1f
	cmpl	TASK_tgid(%rax), %edi
	jne	.Lkill_esrch
1:	movl	%esi, %edi
	movl	$SI_USER, %edx
	jmp	do_send_specific
.Lkill_esrch:
	movq	$-ESRCH, %rax
	ret
SYSCALL_END kill

# __do_sys_tgkill(tgid, pid, sig): a thread of a given process. Naming the process too avoids
# signalling a stranger that reused a thread id.
SYSCALL_DEFINE3 tgkill, int, tgid, int, pid, int, sig
	testl	%edi, %edi
	jle	1f
	testl	%esi, %esi
	jle	1f
	movq	%gs:PCPU_current_task, %rax
	cmpl	TASK_tgid(%rax), %edi
	jne	2f
	cmpl	TASK_pid(%rax), %esi
	jne	2f
	movl	%edx, %edi
	movl	$SI_TKILL, %edx
	jmp	do_send_specific
1:	movq	$-EINVAL, %rax
	ret
2:	movq	$-ESRCH, %rax
	ret
SYSCALL_END tgkill

# do_send_specific(sig = edi, code = edx): check the number, then queue with the sender's pid/uid.
# Signal 0 sends nothing: it only asks "does this process exist and may I signal it?".
SYM_FUNC_START_LOCAL do_send_specific
	cmpl	$_NSIG, %edi
	ja	1f
	testl	%edi, %edi
	js	1f
	jz	2f
	pushq	%rbx
	subq	$SIGINFO_SIZE, %rsp
	movl	%edi, %ebx
	movl	%edi, %esi
	movq	%rsp, %rdi
	call	prepare_kill_siginfo
	movl	%ebx, %edi
	movq	%rsp, %rsi
	call	send_signal_locked
	addq	$SIGINFO_SIZE, %rsp
	popq	%rbx
2:	xorl	%eax, %eax
	ret
1:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END do_send_specific

# ---- rt_sigaction(2), rt_sigprocmask(2) ------------------------------------------------------------------

# __do_sys_rt_sigaction(sig, act, oact, sigsetsize)
SYSCALL_DEFINE4 rt_sigaction, int, sig, ptr, act, ptr, oact, size_t, sigsetsize
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	subq	$2 * KSA_SIZE + 8, %rsp		# new_sa at 0, old_sa at KSA_SIZE
	movl	%edi, %ebx
	movq	%rsi, %r12
	movq	%rdx, %r13
	# The sigset size is part of the ABI: 8 bytes on x86-64. Anything else is a caller built for
	# another kernel, and guessing would be worse than refusing.
	cmpq	$8, %rcx
	jne	.Lsa_einval
	testq	%r12, %r12
	jz	1f
	movq	%rsp, %rdi
	movq	%r12, %rsi
	movl	$KSA_SIZE, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	.Lsa_efault
1:	# do_sigaction: a valid number; SIGKILL and SIGSTOP keep their default action forever, so
	# the administrator can always stop a process.
	cmpl	$1, %ebx
	jl	.Lsa_einval
	cmpl	$_NSIG, %ebx
	jg	.Lsa_einval
	movl	%ebx, %edi
	call	k_sigaction_of
	movq	%rax, %r14
	testq	%r12, %r12
	jz	2f
	cmpl	$SIGKILL, %ebx
	je	.Lsa_einval
	cmpl	$SIGSTOP, %ebx
	je	.Lsa_einval
	testq	$SA_IMMUTABLE, KSA_flags(%r14)
	jnz	.Lsa_einval
2:	# old_sa = *k
	leaq	KSA_SIZE(%rsp), %rdi
	movq	%r14, %rsi
	movl	$KSA_SIZE, %ecx
	rep movsb
	testq	%r12, %r12
	jz	3f
	# *k = new_sa, with KILL and STOP removed from the handler's mask.
	andq	$~SIG_KERNEL_ONLY_MASK, KSA_mask(%rsp)
	movq	%r14, %rdi
	movq	%rsp, %rsi
	movl	$KSA_SIZE, %ecx
	rep movsb
	# POSIX: setting SIG_IGN (or SIG_DFL for an ignore-by-default signal) discards a pending one.
	movl	%ebx, %edi
	call	sig_ignored
	testl	%eax, %eax
	jz	3f
	movq	%gs:PCPU_current_task, %rax
	leal	-1(%rbx), %ecx
	lock btrq %rcx, TASK_pending_signal(%rax)
	call	recalc_sigpending
3:	testq	%r13, %r13
	jz	4f
	movq	%r13, %rdi
	leaq	KSA_SIZE(%rsp), %rsi
	andq	$~SA_IMMUTABLE, KSA_flags(%rsi)	# kernel-only flag never leaks to user space
	movl	$KSA_SIZE, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	.Lsa_efault
4:	xorl	%eax, %eax
	jmp	.Lsa_out
.Lsa_einval:
	movq	$-EINVAL, %rax
	jmp	.Lsa_out
.Lsa_efault:
	movq	$-EFAULT, %rax
.Lsa_out:
	addq	$2 * KSA_SIZE + 8, %rsp
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END rt_sigaction

# __do_sys_rt_sigprocmask(how, nset, oset, sigsetsize)
SYSCALL_DEFINE4 rt_sigprocmask, int, how, ptr, nset, ptr, oset, size_t, sigsetsize
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	subq	$16, %rsp			# new_set at 0, old_set at 8
	movl	%edi, %ebx
	movq	%rsi, %r12
	movq	%rdx, %r13
	cmpq	$8, %rcx
	jne	.Lspm_einval
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_blocked(%rax), %rax
	movq	%rax, 8(%rsp)
	testq	%r12, %r12
	jz	2f
	movq	%rsp, %rdi
	movq	%r12, %rsi
	movl	$8, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	.Lspm_efault
	movq	(%rsp), %rdx
	andq	$~SIG_KERNEL_ONLY_MASK, %rdx
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_blocked(%rax), %rcx
	cmpl	$SIG_BLOCK, %ebx
	jne	1f
	orq	%rdx, %rcx
	jmp	.Lspm_set
1:	cmpl	$SIG_UNBLOCK, %ebx
	jne	1f
	notq	%rdx
	andq	%rdx, %rcx
	jmp	.Lspm_set
1:	cmpl	$SIG_SETMASK, %ebx
	jne	.Lspm_einval
	movq	%rdx, %rcx
.Lspm_set:
	movq	%rcx, TASK_blocked(%rax)
	# Unblocking may expose a pending signal: it is delivered on this very return to user mode.
	call	recalc_sigpending
2:	testq	%r13, %r13
	jz	3f
	movq	%r13, %rdi
	leaq	8(%rsp), %rsi
	movl	$8, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	.Lspm_efault
3:	xorl	%eax, %eax
	jmp	.Lspm_out
.Lspm_einval:
	movq	$-EINVAL, %rax
	jmp	.Lspm_out
.Lspm_efault:
	movq	$-EFAULT, %rax
.Lspm_out:
	addq	$16, %rsp
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END rt_sigprocmask

# ---- delivery ------------------------------------------------------------------------------------------

# get_signal(regs = rdi) -> eax = the signal to handle (0: none); rdx = its siginfo.
# Dequeues pending unblocked signals until one needs a user handler. Default actions happen here:
# ignore, or terminate the whole process with the wait status a parent would see (signal number,
# | 0x80 when a core dump was written).
SYM_FUNC_START get_signal
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %r13
.Lget_next:
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_pending_signal(%rax), %rcx
	movq	TASK_blocked(%rax), %rdx
	notq	%rdx
	andq	%rdx, %rcx
	jz	.Lget_none
	movq	%rcx, %rdx
	andq	$SYNCHRONOUS_MASK, %rdx
	jz	1f
	movq	%rdx, %rcx			# faults first
1:	bsfq	%rcx, %rcx
	lock btrq %rcx, TASK_pending_signal(%rax)
	leal	1(%rcx), %ebx			# ebx = sig
	call	recalc_sigpending
	movl	%ebx, %r12d
	shlq	$7, %r12
	leaq	sigqueue_info(%rip), %rax
	addq	%rax, %r12			# r12 = &sigqueue_info[sig]
	movl	%ebx, %edi
	call	k_sigaction_of
	# ptrace_signal: a tracer (strace) is told about the signal before it acts -- that is the
	# "--- SIGSEGV {...} ---" line. A forced fatal signal (SA_IMMUTABLE) is not reported.
	testq	$SA_IMMUTABLE, KSA_flags(%rax)
	jnz	2f
	cmpl	$SIGKILL, %ebx			# SIGKILL goes straight to the group exit, unreported
	je	2f
	movq	%gs:PCPU_current_task, %rcx
	testq	$SYSCALL_WORK_SYSCALL_TRACE, TI_syscall_work(%rcx)
	jz	2f
	pushq	%rax
	pushq	%rsi
	movq	%r13, %rdi
	movq	%r12, %rsi
	pushq	%rdx
	movl	$PTRACE_REPORT_SIGNAL, %eax
	movw	$RINGSTEP_PTRACE_PORT, %dx
	outb	%al, %dx
	popq	%rdx
	popq	%rsi
	popq	%rax
2:	movq	KSA_handler(%rax), %rcx
	cmpq	$SIG_IGN, %rcx
	je	.Lget_next
	testq	%rcx, %rcx
	jnz	.Lget_handler
	# SIG_DFL
	leal	-1(%rbx), %ecx
	movl	$SIG_KERNEL_IGNORE_MASK | SIG_KERNEL_STOP_MASK, %edx
	btl	%ecx, %edx
	jc	.Lget_next
	# Fatal. A core-dumping signal sets bit 7 only when a core was actually written; like a
	# shell with `ulimit -c 0` (the usual default), this kernel writes none unless core_dumps_enabled.
	movl	%ebx, %edi
	movl	$SIG_KERNEL_COREDUMP_MASK, %edx
	btl	%ecx, %edx
	jnc	3f
	cmpb	$0, core_dumps_enabled(%rip)
	je	3f
	orl	$0x80, %edi
3:	call	do_group_exit			# does not return
.Lget_handler:
	movl	%ebx, %eax
	movq	%r12, %rdx
	jmp	.Lget_out
.Lget_none:
	xorl	%eax, %eax
	xorl	%edx, %edx
.Lget_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END get_signal

# arch_do_signal_or_restart(regs = rdi): called by exit_to_user_mode_loop when TIF_SIGPENDING is set.
SYM_FUNC_START arch_do_signal_or_restart
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %rbx
	call	get_signal
	testl	%eax, %eax
	jz	.Lno_signal
	movl	%eax, %r12d
	movq	%rdx, %r13
	movl	%r12d, %edi
	movq	%r13, %rsi
	movq	%rbx, %rdx
	call	handle_signal
	jmp	.Ldsr_out
.Lno_signal:
	# Nothing deliverable is left (or only blocked signals): TIF_SIGPENDING must go, or the exit
	# loop would call us forever.
	call	recalc_sigpending
	# No handler ran: a syscall interrupted with a restart code is simply executed again.
	# orig_ax == -1 means "not in a syscall" (an exception, or after sigreturn).
	cmpq	$-1, pt_regs_orig_ax(%rbx)
	je	.Ldsr_out
	movq	pt_regs_ax(%rbx), %rax
	cmpq	$-ERESTARTNOHAND, %rax
	je	1f
	cmpq	$-ERESTARTSYS, %rax
	je	1f
	cmpq	$-ERESTARTNOINTR, %rax
	je	1f
	cmpq	$-ERESTART_RESTARTBLOCK, %rax
	jne	.Ldsr_out
	movq	$__NR_restart_syscall, pt_regs_ax(%rbx)
	subq	$2, pt_regs_ip(%rbx)
	jmp	.Ldsr_out
1:	movq	pt_regs_orig_ax(%rbx), %rax
	movq	%rax, pt_regs_ax(%rbx)
	# Back up over the 2-byte SYSCALL so it runs again. ip no longer equals cx, so this return
	# takes the IRET path.
	subq	$2, pt_regs_ip(%rbx)
.Ldsr_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END arch_do_signal_or_restart

# handle_signal(sig = edi, info = rsi, regs = rdx): restart rules, then the frame, then the mask.
SYM_FUNC_START_LOCAL handle_signal
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movl	%edi, %r12d
	movq	%rsi, %r13
	movq	%rdx, %rbx
	call	k_sigaction_of
	movq	%rax, %r14			# r14 = ka
	# A syscall interrupted by a signal that has a handler: -EINTR, or restart after the handler
	# returns when SA_RESTART asks for it.
	cmpq	$-1, pt_regs_orig_ax(%rbx)
	je	.Lhs_frame
	movq	pt_regs_ax(%rbx), %rax
	cmpq	$-ERESTART_RESTARTBLOCK, %rax
	je	.Lhs_eintr
	cmpq	$-ERESTARTNOHAND, %rax
	je	.Lhs_eintr
	cmpq	$-ERESTARTSYS, %rax
	jne	1f
	testq	$SA_RESTART, KSA_flags(%r14)
	jz	.Lhs_eintr
	jmp	.Lhs_restart
1:	cmpq	$-ERESTARTNOINTR, %rax
	jne	.Lhs_frame
.Lhs_restart:
	movq	pt_regs_orig_ax(%rbx), %rax
	movq	%rax, pt_regs_ax(%rbx)
	subq	$2, pt_regs_ip(%rbx)
	jmp	.Lhs_frame
.Lhs_eintr:
	movq	$-EINTR, pt_regs_ax(%rbx)
.Lhs_frame:
	movl	%r12d, %edi
	movq	%r14, %rsi
	movq	%r13, %rdx
	movq	%rbx, %rcx
	call	setup_rt_frame
	testq	%rax, %rax
	jz	2f
	movl	%r12d, %edi
	call	force_sigsegv
	jmp	.Lhs_out
2:	# signal_setup_done: while the handler runs, block its sa_mask and (unless SA_NODEFER) the
	# signal itself, so a second one cannot re-enter the handler mid-way.
	movq	%gs:PCPU_current_task, %rax
	movq	KSA_mask(%r14), %rdx
	testq	$SA_NODEFER, KSA_flags(%r14)
	jnz	3f
	leal	-1(%r12), %ecx
	btsq	%rcx, %rdx
3:	andq	$~SIG_KERNEL_ONLY_MASK, %rdx
	orq	%rdx, TASK_blocked(%rax)
	testl	$SA_RESETHAND, KSA_flags(%r14)	# bit 31: a 32-bit test (no sign-extended imm32)
	jz	4f
	movq	$SIG_DFL, KSA_handler(%r14)
4:	call	recalc_sigpending
.Lhs_out:
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END handle_signal

# setup_rt_frame(sig = edi, ka = rsi, info = rdx, regs = rcx) -> rax = 0, or -EFAULT.
# Builds struct rt_sigframe in a kernel buffer, copies it below the user's stack (and red zone),
# then points the saved registers at the handler: the return to user mode enters it as if called
# as handler(sig, &frame->info, &frame->uc), with `ret` going to sa_restorer.
SYM_FUNC_START_LOCAL setup_rt_frame
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rbp
	subq	$RT_SIGFRAME_SIZE + 8, %rsp	# rsp = the kernel copy of the frame
	movl	%edi, %r12d
	movq	%rsi, %r13
	movq	%rdx, %r14
	movq	%rcx, %rbx
	# x86-64 has no kernel-provided trampoline: without SA_RESTORER the handler would return
	# to nowhere, so Linux refuses to build the frame.
	testq	$SA_RESTORER, KSA_flags(%r13)
	jz	.Lsrf_efault
	# get_sigframe: below the red zone, then aligned so that at the handler's first instruction
	# (%rsp + 8) is 16-byte aligned -- exactly as if the handler had been `call`ed.
	movq	pt_regs_sp(%rbx), %r15
	subq	$RED_ZONE + RT_SIGFRAME_SIZE, %r15
	andq	$~15, %r15
	subq	$8, %r15			# r15 = user address of the frame
	# zero the kernel copy
	movq	%rsp, %rdi
	movl	$(RT_SIGFRAME_SIZE + 7) / 8, %ecx
	xorl	%eax, %eax
	rep stosq
	movq	KSA_restorer(%r13), %rax
	movq	%rax, RTF_pretcode(%rsp)
	movq	$UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS, RTF_uc + UC_flags(%rsp)
	movl	$SS_DISABLE, RTF_uc + UC_stack + 8(%rsp)	# no sigaltstack
	# setup_sigcontext: every user register as it was when the signal arrived.
	leaq	RTF_uc + UC_mcontext(%rsp), %rdi
	movq	pt_regs_r8(%rbx), %rax
	movq	%rax, SC_r8(%rdi)
	movq	pt_regs_r9(%rbx), %rax
	movq	%rax, SC_r9(%rdi)
	movq	pt_regs_r10(%rbx), %rax
	movq	%rax, SC_r10(%rdi)
	movq	pt_regs_r11(%rbx), %rax
	movq	%rax, SC_r11(%rdi)
	movq	pt_regs_r12(%rbx), %rax
	movq	%rax, SC_r12(%rdi)
	movq	pt_regs_r13(%rbx), %rax
	movq	%rax, SC_r13(%rdi)
	movq	pt_regs_r14(%rbx), %rax
	movq	%rax, SC_r14(%rdi)
	movq	pt_regs_r15(%rbx), %rax
	movq	%rax, SC_r15(%rdi)
	movq	pt_regs_di(%rbx), %rax
	movq	%rax, SC_di(%rdi)
	movq	pt_regs_si(%rbx), %rax
	movq	%rax, SC_si(%rdi)
	movq	pt_regs_bp(%rbx), %rax
	movq	%rax, SC_bp(%rdi)
	movq	pt_regs_bx(%rbx), %rax
	movq	%rax, SC_bx(%rdi)
	movq	pt_regs_dx(%rbx), %rax
	movq	%rax, SC_dx(%rdi)
	movq	pt_regs_ax(%rbx), %rax
	movq	%rax, SC_ax(%rdi)
	movq	pt_regs_cx(%rbx), %rax
	movq	%rax, SC_cx(%rdi)
	movq	pt_regs_sp(%rbx), %rax
	movq	%rax, SC_sp(%rdi)
	movq	pt_regs_ip(%rbx), %rax
	movq	%rax, SC_ip(%rdi)
	movq	pt_regs_flags(%rbx), %rax
	movq	%rax, SC_flags(%rdi)
	movq	pt_regs_cs(%rbx), %rax
	movw	%ax, SC_cs(%rdi)
	movq	pt_regs_ss(%rbx), %rax
	movw	%ax, SC_ss(%rdi)
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_thread_trap_nr(%rax), %rcx	# the last user fault's trap, error code and address
	movq	%rcx, SC_trapno(%rdi)
	movq	TASK_thread_error_code(%rax), %rcx
	movq	%rcx, SC_err(%rdi)
	movq	TASK_thread_cr2(%rax), %rcx
	movq	%rcx, SC_cr2(%rdi)
	movq	TASK_blocked(%rax), %rax
	movq	%rax, SC_oldmask(%rdi)
	# fpstate stays NULL: this kernel saves no FPU/SSE state; sigreturn treats NULL as "none".
	movq	%rax, RTF_uc + UC_sigmask(%rsp)	# the mask to restore on sigreturn
	# the siginfo the handler's second argument points at
	leaq	RTF_info(%rsp), %rdi
	movq	%r14, %rsi
	movl	$SIGINFO_SIZE, %ecx
	rep movsb
	# copy_to_user: a bad user stack is caught by the exception table, not by a crash.
	movq	%r15, %rdi
	movq	%rsp, %rsi
	movl	$RT_SIGFRAME_SIZE, %edx
	call	copy_to_user
	testq	%rax, %rax
	jnz	.Lsrf_efault
	# Point the registers at the handler.
	movslq	%r12d, %rax
	movq	%rax, pt_regs_di(%rbx)		# arg 1: the signal
	leaq	RTF_info(%r15), %rax
	movq	%rax, pt_regs_si(%rbx)		# arg 2: &frame->info
	leaq	RTF_uc(%r15), %rax
	movq	%rax, pt_regs_dx(%rbx)		# arg 3: &frame->uc
	movq	$0, pt_regs_ax(%rbx)		# for non-variadic handlers called as variadic
	movq	%r15, pt_regs_sp(%rbx)
	movq	KSA_handler(%r13), %rax
	movq	%rax, pt_regs_ip(%rbx)
	movq	$__USER_CS, pt_regs_cs(%rbx)
	movq	$__USER_DS, pt_regs_ss(%rbx)
	# The handler starts with DF clear (the ABI says so), no single-step trap, no pending RF.
	andq	$~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF), pt_regs_flags(%rbx)
	xorl	%eax, %eax
	jmp	.Lsrf_out
.Lsrf_efault:
	movq	$-EFAULT, %rax
.Lsrf_out:
	addq	$RT_SIGFRAME_SIZE + 8, %rsp
	popq	%rbp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END setup_rt_frame

# ---- rt_sigreturn(2) ---------------------------------------------------------------------------------

# rt_sigreturn reads the frame the handler's `ret` left RSP pointing into (just past pretcode),
# and restores every register from it. Because ip, cx and flags all change, do_syscall_64's
# checks send this return through IRETQ: SYSRET could not restore RCX, R11 or RF.
SYSCALL_DEFINE0 rt_sigreturn
	pushq	%rbx
	pushq	%r12
	subq	$UCONTEXT_SIZE + 8, %rsp
	movq	%gs:PCPU_cpu_current_top_of_stack, %rbx
	subq	$PTREGS_SIZE, %rbx		# regs
	movq	%rsp, %rdi
	movq	pt_regs_sp(%rbx), %rsi		# frame = sp - 8: uc starts at sp
	movl	$UCONTEXT_SIZE, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	.Lsr_badframe
	# set_current_blocked(uc_sigmask), never blocking KILL/STOP
	movq	UC_sigmask(%rsp), %rax
	andq	$~SIG_KERNEL_ONLY_MASK, %rax
	movq	%gs:PCPU_current_task, %rcx
	movq	%rax, TASK_blocked(%rcx)
	call	recalc_sigpending
	# restore_sigcontext
	leaq	UC_mcontext(%rsp), %rsi
	movq	SC_r8(%rsi), %rax
	movq	%rax, pt_regs_r8(%rbx)
	movq	SC_r9(%rsi), %rax
	movq	%rax, pt_regs_r9(%rbx)
	movq	SC_r10(%rsi), %rax
	movq	%rax, pt_regs_r10(%rbx)
	movq	SC_r11(%rsi), %rax
	movq	%rax, pt_regs_r11(%rbx)
	movq	SC_r12(%rsi), %rax
	movq	%rax, pt_regs_r12(%rbx)
	movq	SC_r13(%rsi), %rax
	movq	%rax, pt_regs_r13(%rbx)
	movq	SC_r14(%rsi), %rax
	movq	%rax, pt_regs_r14(%rbx)
	movq	SC_r15(%rsi), %rax
	movq	%rax, pt_regs_r15(%rbx)
	movq	SC_di(%rsi), %rax
	movq	%rax, pt_regs_di(%rbx)
	movq	SC_si(%rsi), %rax
	movq	%rax, pt_regs_si(%rbx)
	movq	SC_bp(%rsi), %rax
	movq	%rax, pt_regs_bp(%rbx)
	movq	SC_bx(%rsi), %rax
	movq	%rax, pt_regs_bx(%rbx)
	movq	SC_dx(%rsi), %rax
	movq	%rax, pt_regs_dx(%rbx)
	movq	SC_cx(%rsi), %rax
	movq	%rax, pt_regs_cx(%rbx)
	movq	SC_sp(%rsi), %rax
	movq	%rax, pt_regs_sp(%rbx)
	movq	SC_ip(%rsi), %rax
	movq	%rax, pt_regs_ip(%rbx)
	# Selectors come back with RPL 3 forced: a forged frame cannot ask for ring 0.
	movzwl	SC_cs(%rsi), %eax
	orl	$3, %eax
	movq	%rax, pt_regs_cs(%rbx)
	movzwl	SC_ss(%rsi), %eax
	orl	$3, %eax
	movq	%rax, pt_regs_ss(%rbx)
	movq	SC_flags(%rsi), %rax
	andq	$FIX_EFLAGS, %rax
	movq	pt_regs_flags(%rbx), %rcx
	andq	$~FIX_EFLAGS, %rcx
	orq	%rcx, %rax
	movq	%rax, pt_regs_flags(%rbx)
	# Not a syscall any more: no restart logic may touch the restored registers.
	movq	$-1, pt_regs_orig_ax(%rbx)
	# The return value is the interrupted code's RAX, so do_syscall_64 stores it back unchanged.
	movq	SC_ax(%rsi), %rax
	jmp	.Lsr_out
.Lsr_badframe:
	# A handler that corrupted or unmapped its frame cannot be resumed.
	movl	$SIGSEGV, %edi
	call	force_sigsegv
	xorl	%eax, %eax
.Lsr_out:
	addq	$UCONTEXT_SIZE + 8, %rsp
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END rt_sigreturn

	.data
# Whether a core-dumping default action reports "core dumped" (wait status | 0x80). Off, like a
# shell with `ulimit -c 0`: a segfault then shows as status 11 (exit code 139 in a shell).
SYM_DATA_START core_dumps_enabled
	.byte	0
SYM_DATA_END core_dumps_enabled

	.bss
	.balign 64
# sighand_struct.action[64]: one k_sigaction per signal, all SIG_DFL (zero) at boot.
SYM_DATA_START init_sighand
	.skip	_NSIG * KSA_SIZE
SYM_DATA_END init_sighand
# The queued siginfo of each pending signal, indexed by signal number (slot 0 unused).
SYM_DATA_START sigqueue_info
	.skip	(_NSIG + 1) * SIGINFO_SIZE
SYM_DATA_END sigqueue_info

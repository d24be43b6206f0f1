# arch/x86/kernel/traps.c -- what each exception does.
#
# Every handler is handler(struct pt_regs *regs, unsigned long error_code). A fault in user mode
# is the program's problem: it gets a signal (force_sig_fault, kernel/signal.S) which is delivered on the
# way out. A fault in kernel mode is either an expected one (a user access with an __ex_table
# fixup) or a kernel bug: an oops.

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/current.h"
.include "include/asm/trapnr.h"
.include "include/uapi/asm/signal.h"
.include "include/uapi/asm-generic/siginfo.h"

	.section .rodata, "a"
str_divide_error:	.asciz "divide error"
str_debug:		.asciz "debug"
str_nmi:		.asciz "NMI"
str_int3:		.asciz "int3"
str_overflow:		.asciz "overflow"
str_bounds:		.asciz "bounds"
str_invalid_op:		.asciz "invalid opcode"
str_device_na:		.asciz "device not available"
str_double_fault:	.asciz "double fault"
str_coproc_overrun:	.asciz "coprocessor segment overrun"
str_invalid_tss:	.asciz "invalid TSS"
str_not_present:	.asciz "segment not present"
str_stack_segment:	.asciz "stack segment"
str_gp:			.asciz "general protection fault"
str_spurious:		.asciz "spurious interrupt bug"
str_coproc_error:	.asciz "coprocessor error"
str_alignment:		.asciz "alignment check"
str_machine_check:	.asciz "machine check"
str_simd:		.asciz "SIMD coprocessor error"

	.text

# static void do_error_trap(struct pt_regs *regs, long error_code, const char *str,
#                           int trapnr, int signr, int sicode)   -- with addr = regs->ip
SYM_FUNC_START_LOCAL do_error_trap
	testb	$3, pt_regs_cs(%rdi)
	jz	.Ltrap_in_kernel
	# User mode (do_trap): remember which trap and its error code -- the signal frame's
	# sigcontext reports them (trapno, err), so a handler can tell a #GP from a #UD -- then
	# force_sig_fault(signr, sicode, address). The address is where it happened, except for
	# SI_KERNEL signals, which carry none.
	GET_CURRENT %rax
	movl	%ecx, %r10d
	movq	%r10, TASK_thread_trap_nr(%rax)
	movq	%rsi, TASK_thread_error_code(%rax)
	movq	pt_regs_ip(%rdi), %rdx
	cmpl	$SI_KERNEL, %r9d
	jne	1f
	xorl	%edx, %edx
1:	movl	%r8d, %edi
	movl	%r9d, %esi
	jmp	force_sig_fault
.Ltrap_in_kernel:
	# Kernel mode: an expected fault has a fixup; anything else is a bug.
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	movl	%ecx, %esi
	call	fixup_exception
	popq	%rdx
	popq	%rsi
	popq	%rdi
	testl	%eax, %eax
	jnz	.Ltrap_fixed
	xchgq	%rdi, %rdx			# die(str, regs, error_code)
	xchgq	%rsi, %rdx			# rdi = str, rsi = regs, rdx = error_code
	jmp	die
.Ltrap_fixed:
	ret
SYM_FUNC_END do_error_trap

# TRAP_HANDLER name, str, trapnr, signr, sicode
.macro TRAP_HANDLER name, str, trapnr, signr, sicode
SYM_FUNC_START \name
	leaq	\str(%rip), %rdx
	movl	$\trapnr, %ecx
	movl	$\signr, %r8d
	movl	$\sicode, %r9d
	jmp	do_error_trap
SYM_FUNC_END \name
.endm

	TRAP_HANDLER exc_divide_error,		str_divide_error,	X86_TRAP_DE,	SIGFPE,  FPE_INTDIV
	TRAP_HANDLER exc_overflow,		str_overflow,		X86_TRAP_OF,	SIGSEGV, SI_KERNEL
	TRAP_HANDLER exc_bounds,		str_bounds,		X86_TRAP_BR,	SIGSEGV, SI_KERNEL
	TRAP_HANDLER exc_invalid_op,		str_invalid_op,		X86_TRAP_UD,	SIGILL,  ILL_ILLOPN
	TRAP_HANDLER exc_device_not_available,	str_device_na,		X86_TRAP_NM,	SIGSEGV, SI_KERNEL
	TRAP_HANDLER exc_coproc_segment_overrun, str_coproc_overrun,	X86_TRAP_OLD_MF, SIGFPE, SI_KERNEL
	TRAP_HANDLER exc_invalid_tss,		str_invalid_tss,	X86_TRAP_TS,	SIGSEGV, SI_KERNEL
	TRAP_HANDLER exc_segment_not_present,	str_not_present,	X86_TRAP_NP,	SIGBUS,  SI_KERNEL
	TRAP_HANDLER exc_stack_segment,		str_stack_segment,	X86_TRAP_SS,	SIGBUS,  SI_KERNEL
	TRAP_HANDLER exc_general_protection,	str_gp,			X86_TRAP_GP,	SIGSEGV, SI_KERNEL
	TRAP_HANDLER exc_int3,			str_int3,		X86_TRAP_BP,	SIGTRAP, SI_KERNEL
	TRAP_HANDLER exc_coprocessor_error,	str_coproc_error,	X86_TRAP_MF,	SIGFPE,  SI_KERNEL
	TRAP_HANDLER exc_alignment_check,	str_alignment,		X86_TRAP_AC,	SIGBUS,  BUS_ADRERR
	TRAP_HANDLER exc_simd_coprocessor_error, str_simd,		X86_TRAP_XF,	SIGFPE,  SI_KERNEL
	TRAP_HANDLER exc_spurious_interrupt_bug, str_spurious,		X86_TRAP_SPURIOUS, SIGSEGV, SI_KERNEL

# #DB: from user mode it is a single step (TF) -> SIGTRAP/TRAP_TRACE; in the kernel, ignore it.
SYM_FUNC_START exc_debug
	testb	$3, pt_regs_cs(%rdi)
	jz	1f
	GET_CURRENT %rax			# send_sigtrap(): trapno 1, err 0 in the sigcontext
	movq	$X86_TRAP_DB, TASK_thread_trap_nr(%rax)
	movq	$0, TASK_thread_error_code(%rax)
	movq	pt_regs_ip(%rdi), %rdx
	movl	$SIGTRAP, %edi
	movl	$TRAP_TRACE, %esi
	jmp	force_sig_fault
1:	ret
SYM_FUNC_END exc_debug

# Never recoverable: say what happened and stop.
SYM_FUNC_START exc_double_fault
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	leaq	str_double_fault(%rip), %rdi
	jmp	die
SYM_FUNC_END exc_double_fault

SYM_FUNC_START exc_machine_check
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	leaq	str_machine_check(%rip), %rdi
	jmp	die
SYM_FUNC_END exc_machine_check

SYM_FUNC_START exc_nmi
	ret
SYM_FUNC_END exc_nmi

# struct pt_regs *sync_regs(struct pt_regs *eregs)
# An exception from user mode arrived on the small per-CPU entry stack; copy its pt_regs to the
# top of the task's own stack, where every syscall's pt_regs lives too, and continue there.
SYM_FUNC_START sync_regs
	movq	%rdi, %rsi
	movq	%gs:PCPU_cpu_current_top_of_stack, %rdi
	subq	$PTREGS_SIZE, %rdi
	movq	%rdi, %rax
	movl	$PTREGS_SIZE / 8, %ecx
	rep movsq
	ret
SYM_FUNC_END sync_regs

# struct pt_regs *fixup_bad_iret(struct pt_regs *bad_regs)
# iretq faulted on the frame it was given (bad_regs->sp points at that 5-word frame). Make it
# look like the fault happened in user mode at the frame's RIP: the general registers were all
# restored already, so copy them, then the frame the iretq was trying to load.
SYM_FUNC_START fixup_bad_iret
	movq	%rdi, %rsi
	movq	%gs:PCPU_cpu_current_top_of_stack, %rdi
	subq	$PTREGS_SIZE, %rdi
	movq	%rdi, %rax
	movl	$pt_regs_ip / 8, %ecx		# r15 .. orig_ax
	rep movsq
	movq	pt_regs_sp - pt_regs_ip(%rsi), %rsi	# the bad IRET frame
	movl	$5, %ecx			# ip, cs, flags, sp, ss
	rep movsq
	ret
SYM_FUNC_END fixup_bad_iret

# arch/x86/entry/entry_64.S -- the door between user space and the kernel.
#
# Everything in this file's .entry.text section is mapped in BOTH page tables of a process: the
# user one (CR3 bit 12 set, used while user code runs when PTI is on) and the kernel one. That is
# what lets the first instructions after SYSCALL, an exception, or the last ones before SYSRET /
# IRET run while the user page table is still (or already) loaded.
#
# The state on arrival from SYSCALL (the CPU did this, nothing was pushed):
#   rax = system call number        rcx = user RIP to return to     r11 = user RFLAGS
#   rdi, rsi, rdx, r10, r8, r9 = arguments 1..6
#   rsp = still the USER stack      GS.base = still the user's      CS = 0x10, SS = 0x18, CPL 0
#   RFLAGS = user RFLAGS & ~FMASK: interrupts off, DF and AC clear, TF clear.

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/asm/segment.h"
.include "include/asm/msr-index.h"
.include "include/asm/processor-flags.h"
.include "include/asm/cpufeatures.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/page_types.h"
.include "include/asm/calling.h"
.include "include/asm/nospec-branch.h"
.include "include/asm/trapnr.h"

	.section .entry.text, "ax"
	.balign 4096				# BOOT.md: .entry.text starts on a page boundary
SYM_INNER_LABEL __entry_text_start

# ------------------------------------------------------------------------------------------------
# entry_SYSCALL_64: LSTAR points here. Every 64-bit `syscall` instruction lands on this line.
# ------------------------------------------------------------------------------------------------
SYM_CODE_START entry_SYSCALL_64
	# GS.base still holds the user's value, and the kernel finds its per-CPU data through GS:
	# swap in the kernel's (kept in MSR_KERNEL_GS_BASE while user code runs).
	swapgs

	# RSP is the user's stack pointer: never trust it, never push on it. Park it in a per-CPU
	# slot nobody else uses: the TSS's ring-2 stack field (x86-64 Linux never uses ring 2).
	movq	%rsp, %gs:PCPU_cpu_tss_rw + TSS_sp2

	# PTI: switch to the kernel half of the PGD pair. RSP is free to use as the scratch register.
	SWITCH_TO_KERNEL_CR3 %rsp

	# The top of this task's kernel stack. pt_regs will occupy its highest 168 bytes.
	movq	%gs:PCPU_cpu_current_top_of_stack, %rsp
SYM_INNER_LABEL entry_SYSCALL_64_safe_stack

	# Build the same 5-word frame an interrupt would have pushed, so that from here on a system
	# call looks like any other entry: the IRET path can return from it unchanged.
	pushq	$__USER_DS				# pt_regs->ss
	pushq	%gs:PCPU_cpu_tss_rw + TSS_sp2		# pt_regs->sp   (the user RSP parked above)
	pushq	%r11					# pt_regs->flags (user RFLAGS, saved by SYSCALL)
	pushq	$__USER_CS				# pt_regs->cs
	pushq	%rcx					# pt_regs->ip   (user RIP, saved by SYSCALL)
SYM_INNER_LABEL entry_SYSCALL_64_after_hwframe

	# orig_ax keeps the number as user space passed it (all 64 bits). pt_regs->ax will be
	# overwritten by the return value; orig_ax survives, so a tracer can see which call this
	# was and signal delivery can restart it (ip -= 2, ax = orig_ax).
	pushq	%rax					# pt_regs->orig_ax

	# Save the rest; pt_regs->ax starts as -ENOSYS, the answer if the call never runs.
	PUSH_AND_CLEAR_REGS $-ENOSYS

	# Two C arguments: regs and the number. Only EAX counts, sign-extended: 0x1_0000_0027
	# is getpid (39) and 0xffffffff is -1.
	movq	%rsp, %rdi
	movslq	%eax, %rsi

	# Speculation barriers. They come after the number is saved because they use rax/rcx/rdx.
	IBRS_ENTER
	UNTRAIN_RET
	CLEAR_BRANCH_HISTORY

	call	do_syscall_64		# returns with interrupts off; AL = 1: SYSRET is safe

	# Linux 6.12 decides in C (do_syscall_64's six checks) and only tests the answer here.
	testb	%al, %al
	jz	swapgs_restore_regs_and_return_to_usermode

	# --------------------------------------------------------------------------------------------
	# The fast way back: SYSRET. It takes RIP from RCX and RFLAGS from R11, which is why
	# do_syscall_64 made sure pt_regs->cx == ip and pt_regs->r11 == flags.
	# --------------------------------------------------------------------------------------------
SYM_INNER_LABEL syscall_return_via_sysret
	IBRS_EXIT
	POP_REGS 0				# everything but rdi: rsp now points at pt_regs->di

	# Move to the per-CPU trampoline stack (TSS.sp0, in .cpu_entry_area): after the CR3 switch
	# below, the task's stack is no longer mapped, but we still need a few words of stack.
	movq	%rsp, %rdi
	movq	%gs:PCPU_cpu_tss_rw + TSS_sp0, %rsp
	pushq	pt_regs_sp - pt_regs_di(%rdi)	# the user RSP
	pushq	(%rdi)				# the user RDI

	# From here on, only the user page table: nothing else of the kernel is visible.
	SWITCH_TO_USER_CR3 %rdi

	popq	%rdi
	popq	%rsp
SYM_INNER_LABEL entry_SYSRETQ_unsafe_stack
	# RSP is the user stack again: an NMI or #GP now would run on it. That is why SYSRET is
	# used only after the checks: with a bad RCX, Intel CPUs raise #GP here, in ring 0, on the
	# user's stack (CVE-2012-0217).
	swapgs					# user GS.base back; ours goes to KERNEL_GS_BASE
	CLEAR_CPU_BUFFERS
	sysretq
SYM_INNER_LABEL entry_SYSRETQ_end
	int3					# never reached: stops straight-line speculation
SYM_CODE_END entry_SYSCALL_64

# ------------------------------------------------------------------------------------------------
# entry_SYSCALL32_ignore: CSTAR points here. Only AMD CPUs take SYSCALL from 32-bit code; this
# kernel has no 32-bit ABI, so such a call fails with -ENOSYS and returns at once.
# ------------------------------------------------------------------------------------------------
SYM_CODE_START entry_SYSCALL32_ignore
	movl	$-ENOSYS, %eax
	CLEAR_CPU_BUFFERS
	.byte	0x0f, 0x07			# sysretl: the 32-bit form (no REX.W)
SYM_CODE_END entry_SYSCALL32_ignore

# ------------------------------------------------------------------------------------------------
# The slow way back: IRETQ pops RIP, CS, RFLAGS, RSP, SS from the stack. It can return anywhere
# with any flags (RF, TF included), so it is always correct. Entered with RSP = pt_regs.
# Linux: part of common_interrupt_return; exceptions, signals and the first entry to user mode
# (ret_from_fork) all leave here too.
# ------------------------------------------------------------------------------------------------
SYM_CODE_START swapgs_restore_regs_and_return_to_usermode
	IBRS_EXIT
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_PTI, .Lrestore_regs_no_pti

	# PTI: as for SYSRET, copy what we still need to the trampoline stack before CR3 changes.
	POP_REGS 0
	movq	%rsp, %rdi				# rdi = &pt_regs->di
	movq	%gs:PCPU_cpu_tss_rw + TSS_sp0, %rsp
	pushq	pt_regs_ss - pt_regs_di(%rdi)		# the IRET frame: ss
	pushq	pt_regs_sp - pt_regs_di(%rdi)		#                 rsp
	pushq	pt_regs_flags - pt_regs_di(%rdi)	#                 rflags
	pushq	pt_regs_cs - pt_regs_di(%rdi)		#                 cs
	pushq	pt_regs_ip - pt_regs_di(%rdi)		#                 rip
	pushq	(%rdi)					# user rdi
	SWITCH_TO_USER_CR3 %rdi
	popq	%rdi
	jmp	.Lswapgs_and_iret

.Lrestore_regs_no_pti:
	POP_REGS
	addq	$8, %rsp				# drop orig_ax: rsp = the IRET frame

.Lswapgs_and_iret:
	swapgs
	CLEAR_CPU_BUFFERS
	testb	$3, 8(%rsp)				# the frame's CS must have RPL 3 ...
	jnz	native_irq_return_iret
	ud2						# ... or this path was entered by mistake
SYM_INNER_LABEL native_irq_return_iret
	# A bad frame (e.g. a non-canonical RIP from sigreturn) makes iretq itself fault, in ring 0
	# with the user's GS and page table: error_entry recognises this address and repairs that.
	iretq
SYM_CODE_END swapgs_restore_regs_and_return_to_usermode

# Back to kernel code interrupted by an exception (a fixed-up user access). Same stack, no GS or
# CR3 change.
SYM_CODE_START_LOCAL restore_regs_and_return_to_kernel
	POP_REGS
	addq	$8, %rsp				# drop orig_ax / the error code
	iretq
SYM_CODE_END restore_regs_and_return_to_kernel

# ------------------------------------------------------------------------------------------------
# Exceptions (arch/x86/include/asm/idtentry.h + entry_64.S). The CPU pushed ss, rsp, rflags, cs,
# rip and, for some vectors, an error code; from ring 3 it switched to TSS.sp0 first (the entry
# stack in .cpu_entry_area). We complete a pt_regs, put the error code aside, and call the
# handler: handler(struct pt_regs *regs, unsigned long error_code).
# ------------------------------------------------------------------------------------------------
.macro idtentry vector, asmsym, cfunc, has_error_code
SYM_CODE_START \asmsym
	.if \has_error_code == 0
	pushq	$-1				# no error code: keep the frame shape the same
	.endif
	PUSH_AND_CLEAR_REGS			# pt_regs->ax = the real rax this time
	movq	%rsp, %rdi
	call	error_entry			# GS, CR3, stack: returns the pt_regs to use
	movq	%rax, %rsp
	movq	%rsp, %rdi			# arg 1: regs
	.if \has_error_code
	movq	pt_regs_orig_ax(%rsp), %rsi	# arg 2: the error code
	.else
	xorl	%esi, %esi			# arg 2: none, so 0 (what reaches the sigcontext and oops)
	.endif
	movq	$-1, pt_regs_orig_ax(%rsp)	# not a system call: no restart on signal delivery
	call	\cfunc
	jmp	error_return
SYM_CODE_END \asmsym
.endm

	idtentry X86_TRAP_DE,  asm_exc_divide_error,		exc_divide_error,		0
	idtentry X86_TRAP_DB,  asm_exc_debug,			exc_debug,			0
	idtentry X86_TRAP_NMI, asm_exc_nmi,			exc_nmi,			0
	idtentry X86_TRAP_BP,  asm_exc_int3,			exc_int3,			0
	idtentry X86_TRAP_OF,  asm_exc_overflow,		exc_overflow,			0
	idtentry X86_TRAP_BR,  asm_exc_bounds,			exc_bounds,			0
	idtentry X86_TRAP_UD,  asm_exc_invalid_op,		exc_invalid_op,			0
	idtentry X86_TRAP_NM,  asm_exc_device_not_available,	exc_device_not_available,	0
	idtentry X86_TRAP_DF,  asm_exc_double_fault,		exc_double_fault,		1
	idtentry X86_TRAP_OLD_MF, asm_exc_coproc_segment_overrun, exc_coproc_segment_overrun,	0
	idtentry X86_TRAP_TS,  asm_exc_invalid_tss,		exc_invalid_tss,		1
	idtentry X86_TRAP_NP,  asm_exc_segment_not_present,	exc_segment_not_present,	1
	idtentry X86_TRAP_SS,  asm_exc_stack_segment,		exc_stack_segment,		1
	idtentry X86_TRAP_GP,  asm_exc_general_protection,	exc_general_protection,		1
	idtentry X86_TRAP_PF,  asm_exc_page_fault,		exc_page_fault,			1
	idtentry X86_TRAP_SPURIOUS, asm_exc_spurious_interrupt_bug, exc_spurious_interrupt_bug,	0
	idtentry X86_TRAP_MF,  asm_exc_coprocessor_error,	exc_coprocessor_error,		0
	idtentry X86_TRAP_AC,  asm_exc_alignment_check,	exc_alignment_check,		1
	idtentry X86_TRAP_MC,  asm_exc_machine_check,		exc_machine_check,		0
	idtentry X86_TRAP_XF,  asm_exc_simd_coprocessor_error,	exc_simd_coprocessor_error,	0

# struct pt_regs *error_entry(struct pt_regs *regs)
# Called on the stack the exception arrived on. From user mode: swapgs, kernel CR3, and move
# pt_regs to the task's own stack (sync_regs), because the entry stack is tiny and shared.
SYM_CODE_START_LOCAL error_entry
	testb	$3, pt_regs_cs(%rdi)
	jz	.Lerror_kernelspace

.Lerror_entry_from_usermode:
	swapgs
	SWITCH_TO_KERNEL_CR3 %rax
	IBRS_ENTER
	UNTRAIN_RET
	jmp	sync_regs			# tail call: returns the new pt_regs in rax

.Lerror_kernelspace:
	# iretq faulted on a bad user frame: we are in ring 0 but with the user's GS and page table.
	leaq	native_irq_return_iret(%rip), %rax
	cmpq	%rax, pt_regs_ip(%rdi)
	je	.Lerror_bad_iret
	movq	%rdi, %rax			# a plain kernel fault: pt_regs stays where it is
	ret

.Lerror_bad_iret:
	swapgs
	SWITCH_TO_KERNEL_CR3 %rax
	IBRS_ENTER
	jmp	fixup_bad_iret			# pretend the fault happened in user mode
SYM_CODE_END error_entry

# After the handler: to user mode through the exit work (signals!) and the IRET path, or back to
# the interrupted kernel code.
SYM_CODE_START_LOCAL error_return
	testb	$3, pt_regs_cs(%rsp)
	jz	restore_regs_and_return_to_kernel
	movq	%rsp, %rdi
	call	irqentry_exit_to_user_mode
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END error_return

# ------------------------------------------------------------------------------------------------
# Data that must be readable after swapgs and SWITCH_TO_USER_CR3 (Linux: arch/x86/entry/entry.S).
# ------------------------------------------------------------------------------------------------
	.balign 2
# VERW needs a memory operand holding a valid, writable data segment selector.
SYM_DATA_START x86_verw_sel
	.word	__KERNEL_DS
SYM_DATA_END x86_verw_sel

	.balign 4096				# BOOT.md: .entry.text is padded to whole pages
SYM_INNER_LABEL __entry_text_end

# ------------------------------------------------------------------------------------------------
# clear_bhb_loop: overwrite the Branch History Buffer (mitigation for Branch History Injection).
# Runs after the CR3 switch, so it can live in ordinary .text. Clobbers eax, ecx.
# A call, then 5 rounds of (a call plus a loop of 5 taken jumps), then 6 returns: a fixed
# sequence of taken branches that replaces whatever history user space left behind.
# ------------------------------------------------------------------------------------------------
	.text
SYM_FUNC_START clear_bhb_loop
	pushq	%rbp
	movq	%rsp, %rbp
	movl	$5, %ecx			# outer rounds
	call	.Lbhb_outer
	jmp	.Lbhb_done
.Lbhb_outer:
	call	.Lbhb_inner_start		# each round leaves one return address behind ...
	ret					# ... and each is unwound through here
.Lbhb_inner_start:
	movl	$5, %eax			# inner taken branches
.Lbhb_inner:
	jmp	.Lbhb_next			# a taken branch: one more history entry
	nop
.Lbhb_next:
	subl	$1, %eax
	jnz	.Lbhb_inner
	subl	$1, %ecx
	jnz	.Lbhb_outer
	ret
.Lbhb_done:
	lfence					# no speculation past this point with the old history
	popq	%rbp
	ret
SYM_FUNC_END clear_bhb_loop

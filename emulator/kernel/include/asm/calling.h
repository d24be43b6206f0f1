# arch/x86/entry/calling.h -- saving and restoring user registers, and switching page tables.
# Needs: include/asm/cpufeatures.h, include/asm/page_types.h

# PUSH_REGS rax: push the general registers in pt_regs order (di first, r15 last), so that when
# it is done RSP points at a complete struct pt_regs. `rax` is what goes into pt_regs->ax: the
# syscall entry passes $-ENOSYS, so a syscall that is skipped (seccomp, ptrace, nr == -1) returns
# -ENOSYS unless someone writes another value.
.macro PUSH_REGS rax=%rax
	pushq	%rdi		# pt_regs->di
	pushq	%rsi		# pt_regs->si
	pushq	%rdx		# pt_regs->dx
	pushq	%rcx		# pt_regs->cx
	pushq	\rax		# pt_regs->ax
	pushq	%r8		# pt_regs->r8
	pushq	%r9		# pt_regs->r9
	pushq	%r10		# pt_regs->r10
	pushq	%r11		# pt_regs->r11
	pushq	%rbx		# pt_regs->bx
	pushq	%rbp		# pt_regs->bp
	pushq	%r12		# pt_regs->r12
	pushq	%r13		# pt_regs->r13
	pushq	%r14		# pt_regs->r14
	pushq	%r15		# pt_regs->r15
.endm

# CLEAR_REGS: zero every register user space controlled, except RDI/RAX (about to be used).
# Why: a value user space chose must not sit in a register while the kernel runs, where a
# mispredicted branch could use it as a pointer (Spectre v1 gadgets). The 32-bit xor also
# clears the upper half and is the shortest encoding.
.macro CLEAR_REGS
	xorl	%esi, %esi
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
.endm

# Linux writes PUSH_AND_CLEAR_REGS rax=$-ENOSYS; pass the value as the first argument.
.macro PUSH_AND_CLEAR_REGS rax=%rax
	PUSH_REGS \rax
	CLEAR_REGS
.endm

# POP_REGS pop_rdi: the reverse of PUSH_REGS. With pop_rdi=0 the caller still needs RDI as a
# scratch register and restores it last (the SYSRET and IRET exits do).
.macro POP_REGS pop_rdi=1
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	.if \pop_rdi
	popq	%rdi
	.endif
.endm

# SWITCH_TO_KERNEL_CR3 scratch_reg: with PTI, user mode runs on the user half of the PGD pair,
# which maps almost none of the kernel (Meltdown could read anything mapped). Clearing CR3 bit 12
# selects the kernel half. Writing CR3 flushes the TLB (this kernel does not use PCID).
.macro SWITCH_TO_KERNEL_CR3 scratch_reg
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_PTI, .Lswitch_kernel_cr3_done_\@
	mov	%cr3, \scratch_reg
	andq	$(~PTI_USER_PGTABLE_MASK), \scratch_reg
	mov	\scratch_reg, %cr3
.Lswitch_kernel_cr3_done_\@:
.endm

# SWITCH_TO_USER_CR3 scratch_reg: the last step before leaving: select the user half again.
# From here on only .entry.text and .cpu_entry_area are mapped.
.macro SWITCH_TO_USER_CR3 scratch_reg
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_PTI, .Lswitch_user_cr3_done_\@
	mov	%cr3, \scratch_reg
	orq	$PTI_USER_PGTABLE_MASK, \scratch_reg
	mov	\scratch_reg, %cr3
.Lswitch_user_cr3_done_\@:
.endm

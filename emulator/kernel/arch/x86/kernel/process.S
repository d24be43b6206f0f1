# arch/x86/kernel/process_64.c -- start_thread: the register state a new program starts with.

.include "include/linux/linkage.h"
.include "include/asm/segment.h"
.include "include/asm/processor-flags.h"
.include "include/generated/asm-offsets.h"

	.text
# struct pt_regs *start_thread(struct pt_regs *regs, unsigned long new_ip, unsigned long new_sp)
# Every register zero (the ELF ABI says RDX = 0: no atexit function), user selectors, IF on.
SYM_FUNC_START start_thread
	pushq	%rdi
	pushq	%rsi
	xorl	%eax, %eax
	movl	$PTREGS_SIZE / 8, %ecx
	rep stosq
	popq	%rsi
	popq	%rdi
	movq	%rsi, pt_regs_ip(%rdi)
	movq	%rdx, pt_regs_sp(%rdi)
	movq	$__USER_CS, pt_regs_cs(%rdi)
	movq	$__USER_DS, pt_regs_ss(%rdi)
	movq	$USER_INITIAL_EFLAGS, pt_regs_flags(%rdi)
	movq	$-1, pt_regs_orig_ax(%rdi)
	movq	%rdi, %rax
	ret
SYM_FUNC_END start_thread

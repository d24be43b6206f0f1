# arch/x86/mm/extable.c -- finding the fixup for a faulting kernel instruction.

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/trapnr.h"
.include "include/asm/asm.h"

	.section .rodata, "a"
gp_uaccess_msg:
	.asciz	"General protection fault in user access. Non-canonical address?\n"

	.text
# int fixup_exception(struct pt_regs *regs, int trapnr)
# If regs->ip has an __ex_table entry, point regs->ip at its fixup and return 1; else 0.
# (Linux binary-searches a sorted table; ours is short and searched in order.)
SYM_FUNC_START fixup_exception
	movq	pt_regs_ip(%rdi), %rax
	leaq	__start___ex_table(%rip), %rcx
	leaq	__stop___ex_table(%rip), %rdx
.Lsearch:
	cmpq	%rdx, %rcx
	jae	.Lnot_found
	cmpq	EXTABLE_insn(%rcx), %rax
	je	.Lfound
	addq	$EXTABLE_ENTRY_SIZE, %rcx
	jmp	.Lsearch
.Lfound:
	cmpl	$EX_TYPE_UACCESS, EXTABLE_type(%rcx)
	jne	.Lapply
	# ex_handler_uaccess(): a #GP in a user access means a non-canonical pointer got through.
	cmpl	$X86_TRAP_GP, %esi
	jne	.Lapply
	pushq	%rdi
	pushq	%rcx
	leaq	gp_uaccess_msg(%rip), %rdi
	call	printk
	popq	%rcx
	popq	%rdi
.Lapply:
	movq	EXTABLE_fixup(%rcx), %rax
	movq	%rax, pt_regs_ip(%rdi)		# resume at the fixup; every register is kept
	movl	$1, %eax
	ret
.Lnot_found:
	xorl	%eax, %eax
	ret
SYM_FUNC_END fixup_exception

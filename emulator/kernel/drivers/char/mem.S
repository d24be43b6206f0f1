# drivers/char/mem.c -- /dev/null and /dev/zero.

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"

	.section .rodata, "a"
	.balign 8
SYM_DATA_START null_fops
	.quad	read_null, write_null, null_lseek
SYM_DATA_END null_fops
SYM_DATA_START zero_fops
	.quad	read_zero, write_null, null_lseek
SYM_DATA_END zero_fops

	.text
# /dev/null: reads find nothing (EOF), writes vanish but report success.
SYM_FUNC_START read_null
	xorl	%eax, %eax
	ret
SYM_FUNC_END read_null
SYM_FUNC_START write_null
	movq	%rdx, %rax
	ret
SYM_FUNC_END write_null
SYM_FUNC_START null_lseek
	movq	$0, 16(%rdi)			# file->f_pos = 0
	xorl	%eax, %eax
	ret
SYM_FUNC_END null_lseek

# /dev/zero: fill the user buffer with zeros. A partly bad buffer gives a short count; only a
# buffer where not a single byte could be written gives -EFAULT.
SYM_FUNC_START read_zero
	pushq	%rbx
	movq	%rdx, %rbx
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	call	clear_user			# returns bytes NOT cleared
	movq	%rbx, %rdx
	subq	%rax, %rdx			# cleared
	jnz	1f
	testq	%rbx, %rbx
	jz	1f
	movq	$-EFAULT, %rdx
1:	movq	%rdx, %rax
	popq	%rbx
	ret
SYM_FUNC_END read_zero

# arch/x86/lib/copy_user_64.S + include/linux/uaccess.h + lib/usercopy.c + arch/x86/lib/
# strncpy_from_user / clear_user -- every access the kernel makes to user memory.
#
# A user pointer is a promise nobody checked. Three defences, in order:
#  1. access_ok(): the whole range must be below TASK_SIZE_MAX, so a user cannot make the kernel
#     read or write kernel memory on their behalf.
#  2. STAC ... CLAC: with SMAP, user pages are reachable only inside this window.
#  3. __ex_table: the range may still be unmapped; the one instruction that touches it has an
#     exception table entry, so a fault resumes at a fixup that reports "bytes not copied".
#
# ALL __ex_table entries of this kernel are in this file, between __start___ex_table and
# __stop___ex_table (Linux's linker script provides those two symbols; ours cannot).

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/asm/cpufeatures.h"
.include "include/asm/page_types.h"
.include "include/asm/smap.h"
.include "include/asm/asm.h"

	.section __ex_table, "a"
	.balign 8
SYM_DATA_START __start___ex_table

	.text

# static bool access_ok(const void __user *ptr, unsigned long size)   (rdi, rsi) -> al
# ptr + size must not wrap and must not pass TASK_SIZE_MAX. Clobbers rax, rdx.
SYM_FUNC_START access_ok
	movq	%rdi, %rax
	addq	%rsi, %rax			# end of the range
	jc	.Lbad_range			# wrapped around
	movq	$TASK_SIZE_MAX, %rdx
	cmpq	%rdx, %rax
	ja	.Lbad_range
	movl	$1, %eax
	ret
.Lbad_range:
	xorl	%eax, %eax
	ret
SYM_FUNC_END access_ok

# unsigned long copy_user_generic(void *to, const void *from, unsigned long len)
# The raw copy, no checks. Returns the number of bytes NOT copied (0 = all of them).
SYM_FUNC_START copy_user_generic
	movq	%rdx, %rcx
	ASM_STAC
.Lcopy_user_movsb:
	rep movsb				# rdi <- rsi, rcx bytes; on a fault rcx = bytes left
.Lcopy_user_done:
	ASM_CLAC
	movq	%rcx, %rax
	ret
	_ASM_EXTABLE_UA .Lcopy_user_movsb, .Lcopy_user_done
SYM_FUNC_END copy_user_generic

# unsigned long copy_to_user(void __user *to, const void *from, unsigned long n)
# Returns the bytes not copied; callers turn "nothing copied" into -EFAULT.
SYM_FUNC_START copy_to_user
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	movq	%rdx, %rsi
	call	access_ok			# (to, n)
	popq	%rdx
	popq	%rsi
	popq	%rdi
	testb	%al, %al
	jz	.Lcopy_to_user_fail
	jmp	copy_user_generic
.Lcopy_to_user_fail:
	movq	%rdx, %rax			# nothing copied
	ret
SYM_FUNC_END copy_to_user
.globl _copy_to_user
.set _copy_to_user, copy_to_user

# unsigned long copy_from_user(void *to, const void __user *from, unsigned long n)
# Like copy_to_user, but the part of the kernel buffer that could not be filled is zeroed, so no
# stale kernel data is ever used as if it came from the user.
SYM_FUNC_START copy_from_user
	pushq	%rbx
	pushq	%rdi
	pushq	%rdx
	movq	%rdi, %rbx
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	call	access_ok			# (from, n)
	movq	%rdi, %rsi
	movq	%rbx, %rdi
	movq	(%rsp), %rdx
	testb	%al, %al
	jz	.Lcopy_from_user_zero_all
	call	copy_user_generic
	jmp	.Lcopy_from_user_tail
.Lcopy_from_user_zero_all:
	movq	%rdx, %rax
.Lcopy_from_user_tail:
	popq	%rdx
	popq	%rdi
	testq	%rax, %rax
	jz	.Lcopy_from_user_out
	addq	%rdx, %rdi			# zero the last rax bytes of the kernel buffer
	subq	%rax, %rdi
	movq	%rax, %rcx
	movq	%rax, %rdx
	xorl	%eax, %eax
	rep stosb
	movq	%rdx, %rax
.Lcopy_from_user_out:
	popq	%rbx
	ret
SYM_FUNC_END copy_from_user
.globl _copy_from_user
.set _copy_from_user, copy_from_user

# unsigned long clear_user(void __user *to, unsigned long n): zero user memory; returns the
# bytes not cleared.
SYM_FUNC_START clear_user
	pushq	%rdi
	pushq	%rsi
	call	access_ok
	popq	%rcx
	popq	%rdi
	testb	%al, %al
	jz	.Lclear_user_fail
	xorl	%eax, %eax
	ASM_STAC
.Lclear_user_stosb:
	rep stosb
.Lclear_user_done:
	ASM_CLAC
	movq	%rcx, %rax
	ret
.Lclear_user_fail:
	movq	%rcx, %rax
	ret
	_ASM_EXTABLE_UA .Lclear_user_stosb, .Lclear_user_done
SYM_FUNC_END clear_user

# long strncpy_from_user(char *dst, const char __user *src, long count)
# Copies a NUL-terminated string: returns its length (without the NUL), `count` if no NUL came
# within count bytes, or -EFAULT. Never reads at or beyond TASK_SIZE_MAX.
SYM_FUNC_START strncpy_from_user
	movq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %rsi
	jae	.Lstrncpy_efault
	subq	%rsi, %rax			# bytes left before TASK_SIZE_MAX
	xorl	%r8d, %r8d			# r8 = 1: count was cut to stay in user space
	cmpq	%rax, %rdx
	jbe	1f
	movq	%rax, %rdx
	movl	$1, %r8d
1:	xorl	%eax, %eax			# index
	ASM_STAC
.Lstrncpy_loop:
	cmpq	%rdx, %rax
	jae	.Lstrncpy_limit
.Lstrncpy_load:
	movb	(%rsi, %rax), %cl		# the user access
	movb	%cl, (%rdi, %rax)
	testb	%cl, %cl
	jz	.Lstrncpy_done
	incq	%rax
	jmp	.Lstrncpy_loop
.Lstrncpy_limit:
	testl	%r8d, %r8d
	jnz	.Lstrncpy_fault
.Lstrncpy_done:
	ASM_CLAC
	ret
.Lstrncpy_fault:
	ASM_CLAC
.Lstrncpy_efault:
	movq	$-EFAULT, %rax
	ret
	_ASM_EXTABLE_UA .Lstrncpy_load, .Lstrncpy_fault
SYM_FUNC_END strncpy_from_user

	.section __ex_table, "a"
SYM_DATA_START __stop___ex_table

# kernel/printk/printk.c + lib/vsprintf.c -- printk, the kernel's log, in miniature.
#
# int printk(const char *fmt, ...): up to five arguments (rsi, rdx, rcx, r8, r9). Conversions:
# %s %c %d %i %u %x %p %%, with an optional '0' flag, a width and any number of 'l's (all
# integers are 64-bit). Output goes to COM3, the kernel log. Preserves nothing but the callee-
# saved registers, like any C function.

.include "include/linux/linkage.h"
.include "include/asm/ringstep_io.h"

	.text
SYM_FUNC_START printk
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$40, %rsp			# the five arguments, in order, so we can walk them
	movq	%rsi, 0(%rsp)
	movq	%rdx, 8(%rsp)
	movq	%rcx, 16(%rsp)
	movq	%r8, 24(%rsp)
	movq	%r9, 32(%rsp)
	movq	%rsp, %r12			# r12 = next argument
	movq	%rdi, %rbx			# rbx = format cursor
.Lfmt_next:
	movzbl	(%rbx), %eax
	incq	%rbx
	testb	%al, %al
	jz	.Lfmt_done
	cmpb	$0x25, %al			# '%'
	je	.Lfmt_conversion
	call	printk_putc
	jmp	.Lfmt_next

.Lfmt_conversion:
	xorl	%r13d, %r13d			# width
	xorl	%r14d, %r14d			# 1: pad with '0'
	movzbl	(%rbx), %eax
	cmpb	$0x30, %al			# '0'
	jne	.Lfmt_width
	movl	$1, %r14d
	incq	%rbx
.Lfmt_width:
	movzbl	(%rbx), %eax
	cmpb	$0x30, %al
	jb	.Lfmt_length
	cmpb	$0x39, %al
	ja	.Lfmt_length
	imulq	$10, %r13, %r13
	subl	$0x30, %eax
	addq	%rax, %r13
	incq	%rbx
	jmp	.Lfmt_width
.Lfmt_length:
	cmpb	$0x6c, %al			# 'l'
	jne	.Lfmt_type
	incq	%rbx
	movzbl	(%rbx), %eax
	jmp	.Lfmt_length
.Lfmt_type:
	incq	%rbx
	cmpb	$0x25, %al			# '%%'
	je	.Lfmt_literal
	movq	(%r12), %r15			# the argument
	addq	$8, %r12
	cmpb	$0x73, %al			# 's'
	je	.Lfmt_string
	cmpb	$0x63, %al			# 'c'
	je	.Lfmt_char
	cmpb	$0x64, %al			# 'd'
	je	.Lfmt_signed
	cmpb	$0x69, %al			# 'i'
	je	.Lfmt_signed
	cmpb	$0x75, %al			# 'u'
	je	.Lfmt_unsigned
	cmpb	$0x78, %al			# 'x'
	je	.Lfmt_hex
	cmpb	$0x70, %al			# 'p'
	je	.Lfmt_pointer
	jmp	.Lfmt_next			# unknown: print nothing

.Lfmt_literal:
	call	printk_putc
	jmp	.Lfmt_next
.Lfmt_char:
	movl	%r15d, %eax
	call	printk_putc
	jmp	.Lfmt_next
.Lfmt_string:
	testq	%r15, %r15
	jz	.Lfmt_next
.Lfmt_string_byte:
	movzbl	(%r15), %eax
	testb	%al, %al
	jz	.Lfmt_next
	call	printk_putc
	incq	%r15
	jmp	.Lfmt_string_byte
.Lfmt_signed:
	testq	%r15, %r15
	jns	.Lfmt_unsigned
	movl	$0x2d, %eax			# '-'
	call	printk_putc
	negq	%r15
.Lfmt_unsigned:
	movl	$10, %esi
	jmp	.Lfmt_number
.Lfmt_pointer:
	movl	$0x30, %eax			# "0x"
	call	printk_putc
	movl	$0x78, %eax
	call	printk_putc
.Lfmt_hex:
	movl	$16, %esi
.Lfmt_number:
	movq	%r15, %rdi
	movq	%r13, %rdx
	movq	%r14, %rcx
	call	printk_number
	jmp	.Lfmt_next

.Lfmt_done:
	addq	$40, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
SYM_FUNC_END printk

# static void printk_putc(char al): one byte to the kernel log. Keeps every register but rdx.
SYM_FUNC_START_LOCAL printk_putc
	movw	$COM3_PORT, %dx
	outb	%al, %dx
	ret
SYM_FUNC_END printk_putc

# static void printk_number(u64 value, int base, int width, bool zero_pad)
SYM_FUNC_START_LOCAL printk_number
	pushq	%rbx
	subq	$32, %rsp
	movq	%rdi, %rax
	movq	%rsi, %r8			# base
	movq	%rdx, %r9			# width
	movq	%rcx, %r10			# zero pad?
	leaq	32(%rsp), %rbx			# digits are written backwards from here
	xorl	%r11d, %r11d			# digit count
.Lnum_digit:
	xorl	%edx, %edx
	divq	%r8
	movzbl	hex_asc(%rdx), %ecx
	decq	%rbx
	movb	%cl, (%rbx)
	incq	%r11
	testq	%rax, %rax
	jnz	.Lnum_digit
.Lnum_pad:
	cmpq	%r9, %r11
	jae	.Lnum_print
	movl	$0x20, %eax			# ' '
	testq	%r10, %r10
	jz	1f
	movl	$0x30, %eax			# '0'
1:	call	printk_putc
	decq	%r9
	jmp	.Lnum_pad
.Lnum_print:
	movzbl	(%rbx), %eax
	call	printk_putc
	incq	%rbx
	decq	%r11
	jnz	.Lnum_print
	addq	$32, %rsp
	popq	%rbx
	ret
SYM_FUNC_END printk_number

	.section .rodata, "a"
SYM_DATA_START hex_asc
	.ascii	"0123456789abcdef"
SYM_DATA_END hex_asc

# drivers/tty/tty_io.c -- the console behind fds 0, 1 and 2.
#
# A console inode's i_data holds its serial port: writes go there (fd 1 -> COM1 = stdout,
# fd 2 -> COM2 = stderr). There is no keyboard: reading returns 0, end of file.

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/linux/fs.h"

.equ TTY_CHUNK, 256

	.section .rodata, "a"
	.balign 8
SYM_DATA_START tty_fops
	.quad	tty_read, tty_write, 0
SYM_DATA_END tty_fops

	.bss
SYM_DATA_START_LOCAL tty_buf
	.skip	TTY_CHUNK
SYM_DATA_END tty_buf

	.text
SYM_FUNC_START tty_read
	xorl	%eax, %eax
	ret
SYM_FUNC_END tty_read

# ssize_t tty_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
# The bytes come over in chunks (copy_from_user into a kernel buffer: the driver never touches
# user memory itself), then go out of the port one `outb` at a time.
SYM_FUNC_START tty_write
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	FILE_f_inode(%rdi), %rax
	movq	INODE_i_data(%rax), %r15	# port
	movq	%rsi, %r12			# buf
	movq	%rdx, %r13			# count
	xorl	%r14d, %r14d			# written
.Ltty_chunk:
	cmpq	%r13, %r14
	jae	.Ltty_done
	movq	%r13, %rbx
	subq	%r14, %rbx
	cmpq	$TTY_CHUNK, %rbx
	jbe	1f
	movl	$TTY_CHUNK, %ebx
1:	leaq	tty_buf(%rip), %rdi
	leaq	(%r12, %r14), %rsi
	movq	%rbx, %rdx
	call	copy_from_user
	movq	%rax, %rcx			# bytes not copied
	movq	%rbx, %rdx
	subq	%rcx, %rdx			# bytes copied
	pushq	%rcx
	pushq	%rdx
	movl	%r15d, %edi
	leaq	tty_buf(%rip), %rsi
	call	serial_write
	popq	%rdx
	popq	%rcx
	addq	%rdx, %r14
	testq	%rcx, %rcx
	jz	.Ltty_chunk
	testq	%r14, %r14			# a fault: short count, or -EFAULT if nothing went out
	jnz	.Ltty_done
	movq	$-EFAULT, %r14
.Ltty_done:
	movq	%r14, %rax
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END tty_write

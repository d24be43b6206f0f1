# fs/read_write.c -- read, write, lseek, pread64, writev.
#
# The layers, as in Linux: __x64_sys_read -> __se_sys_read -> __do_sys_read (the macros) ->
# ksys_read (fd -> struct file, the file position) -> vfs_read (permission and pointer checks)
# -> file->f_op->read (the file system or driver: ramfs, the console, /dev/zero...).

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/generated/asm-offsets.h"
.include "include/linux/fs.h"
.include "include/uapi/linux/fcntl.h"
.include "include/asm/syscall_wrapper.h"

.equ IOVEC_SIZE, 16				# struct iovec { void __user *iov_base; size_t iov_len; }

	.bss
	.balign 8
# writev's kernel copy of the iovec array (Linux: iovstack or a kmalloc'ed array).
SYM_DATA_START_LOCAL iov_cache
	.skip	UIO_MAXIOV * IOVEC_SIZE
SYM_DATA_END iov_cache

	.text

# ssize_t vfs_read(struct file *file, char __user *buf, size_t count, loff_t *pos)
SYM_FUNC_START vfs_read
	testq	$FMODE_READ, FILE_f_mode(%rdi)
	jz	.Lvfs_badf			# not opened for reading
	testq	$FMODE_CAN_READ, FILE_f_mode(%rdi)
	jz	.Lvfs_inval			# nothing implements read
	jmp	vfs_rw_checks_then_read
.Lvfs_badf:
	movq	$-EBADF, %rax
	ret
.Lvfs_inval:
	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END vfs_read

# Shared by vfs_read: access_ok, rw_verify_area, MAX_RW_COUNT, then f_op->read.
SYM_FUNC_START_LOCAL vfs_rw_checks_then_read
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %rbx
	movq	%rsi, %r12
	movq	%rdx, %r13
	movq	%rcx, %r14
	# access_ok(buf, count): the whole buffer below TASK_SIZE_MAX, or -EFAULT before any work.
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	call	access_ok
	testb	%al, %al
	jz	.Lrw_efault
	# rw_verify_area(): the position must not be negative.
	cmpq	$0, (%r14)
	jl	.Lrw_einval
	movl	$MAX_RW_COUNT, %eax		# a single call moves at most MAX_RW_COUNT bytes
	cmpq	%rax, %r13
	jbe	1f
	movq	%rax, %r13
1:	movq	%rbx, %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	movq	%r14, %rcx
	movq	FILE_f_op(%rbx), %rax
	call	*FOP_read(%rax)			# file->f_op->read(file, buf, count, pos)
	jmp	.Lrw_out
.Lrw_efault:
	movq	$-EFAULT, %rax
	jmp	.Lrw_out
.Lrw_einval:
	movq	$-EINVAL, %rax
.Lrw_out:
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END vfs_rw_checks_then_read

# ssize_t vfs_write(struct file *file, const char __user *buf, size_t count, loff_t *pos)
SYM_FUNC_START vfs_write
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %rbx
	movq	%rsi, %r12
	movq	%rdx, %r13
	movq	%rcx, %r14
	movq	$-EBADF, %rax
	testq	$FMODE_WRITE, FILE_f_mode(%rbx)
	jz	.Lw_out
	movq	$-EINVAL, %rax
	testq	$FMODE_CAN_WRITE, FILE_f_mode(%rbx)
	jz	.Lw_out
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	access_ok
	testb	%al, %al
	movq	$-EFAULT, %rax
	jz	.Lw_out
	movq	$-EINVAL, %rax
	cmpq	$0, (%r14)
	jl	.Lw_out
	movl	$MAX_RW_COUNT, %eax
	cmpq	%rax, %r13
	jbe	1f
	movq	%rax, %r13
1:	movq	%rbx, %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	movq	%r14, %rcx
	movq	FILE_f_op(%rbx), %rax
	call	*FOP_write(%rax)		# file->f_op->write(file, buf, count, pos)
.Lw_out:
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END vfs_write

# ssize_t ksys_read(unsigned int fd, char __user *buf, size_t count)
SYM_FUNC_START ksys_read
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	subq	$16, %rsp			# loff_t pos, a local copy of file->f_pos
	movq	%rsi, %r12
	movq	%rdx, %r13
	call	fdget				# fdget_pos(fd)
	testq	%rax, %rax
	jz	.Lkr_badf
	movq	%rax, %rbx
	movq	FILE_f_pos(%rbx), %rax		# file_ppos(file)
	movq	%rax, (%rsp)
	movq	%rbx, %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	movq	%rsp, %rcx
	call	vfs_read
	testq	%rax, %rax
	js	.Lkr_out
	movq	(%rsp), %rcx			# success: the new position sticks
	movq	%rcx, FILE_f_pos(%rbx)
	jmp	.Lkr_out
.Lkr_badf:
	movq	$-EBADF, %rax
.Lkr_out:
	addq	$16, %rsp
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END ksys_read

# ssize_t ksys_write(unsigned int fd, const char __user *buf, size_t count)
SYM_FUNC_START ksys_write
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	subq	$16, %rsp
	movq	%rsi, %r12
	movq	%rdx, %r13
	call	fdget
	testq	%rax, %rax
	jz	.Lkw_badf
	movq	%rax, %rbx
	movq	FILE_f_pos(%rbx), %rax
	movq	%rax, (%rsp)
	movq	%rbx, %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	movq	%rsp, %rcx
	call	vfs_write
	testq	%rax, %rax
	js	.Lkw_out
	movq	(%rsp), %rcx
	movq	%rcx, FILE_f_pos(%rbx)
	jmp	.Lkw_out
.Lkw_badf:
	movq	$-EBADF, %rax
.Lkw_out:
	addq	$16, %rsp
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END ksys_write

# SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count)
SYSCALL_DEFINE3 read, uint, fd, ptr, buf, size_t, count
	call	ksys_read
	ret
SYSCALL_END read

# SYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf, size_t, count)
SYSCALL_DEFINE3 write, uint, fd, ptr, buf, size_t, count
	call	ksys_write
	ret
SYSCALL_END write

# SYSCALL_DEFINE3(lseek, unsigned int, fd, off_t, offset, unsigned int, whence)
SYSCALL_DEFINE3 lseek, uint, fd, long, offset, uint, whence
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rsi, %r12
	movl	%edx, %r13d
	call	fdget
	testq	%rax, %rax
	jz	.Llseek_badf
	cmpl	$SEEK_END, %r13d
	ja	.Llseek_inval
	testq	$FMODE_LSEEK, FILE_f_mode(%rax)	# a pipe or a terminal has no position
	jz	.Llseek_spipe
	movq	FILE_f_op(%rax), %rcx
	movq	%rax, %rdi
	movq	%r12, %rsi
	movl	%r13d, %edx
	call	*FOP_llseek(%rcx)		# vfs_llseek -> file->f_op->llseek
	jmp	.Llseek_out
.Llseek_badf:
	movq	$-EBADF, %rax
	jmp	.Llseek_out
.Llseek_inval:
	movq	$-EINVAL, %rax
	jmp	.Llseek_out
.Llseek_spipe:
	movq	$-ESPIPE, %rax
.Llseek_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END lseek

# SYSCALL_DEFINE4(pread64, unsigned int, fd, char __user *, buf, size_t, count, loff_t, pos)
# Reads at `pos` without moving the file position.
SYSCALL_DEFINE4 pread64, uint, fd, ptr, buf, size_t, count, loff_t, pos
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	subq	$16, %rsp
	movq	%rcx, (%rsp)			# the position lives on our stack only
	movq	$-EINVAL, %rax
	testq	%rcx, %rcx
	js	.Lpread_out
	movq	%rsi, %r12
	movq	%rdx, %r13
	call	fdget
	testq	%rax, %rax
	jz	.Lpread_badf
	testq	$FMODE_PREAD, FILE_f_mode(%rax)
	jz	.Lpread_spipe
	movq	%rax, %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	movq	%rsp, %rcx
	call	vfs_read
	jmp	.Lpread_out
.Lpread_badf:
	movq	$-EBADF, %rax
	jmp	.Lpread_out
.Lpread_spipe:
	movq	$-ESPIPE, %rax
.Lpread_out:
	addq	$16, %rsp
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END pread64

# SYSCALL_DEFINE3(writev, unsigned long, fd, const struct iovec __user *, vec,
#                 unsigned long, vlen)
SYSCALL_DEFINE3 writev, ulong, fd, ptr, vec, ulong, vlen
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$16, %rsp
	movq	%rsi, %r12			# vec
	movq	%rdx, %r13			# vlen
	call	fdget				# (Linux takes unsigned long fd; only valid fds match)
	testq	%rax, %rax
	jz	.Lwritev_badf
	movq	%rax, %rbx
	movq	$-EBADF, %rax
	testq	$FMODE_WRITE, FILE_f_mode(%rbx)
	jz	.Lwritev_out
	movq	$-EINVAL, %rax
	testq	$FMODE_CAN_WRITE, FILE_f_mode(%rbx)
	jz	.Lwritev_out
	xorl	%eax, %eax
	testq	%r13, %r13
	jz	.Lwritev_out			# nothing to write
	movq	$-EINVAL, %rax
	cmpq	$UIO_MAXIOV, %r13
	ja	.Lwritev_out
	# import_iovec(): copy the array in, then check every segment before writing any.
	leaq	iov_cache(%rip), %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	shlq	$4, %rdx
	call	copy_from_user
	testq	%rax, %rax
	movq	$-EFAULT, %rax
	jnz	.Lwritev_out
	leaq	iov_cache(%rip), %r14
	movq	%r13, %r15
.Lwritev_check:
	movq	8(%r14), %rsi			# iov_len
	movq	$-EINVAL, %rax
	testq	%rsi, %rsi
	js	.Lwritev_out			# negative as ssize_t
	movq	(%r14), %rdi
	call	access_ok
	testb	%al, %al
	movq	$-EFAULT, %rax
	jz	.Lwritev_out
	addq	$IOVEC_SIZE, %r14
	decq	%r15
	jnz	.Lwritev_check
	# do_loop_readv_writev(): one f_op->write per segment, stopping at a short write.
	movq	FILE_f_pos(%rbx), %rax
	movq	%rax, (%rsp)
	movq	$0, 8(%rsp)			# total written
	leaq	iov_cache(%rip), %r14
	movq	%r13, %r15
.Lwritev_segment:
	movq	8(%r14), %rdx
	testq	%rdx, %rdx
	jz	.Lwritev_next
	movq	%rbx, %rdi
	movq	(%r14), %rsi
	movq	%rsp, %rcx
	movq	FILE_f_op(%rbx), %rax
	call	*FOP_write(%rax)
	testq	%rax, %rax
	js	.Lwritev_error
	addq	%rax, 8(%rsp)
	cmpq	8(%r14), %rax
	jne	.Lwritev_done			# short write: stop
.Lwritev_next:
	addq	$IOVEC_SIZE, %r14
	decq	%r15
	jnz	.Lwritev_segment
.Lwritev_done:
	movq	(%rsp), %rax
	movq	%rax, FILE_f_pos(%rbx)
	movq	8(%rsp), %rax
	jmp	.Lwritev_out
.Lwritev_error:
	cmpq	$0, 8(%rsp)			# an error after some bytes: report the bytes
	jne	.Lwritev_done
	jmp	.Lwritev_out
.Lwritev_badf:
	movq	$-EBADF, %rax
.Lwritev_out:
	addq	$16, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END writev

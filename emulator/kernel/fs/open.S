# fs/open.c + fs/namei.c (do_filp_open) + fs/namei.c (getname) -- open, openat, close.

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/generated/asm-offsets.h"
.include "include/linux/fs.h"
.include "include/uapi/linux/fcntl.h"
.include "include/asm/syscall_wrapper.h"

	.bss
# The kernel's copy of the path being opened (Linux: a names_cache buffer from getname()).
# Room for a directory prefix + '/' + PATH_MAX.
SYM_DATA_START_LOCAL names_cache
	.skip	PATH_MAX + 512
SYM_DATA_END names_cache

	.text

# SYSCALL_DEFINE3(open, const char __user *, filename, int, flags, umode_t, mode)
SYSCALL_DEFINE3 open, ptr, filename, int, flags, umode_t, mode
	movq	%rdx, %rcx
	movl	%esi, %edx
	orl	$O_LARGEFILE, %edx		# force_o_largefile(): always on for 64-bit
	movq	%rdi, %rsi
	movq	$AT_FDCWD, %rdi
	jmp	do_sys_open
SYSCALL_END open

# SYSCALL_DEFINE4(openat, int, dfd, const char __user *, filename, int, flags, umode_t, mode)
SYSCALL_DEFINE4 openat, int, dfd, ptr, filename, int, flags, umode_t, mode
	orl	$O_LARGEFILE, %edx
	jmp	do_sys_open
SYSCALL_END openat

# long do_sys_open(int dfd, const char __user *filename, int flags, umode_t mode)
SYM_FUNC_START do_sys_open
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movl	%edi, %r12d			# dfd
	movq	%rsi, %r13			# filename
	movl	%edx, %r14d			# flags

	# getname(): copy the path into the kernel before looking at it (the user could change it
	# while we work: the kernel must only ever check its own copy).
	leaq	names_cache + 256(%rip), %rdi	# leave room in front for a directory prefix
	movq	%r13, %rsi
	movl	$PATH_MAX, %edx
	call	strncpy_from_user
	testq	%rax, %rax
	js	.Lopen_out			# -EFAULT
	cmpq	$PATH_MAX, %rax
	je	.Lopen_toolong
	testq	%rax, %rax
	jz	.Lopen_noent			# "" names nothing
	movq	%rax, %rbx			# length
	leaq	names_cache + 256(%rip), %rsi

	# An absolute path ignores dfd. A relative one is relative to the current directory
	# (always "/") or to the directory open on dfd.
	cmpb	$0x2f, (%rsi)			# '/'
	je	.Lopen_strip
	cmpl	$AT_FDCWD, %r12d
	jne	.Lopen_relative_fd
	decq	%rsi				# prepend "/"
	movb	$0x2f, (%rsi)
	incq	%rbx
	jmp	.Lopen_strip
.Lopen_relative_fd:
	movl	%r12d, %edi
	call	fdget
	testq	%rax, %rax
	jz	.Lopen_badf
	movq	FILE_f_inode(%rax), %rax
	movq	INODE_i_mode(%rax), %rcx
	andl	$S_IFMT, %ecx
	cmpl	$S_IFDIR, %ecx
	jne	.Lopen_notdir
	movq	INODE_i_namelen(%rax), %rcx	# prepend "<dir>/"
	cmpq	$250, %rcx
	ja	.Lopen_toolong
	leaq	names_cache + 255(%rip), %rdi
	movb	$0x2f, (%rdi)
	subq	%rcx, %rdi
	leaq	1(%rbx, %rcx), %rbx
	movq	%rdi, %r8
	movq	INODE_i_name(%rax), %rsi
	rep movsb
	movq	%r8, %rsi
	cmpq	$1, INODE_i_namelen(%rax)	# the root: "/" + "/" + name -> one slash
	jne	.Lopen_strip
	incq	%rsi
	decq	%rbx
.Lopen_strip:
	# drop one trailing '/' (but keep "/")
	cmpq	$1, %rbx
	jbe	.Lopen_lookup
	cmpb	$0x2f, -1(%rsi, %rbx)
	jne	.Lopen_lookup
	decq	%rbx
.Lopen_lookup:
	movq	%rsi, %rdi
	movq	%rbx, %rsi
	movl	%r14d, %edx
	call	do_filp_open			# -> struct file * or -errno
	cmpq	$-MAX_ERRNO, %rax		# IS_ERR(): kernel pointers are "negative" too,
	jae	.Lopen_out			# so errors are the top 4095 values, not the sign
	movq	%rax, %rbx			# the file
	movl	%r14d, %edi
	call	get_unused_fd_flags
	testq	%rax, %rax
	js	.Lopen_no_fd
	movq	%rax, %r12
	movl	%eax, %edi
	movq	%rbx, %rsi
	call	fd_install
	movq	%r12, %rax			# the new fd
	jmp	.Lopen_out
.Lopen_no_fd:
	movq	%rax, %r12
	movq	%rbx, %rdi
	call	fput
	movq	%r12, %rax
	jmp	.Lopen_out
.Lopen_toolong:
	movq	$-ENAMETOOLONG, %rax
	jmp	.Lopen_out
.Lopen_noent:
	movq	$-ENOENT, %rax
	jmp	.Lopen_out
.Lopen_badf:
	movq	$-EBADF, %rax
	jmp	.Lopen_out
.Lopen_notdir:
	movq	$-ENOTDIR, %rax
.Lopen_out:
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END do_sys_open

# struct file *do_filp_open(const char *path, size_t len, int flags): -errno on failure.
SYM_FUNC_START do_filp_open
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %r12			# path
	movq	%rsi, %r13			# len
	movl	%edx, %r14d			# flags
	call	ramfs_lookup
	testq	%rax, %rax
	jnz	.Lfound
	testl	$O_CREAT, %r14d
	jz	.Lnoent
	movq	%r12, %rdi
	movq	%r13, %rsi
	call	ramfs_create
	cmpq	$-MAX_ERRNO, %rax		# IS_ERR()
	jae	.Lfilp_out
	jmp	.Lhave_inode
.Lfound:
	testl	$O_CREAT, %r14d
	jz	.Lhave_inode
	testl	$O_EXCL, %r14d
	jnz	.Lexist
.Lhave_inode:
	movq	%rax, %rbx			# inode
	movq	INODE_i_mode(%rbx), %rcx
	andl	$S_IFMT, %ecx
	movl	%r14d, %edx
	andl	$O_ACCMODE, %edx		# edx = access mode
	cmpl	$S_IFDIR, %ecx
	jne	.Lnot_a_dir
	testl	%edx, %edx			# a directory opens for reading only
	jnz	.Lisdir
	testl	$O_CREAT, %r14d
	jnz	.Lisdir
	jmp	.Lmay_open
.Lnot_a_dir:
	testl	$O_DIRECTORY, %r14d
	jnz	.Lnotdir
.Lmay_open:
	# may_open(): writing needs the permission bits. A root-owned file is 0644: not for us.
	testl	$(O_WRONLY | O_RDWR), %edx
	jz	.Lperm_ok
	cmpl	$S_IFREG, %ecx
	jne	.Lperm_ok			# the devices are 0666
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_euid(%rax), %rax
	testq	%rax, %rax
	jz	.Lperm_ok			# root may
	cmpq	INODE_i_uid(%rbx), %rax
	jne	.Lacces
	testl	$O_TRUNC, %r14d
	jz	.Lperm_ok
	movq	$0, INODE_i_size(%rbx)
.Lperm_ok:
	call	alloc_empty_file
	testq	%rax, %rax
	jz	.Lnfile
	movq	%rbx, FILE_f_inode(%rax)
	movq	INODE_i_fop(%rbx), %rcx
	movq	%rcx, FILE_f_op(%rax)
	movslq	%r14d, %rdx
	movq	%rdx, FILE_f_flags(%rax)
	# f_mode from the access mode (O_RDONLY 0 -> read, O_WRONLY 1 -> write, O_RDWR 2 -> both),
	# plus what the object supports: seeking, positional I/O, read and write functions.
	movl	$(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE), %r8d
	andl	$O_ACCMODE, %edx
	cmpl	$O_WRONLY, %edx
	je	1f
	orl	$FMODE_READ, %r8d
	cmpl	$O_RDONLY, %edx
	je	2f
1:	orl	$FMODE_WRITE, %r8d
2:	cmpq	$0, FOP_read(%rcx)
	je	3f
	orl	$FMODE_CAN_READ, %r8d
3:	cmpq	$0, FOP_write(%rcx)
	je	4f
	orl	$FMODE_CAN_WRITE, %r8d
4:	cmpl	$O_ACCMODE, %edx		# access mode 3: neither read nor write
	jne	5f
	andl	$~(FMODE_READ | FMODE_WRITE), %r8d
5:	movq	%r8, FILE_f_mode(%rax)
	jmp	.Lfilp_out
.Lnoent:
	movq	$-ENOENT, %rax
	jmp	.Lfilp_out
.Lexist:
	movq	$-EEXIST, %rax
	jmp	.Lfilp_out
.Lisdir:
	movq	$-EISDIR, %rax
	jmp	.Lfilp_out
.Lnotdir:
	movq	$-ENOTDIR, %rax
	jmp	.Lfilp_out
.Lacces:
	movq	$-EACCES, %rax
	jmp	.Lfilp_out
.Lnfile:
	movq	$-ENFILE, %rax
.Lfilp_out:
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END do_filp_open

# SYSCALL_DEFINE1(close, unsigned int, fd)
SYSCALL_DEFINE1 close, uint, fd
	call	file_close_fd
	testq	%rax, %rax
	jz	1f
	movq	%rax, %rdi			# filp_close()
	call	fput
	xorl	%eax, %eax
	ret
1:	movq	$-EBADF, %rax
	ret
SYSCALL_END close

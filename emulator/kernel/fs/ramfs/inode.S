# fs/ramfs/inode.c + fs/namei.c + fs/libfs.c -- the in-memory file system.
#
# One flat table of inodes, looked up by full path. Directories are not stored: a path is a
# directory if it is "/" or some file's path continues it with a '/'. The machine's files are
# owned by root and read-only for us (uid 1000): opening them for writing gives -EACCES, as
# Linux gives for a root-owned 0644 file. O_CREAT makes a new file in kernel memory, owned by
# the task, one page (4096 bytes) at most; writes beyond that are short or -ENOSPC.
# Not supported: ".", "..", "//", symlinks, unlink, rename.

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/page_types.h"
.include "include/linux/fs.h"
.include "include/uapi/linux/fcntl.h"

.equ NR_INODES, 64

	.bss
	.balign 8
SYM_DATA_START_LOCAL inode_table
	.skip	NR_INODES * INODE_SIZE
SYM_DATA_END inode_table
SYM_DATA_START_LOCAL nr_inodes
	.skip	8
SYM_DATA_END nr_inodes
# Directory inodes are made up on lookup; their name points at this copy.
SYM_DATA_START_LOCAL dir_names
	.skip	NR_INODES * 256
SYM_DATA_END dir_names

	.section .rodata, "a"
	.balign 8
SYM_DATA_START ramfs_file_operations
	.quad	ramfs_read, ramfs_write, generic_file_llseek
SYM_DATA_END ramfs_file_operations
SYM_DATA_START ramfs_dir_operations
	.quad	generic_read_dir, 0, generic_file_llseek
SYM_DATA_END ramfs_dir_operations

	.text
# struct inode *new_inode(umode_t mode, const struct file_operations *fop, const char *name,
#                         size_t namelen): a zeroed inode from the table, or 0.
SYM_FUNC_START new_inode
	movq	nr_inodes(%rip), %rax
	cmpq	$NR_INODES, %rax
	jae	.Lno_inode
	incq	nr_inodes(%rip)
	imulq	$INODE_SIZE, %rax
	leaq	inode_table(%rip), %r8
	addq	%r8, %rax
	movq	%rdi, INODE_i_mode(%rax)
	movq	%rsi, INODE_i_fop(%rax)
	movq	%rdx, INODE_i_name(%rax)
	movq	%rcx, INODE_i_namelen(%rax)
	movq	$0, INODE_i_data(%rax)
	movq	$0, INODE_i_size(%rax)
	movq	$0, INODE_i_capacity(%rax)
	movq	$0, INODE_i_uid(%rax)
	ret
.Lno_inode:
	xorl	%eax, %eax
	ret
SYM_FUNC_END new_inode

# static bool name_equal(const char *a, const char *b, size_t len)
SYM_FUNC_START_LOCAL name_equal
	xorl	%eax, %eax
.Lcmp_byte:
	testq	%rdx, %rdx
	jz	.Lequal
	movb	(%rdi), %cl
	cmpb	(%rsi), %cl
	jne	.Lnot_equal
	incq	%rdi
	incq	%rsi
	decq	%rdx
	jmp	.Lcmp_byte
.Lequal:
	movl	$1, %eax
.Lnot_equal:
	ret
SYM_FUNC_END name_equal

# struct inode *ramfs_lookup(const char *path, size_t len): the inode for an absolute path, or 0.
SYM_FUNC_START ramfs_lookup
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	%rdi, %r12			# path
	movq	%rsi, %r13			# len
	# 1. an exact match
	leaq	inode_table(%rip), %rbx
	movq	nr_inodes(%rip), %r14
.Lexact_next:
	testq	%r14, %r14
	jz	.Lis_dir
	cmpq	INODE_i_namelen(%rbx), %r13
	jne	.Lexact_skip
	movq	INODE_i_name(%rbx), %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	call	name_equal
	testl	%eax, %eax
	jnz	.Llookup_found
.Lexact_skip:
	addq	$INODE_SIZE, %rbx
	decq	%r14
	jmp	.Lexact_next
.Lis_dir:
	# 2. a directory: "/" or the start of a longer name followed by '/'
	cmpq	$1, %r13
	je	.Lmake_dir			# only "/" has length 1
	cmpq	$255, %r13
	jae	.Llookup_none
	leaq	inode_table(%rip), %rbx
	movq	nr_inodes(%rip), %r14
.Lprefix_next:
	testq	%r14, %r14
	jz	.Llookup_none
	cmpq	INODE_i_namelen(%rbx), %r13
	jae	.Lprefix_skip
	movq	INODE_i_name(%rbx), %rdi
	cmpb	$0x2f, (%rdi, %r13)		# '/' right after the prefix?
	jne	.Lprefix_skip
	movq	%r12, %rsi
	movq	%r13, %rdx
	call	name_equal
	testl	%eax, %eax
	jnz	.Lmake_dir
.Lprefix_skip:
	addq	$INODE_SIZE, %rbx
	decq	%r14
	jmp	.Lprefix_next
.Lmake_dir:
	# keep a copy of the name, then a directory inode for it
	movq	nr_inodes(%rip), %rdi
	shlq	$8, %rdi
	leaq	dir_names(%rip), %rax
	addq	%rax, %rdi
	movq	%rdi, %rdx
	movq	%r12, %rsi
	movq	%r13, %rcx
	rep movsb
	movq	$(S_IFDIR | 0755), %rdi
	leaq	ramfs_dir_operations(%rip), %rsi
	movq	%r13, %rcx
	call	new_inode
	jmp	.Llookup_out
.Llookup_found:
	movq	%rbx, %rax
	jmp	.Llookup_out
.Llookup_none:
	xorl	%eax, %eax
.Llookup_out:
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END ramfs_lookup

# struct inode *ramfs_create(const char *path, size_t len): a new empty regular file owned by
# current, with one page for its data. Returns the inode or -ENOSPC / -ENOMEM.
SYM_FUNC_START ramfs_create
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %r12
	movq	%rsi, %r13
	cmpq	$255, %r13
	jae	.Lcreate_nospc
	movq	nr_inodes(%rip), %rdi		# the name must outlive the caller's buffer
	shlq	$8, %rdi
	leaq	dir_names(%rip), %rax
	addq	%rax, %rdi
	movq	%rdi, %rbx
	movq	%r12, %rsi
	movq	%r13, %rcx
	rep movsb
	movq	$(S_IFREG | 0644), %rdi
	leaq	ramfs_file_operations(%rip), %rsi
	movq	%rbx, %rdx
	movq	%r13, %rcx
	call	new_inode
	testq	%rax, %rax
	jz	.Lcreate_nospc
	movq	%rax, %rbx
	call	alloc_page
	testq	%rax, %rax
	jz	.Lcreate_nomem
	movq	%rax, INODE_i_data(%rbx)
	movq	$PAGE_SIZE, INODE_i_capacity(%rbx)
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_euid(%rax), %rax
	movq	%rax, INODE_i_uid(%rbx)
	movq	%rbx, %rax
	jmp	.Lcreate_out
.Lcreate_nomem:
	movq	$-ENOMEM, %rax
	jmp	.Lcreate_out
.Lcreate_nospc:
	movq	$-ENOSPC, %rax
.Lcreate_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END ramfs_create

# ssize_t simple_read_from_buffer(void __user *to, size_t count, loff_t *ppos,
#                                 const void *from, size_t available)
# Copy what is left after *ppos; -EFAULT only if not a single byte could be copied.
SYM_FUNC_START simple_read_from_buffer
	pushq	%rbx
	pushq	%r12
	movq	(%rdx), %rax			# pos
	movq	%rdx, %r12			# ppos
	xorl	%ebx, %ebx
	testq	%rax, %rax
	js	.Lsrfb_done			# negative position: -EINVAL in Linux; nothing here
	cmpq	%r8, %rax
	jae	.Lsrfb_done			# at or past the end: 0 bytes (EOF)
	movq	%r8, %rbx
	subq	%rax, %rbx			# available - pos
	cmpq	%rsi, %rbx
	jbe	1f
	movq	%rsi, %rbx			# n = min(count, available - pos)
1:	testq	%rbx, %rbx
	jz	.Lsrfb_done
	leaq	(%rcx, %rax), %rsi		# from + pos
	movq	%rbx, %rdx
	call	copy_to_user			# (to, from + pos, n)
	cmpq	%rbx, %rax
	je	.Lsrfb_fault			# nothing copied
	subq	%rax, %rbx			# bytes copied
	addq	%rbx, (%r12)
.Lsrfb_done:
	movq	%rbx, %rax
	popq	%r12
	popq	%rbx
	ret
.Lsrfb_fault:
	movq	$-EFAULT, %rax
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END simple_read_from_buffer

# ssize_t ramfs_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
SYM_FUNC_START ramfs_read
	movq	FILE_f_inode(%rdi), %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	INODE_i_data(%rax), %rcx
	movq	INODE_i_size(%rax), %r8
	jmp	simple_read_from_buffer
SYM_FUNC_END ramfs_read

# ssize_t ramfs_write(struct file *file, const char __user *buf, size_t count, loff_t *ppos)
SYM_FUNC_START ramfs_write
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	movq	FILE_f_inode(%rdi), %r12	# inode
	movq	%rcx, %r13			# ppos
	movq	(%rcx), %r14			# pos
	testq	$O_APPEND, FILE_f_flags(%rdi)
	jz	1f
	movq	INODE_i_size(%r12), %r14	# O_APPEND: always at the end
1:	xorl	%eax, %eax
	testq	%rdx, %rdx
	jz	.Lrw_out
	movq	INODE_i_capacity(%r12), %rbx
	subq	%r14, %rbx			# room left
	jbe	.Lrw_nospc
	cmpq	%rdx, %rbx
	jbe	2f
	movq	%rdx, %rbx			# n = min(count, room)
2:	movq	INODE_i_data(%r12), %rdi
	addq	%r14, %rdi
	movq	%rbx, %rdx
	call	copy_from_user			# (data + pos, buf, n)
	cmpq	%rbx, %rax
	je	.Lrw_fault
	subq	%rax, %rbx			# copied
	addq	%rbx, %r14
	movq	%r14, (%r13)
	cmpq	INODE_i_size(%r12), %r14
	jbe	3f
	movq	%r14, INODE_i_size(%r12)
3:	movq	%rbx, %rax
	jmp	.Lrw_out
.Lrw_nospc:
	movq	$-ENOSPC, %rax
	jmp	.Lrw_out
.Lrw_fault:
	movq	$-EFAULT, %rax
.Lrw_out:
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END ramfs_write

# loff_t generic_file_llseek(struct file *file, loff_t offset, int whence)
SYM_FUNC_START generic_file_llseek
	cmpl	$SEEK_SET, %edx
	je	.Lseek_set
	cmpl	$SEEK_CUR, %edx
	je	.Lseek_cur
	cmpl	$SEEK_END, %edx
	jne	.Lseek_inval
	movq	FILE_f_inode(%rdi), %rax
	addq	INODE_i_size(%rax), %rsi
	jmp	.Lseek_set
.Lseek_cur:
	addq	FILE_f_pos(%rdi), %rsi
.Lseek_set:
	testq	%rsi, %rsi
	js	.Lseek_inval			# a negative position
	movq	%rsi, FILE_f_pos(%rdi)
	movq	%rsi, %rax
	ret
.Lseek_inval:
	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END generic_file_llseek

# ssize_t generic_read_dir(...): reading a directory with read() is -EISDIR.
SYM_FUNC_START generic_read_dir
	movq	$-EISDIR, %rax
	ret
SYM_FUNC_END generic_read_dir

# fs/file_table.c + fs/file.c -- open files and the fd table.

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/generated/asm-offsets.h"
.include "include/linux/fs.h"

.equ NR_FILE, 64

	.bss
	.balign 8
# All struct files come from this pool (Linux: the filp slab cache).
SYM_DATA_START_LOCAL filp_cache
	.skip	NR_FILE * FILE_SIZE
SYM_DATA_END filp_cache

	.text
# struct file *alloc_empty_file(void): a zeroed file with one reference, or 0 (-ENFILE).
SYM_FUNC_START alloc_empty_file
	leaq	filp_cache(%rip), %rax
	movl	$NR_FILE, %ecx
.Lfind_free_file:
	cmpq	$0, FILE_f_count(%rax)
	je	.Lgot_file
	addq	$FILE_SIZE, %rax
	decl	%ecx
	jnz	.Lfind_free_file
	xorl	%eax, %eax
	ret
.Lgot_file:
	movq	$0, FILE_f_op(%rax)
	movq	$0, FILE_f_inode(%rax)
	movq	$0, FILE_f_pos(%rax)
	movq	$0, FILE_f_flags(%rax)
	movq	$0, FILE_f_mode(%rax)
	movq	$1, FILE_f_count(%rax)
	ret
SYM_FUNC_END alloc_empty_file

# void fput(struct file *file): drop a reference; the last one frees it.
SYM_FUNC_START fput
	decq	FILE_f_count(%rdi)
	ret
SYM_FUNC_END fput

# struct file *fdget(unsigned int fd): current->files[fd], or 0 if fd is not open.
# (Linux: fdget/fdget_pos, which also take a reference; one task, nothing to race with.)
SYM_FUNC_START fdget
	movl	%edi, %edi
	xorl	%eax, %eax
	cmpq	$NR_OPEN_DEFAULT, %rdi
	jae	.Lfdget_out
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_files(%rax), %rax
	movq	(%rax, %rdi, 8), %rax
.Lfdget_out:
	ret
SYM_FUNC_END fdget

# int get_unused_fd_flags(unsigned int flags): the lowest free fd, or -EMFILE.
SYM_FUNC_START get_unused_fd_flags
	movq	%gs:PCPU_current_task, %rcx
	movq	TASK_files(%rcx), %rcx
	xorl	%eax, %eax
.Lfind_fd:
	cmpq	$0, (%rcx, %rax, 8)
	je	.Lfound_fd
	incl	%eax
	cmpl	$NR_OPEN_DEFAULT, %eax
	jb	.Lfind_fd
	movq	$-EMFILE, %rax
.Lfound_fd:
	ret
SYM_FUNC_END get_unused_fd_flags

# void fd_install(unsigned int fd, struct file *file)
SYM_FUNC_START fd_install
	movl	%edi, %edi
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_files(%rax), %rax
	movq	%rsi, (%rax, %rdi, 8)
	ret
SYM_FUNC_END fd_install

# struct file *file_close_fd(unsigned int fd): take fd out of the table; 0 if it was not open.
SYM_FUNC_START file_close_fd
	movl	%edi, %edi
	xorl	%eax, %eax
	cmpq	$NR_OPEN_DEFAULT, %rdi
	jae	.Lclose_out
	movq	%gs:PCPU_current_task, %rcx
	movq	TASK_files(%rcx), %rcx
	movq	(%rcx, %rdi, 8), %rax
	movq	$0, (%rcx, %rdi, 8)
.Lclose_out:
	ret
SYM_FUNC_END file_close_fd

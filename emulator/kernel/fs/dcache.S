# fs/dcache.c (vfs_caches_init) + init/main.c's console_on_rootfs() -- populating the file
# system at boot and opening fds 0, 1, 2 on the console.

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/linux/fs.h"
.include "include/uapi/asm/bootparam.h"
.include "include/uapi/linux/fcntl.h"
.include "include/asm/ringstep_io.h"

	.section .rodata, "a"
dev_null_name:	.ascii "/dev/null"
dev_zero_name:	.ascii "/dev/zero"

	.text
SYM_FUNC_START vfs_caches_init
	pushq	%rbx
	pushq	%r12
	# The machine's files: /etc/hostname and whatever --file added. Root-owned, read-only.
	movq	boot_params_ptr(%rip), %rax
	movq	BP_files(%rax), %rbx
	movq	BP_files_count(%rax), %r12
.Lnext_boot_file:
	testq	%r12, %r12
	jz	.Ldevices
	movq	$(S_IFREG | 0644), %rdi
	leaq	ramfs_file_operations(%rip), %rsi
	movq	BOOT_FILE_path(%rbx), %rdx
	movq	BOOT_FILE_path_len(%rbx), %rcx
	call	new_inode
	testq	%rax, %rax
	jz	.Ldevices
	movq	BOOT_FILE_data(%rbx), %rcx
	movq	%rcx, INODE_i_data(%rax)
	movq	BOOT_FILE_data_len(%rbx), %rcx
	movq	%rcx, INODE_i_size(%rax)
	addq	$BOOT_FILE_SIZE, %rbx
	decq	%r12
	jmp	.Lnext_boot_file

.Ldevices:
	movq	$(S_IFCHR | 0666), %rdi
	leaq	null_fops(%rip), %rsi
	leaq	dev_null_name(%rip), %rdx
	movl	$9, %ecx
	call	new_inode
	movq	$(S_IFCHR | 0666), %rdi
	leaq	zero_fops(%rip), %rsi
	leaq	dev_zero_name(%rip), %rdx
	movl	$9, %ecx
	call	new_inode

	# fds 0, 1, 2: the console, open for reading and writing.
	movl	$0, %edi
	movl	$COM1_PORT, %esi
	call	console_open
	movl	$1, %edi
	movl	$COM1_PORT, %esi
	call	console_open
	movl	$2, %edi
	movl	$COM2_PORT, %esi
	call	console_open
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END vfs_caches_init

# static void console_open(unsigned int fd, unsigned short port)
SYM_FUNC_START_LOCAL console_open
	pushq	%rbx
	pushq	%r12
	movl	%edi, %ebx
	movl	%esi, %r12d
	movq	$(S_IFCHR | 0620), %rdi
	leaq	tty_fops(%rip), %rsi
	xorl	%edx, %edx			# no name: not reachable by open()
	xorl	%ecx, %ecx
	call	new_inode
	movq	%r12, INODE_i_data(%rax)
	movq	%rax, %r12
	call	alloc_empty_file
	movq	%r12, FILE_f_inode(%rax)
	leaq	tty_fops(%rip), %rcx
	movq	%rcx, FILE_f_op(%rax)
	movq	$O_RDWR, FILE_f_flags(%rax)
	movq	$(FMODE_READ | FMODE_WRITE | FMODE_CAN_READ | FMODE_CAN_WRITE), FILE_f_mode(%rax)
	movl	%ebx, %edi
	movq	%rax, %rsi
	call	fd_install
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END console_open

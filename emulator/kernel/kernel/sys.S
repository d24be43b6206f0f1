# kernel/sys.c (getpid and friends, uname, prctl) and arch/x86/kernel/process_64.c (arch_prctl).
#
# The identity syscalls just read `current`. They are the cheapest syscalls there are, which is
# why getpid is the classic way to measure the cost of the SYSCALL/SYSRET round trip itself.

.include "include/generated/asm-offsets.h"
.include "include/linux/linkage.h"
.include "include/asm/thread_info.h"
.include "include/asm/msr-index.h"
.include "include/asm/page_types.h"
.include "include/uapi/asm/errno.h"
.include "include/partb/partb.h"

.equ UTS_LEN, 65			# each field of struct new_utsname, NUL included
.equ NEW_UTSNAME_SIZE, 6 * UTS_LEN
.equ BP_files, 0x40			# boot_params: files table (direct-map address), count
.equ BP_files_count, 0x48
.equ FILE_ENTRY_SIZE, 32

	.text

# ---- who am I ------------------------------------------------------------------------------------
# getpid is the thread-group id (the process), gettid the thread's own id; in a one-thread
# process they are equal.
PARTB_SYSCALL_DEFINE0 getpid
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_tgid(%rax), %rax
	ret
SYM_FUNC_END __x64_sys_getpid

PARTB_SYSCALL_DEFINE0 gettid
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_pid(%rax), %rax
	ret
SYM_FUNC_END __x64_sys_gettid

PARTB_SYSCALL_DEFINE0 getppid
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_ppid(%rax), %rax
	ret
SYM_FUNC_END __x64_sys_getppid

PARTB_SYSCALL_DEFINE0 getuid
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_uid(%rax), %rax
	ret
SYM_FUNC_END __x64_sys_getuid

PARTB_SYSCALL_DEFINE0 geteuid
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_euid(%rax), %rax
	ret
SYM_FUNC_END __x64_sys_geteuid

PARTB_SYSCALL_DEFINE0 getgid
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_gid(%rax), %rax
	ret
SYM_FUNC_END __x64_sys_getgid

PARTB_SYSCALL_DEFINE0 getegid
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_egid(%rax), %rax
	ret
SYM_FUNC_END __x64_sys_getegid

# ---- uname(2) (Linux: sys_newuname) ---------------------------------------------------------------

# copy_field(dst = rdi, src = rsi, len = rdx): at most UTS_LEN-1 bytes, NUL-padded by the zeroed buffer.
SYM_FUNC_START_LOCAL uts_copy_field
	movq	%rdx, %rcx
	cmpq	$UTS_LEN - 1, %rcx
	jbe	1f
	movl	$UTS_LEN - 1, %ecx
1:	rep movsb
	ret
SYM_FUNC_END uts_copy_field

# init_utsname_nodename(dst = rdi): the host name. At boot Linux has "(none)" until init copies
# /etc/hostname into it with sethostname(); we take the first line of /etc/hostname from the
# boot file table, or "myhost" when there is none.
SYM_FUNC_START_LOCAL init_utsname_nodename
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %r13
	movq	boot_params_ptr(%rip), %rax
	movq	BP_files(%rax), %rbx
	movq	BP_files_count(%rax), %r12
.Lnn_next:
	testq	%r12, %r12
	jz	.Lnn_default
	cmpq	$hostname_path_len, 8(%rbx)
	jne	.Lnn_skip
	movq	(%rbx), %rsi
	leaq	hostname_path(%rip), %rdi
	movl	$hostname_path_len, %ecx
	repe cmpsb
	jne	.Lnn_skip
	# found: data up to the first newline
	movq	16(%rbx), %rsi
	movq	24(%rbx), %rdx
	xorl	%ecx, %ecx
1:	cmpq	%rdx, %rcx
	jae	2f
	cmpb	$'\n', (%rsi,%rcx)
	je	2f
	incq	%rcx
	jmp	1b
2:	movq	%rcx, %rdx
	movq	%r13, %rdi
	call	uts_copy_field
	jmp	.Lnn_out
.Lnn_skip:
	addq	$FILE_ENTRY_SIZE, %rbx
	decq	%r12
	jmp	.Lnn_next
.Lnn_default:
	movq	%r13, %rdi
	leaq	uts_default_nodename(%rip), %rsi
	movl	$uts_default_nodename_len, %edx
	call	uts_copy_field
.Lnn_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END init_utsname_nodename

PARTB_SYSCALL_DEFINE newuname, long
# __do_sys_newuname(name): build struct new_utsname (six 65-byte fields) and copy it out whole.
SYM_FUNC_START_LOCAL __do_sys_newuname
	pushq	%rbx
	subq	$NEW_UTSNAME_SIZE + 10, %rsp
	movq	%rdi, %rbx
	movq	%rsp, %rdi
	movl	$NEW_UTSNAME_SIZE, %ecx
	xorl	%eax, %eax
	rep stosb
	movq	%rsp, %rdi
	leaq	uts_sysname(%rip), %rsi
	movl	$uts_sysname_len, %edx
	call	uts_copy_field
	leaq	1 * UTS_LEN(%rsp), %rdi
	call	init_utsname_nodename
	leaq	2 * UTS_LEN(%rsp), %rdi
	leaq	uts_release(%rip), %rsi
	movl	$uts_release_len, %edx
	call	uts_copy_field
	leaq	3 * UTS_LEN(%rsp), %rdi
	leaq	uts_version(%rip), %rsi
	movl	$uts_version_len, %edx
	call	uts_copy_field
	leaq	4 * UTS_LEN(%rsp), %rdi
	leaq	uts_machine(%rip), %rsi
	movl	$uts_machine_len, %edx
	call	uts_copy_field
	leaq	5 * UTS_LEN(%rsp), %rdi
	leaq	uts_domainname(%rip), %rsi
	movl	$uts_domainname_len, %edx
	call	uts_copy_field
	movq	%rbx, %rdi
	movq	%rsp, %rsi
	movl	$NEW_UTSNAME_SIZE, %edx
	call	copy_to_user
	testq	%rax, %rax
	jz	1f
	movq	$-EFAULT, %rax
1:	addq	$NEW_UTSNAME_SIZE + 10, %rsp
	popq	%rbx
	ret
SYM_FUNC_END __do_sys_newuname
# The table entry for nr 63 is called uname in syscall_64.tbl; the function is sys_newuname.
.globl __x64_sys_uname
.set __x64_sys_uname, __x64_sys_newuname

# ---- prctl(2) -------------------------------------------------------------------------------------

PARTB_SYSCALL_DEFINE prctl, int, long, long, long, long
# __do_sys_prctl(option, arg2, arg3, arg4, arg5): only the options Ringstep needs.
SYM_FUNC_START_LOCAL __do_sys_prctl
	cmpl	$PR_SET_NO_NEW_PRIVS, %edi
	je	.Lpr_set_nnp
	cmpl	$PR_GET_NO_NEW_PRIVS, %edi
	je	.Lpr_get_nnp
	cmpl	$PR_SET_SECCOMP, %edi
	je	.Lpr_set_seccomp
	cmpl	$PR_GET_SECCOMP, %edi
	je	.Lpr_get_seccomp
	movq	$-EINVAL, %rax
	ret
.Lpr_set_nnp:
	# no_new_privs: from now on execve can never grant privileges (setuid bits, file caps).
	# It is one-way -- there is no way to clear it -- which is what makes it safe to let an
	# unprivileged process install seccomp filters afterwards.
	cmpq	$1, %rsi
	jne	1f
	orq	%rdx, %rcx
	orq	%r8, %rcx
	jnz	1f
	movq	%gs:PCPU_current_task, %rax
	lock btsq $PFA_NO_NEW_PRIVS, TASK_atomic_flags(%rax)
	xorl	%eax, %eax
	ret
.Lpr_get_nnp:
	orq	%rdx, %rsi
	orq	%rcx, %rsi
	orq	%r8, %rsi
	jnz	1f
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_atomic_flags(%rax), %rax
	andl	$1 << PFA_NO_NEW_PRIVS, %eax
	ret
.Lpr_set_seccomp:
	# prctl_set_seccomp(mode, filter): the old interface to seccomp(2), without flags.
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	jmp	prctl_set_seccomp
.Lpr_get_seccomp:
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_seccomp_mode(%rax), %rax
	ret
1:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END __do_sys_prctl

# ---- arch_prctl(2) ----------------------------------------------------------------------------------

PARTB_SYSCALL_DEFINE arch_prctl, int, long
# __do_sys_arch_prctl(option, arg2) -> do_arch_prctl_64: the FS base is where thread-local storage
# lives (%fs:0 is the thread pointer in the x86-64 TLS ABI), so libc sets it once at start-up.
SYM_FUNC_START_LOCAL __do_sys_arch_prctl
	cmpl	$ARCH_SET_FS, %edi
	je	.Lap_set_fs
	cmpl	$ARCH_GET_FS, %edi
	je	.Lap_get_fs
	movq	$-EINVAL, %rax
	ret
.Lap_set_fs:
	# A kernel address as FS base would let user code read kernel memory through %fs.
	movabsq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %rsi
	jae	1f
	movq	%gs:PCPU_current_task, %rax
	movq	%rsi, TASK_fsbase(%rax)
	# The base takes effect now: write the FS_BASE MSR (edx:eax = value).
	movl	$MSR_FS_BASE, %ecx
	movl	%esi, %eax
	movq	%rsi, %rdx
	shrq	$32, %rdx
	wrmsr
	xorl	%eax, %eax
	ret
1:	movq	$-EPERM, %rax
	ret
.Lap_get_fs:
	# put_user(current->thread.fsbase, (unsigned long __user *)arg2)
	subq	$24, %rsp
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_fsbase(%rax), %rax
	movq	%rax, (%rsp)
	movq	%rsi, %rdi
	movq	%rsp, %rsi
	movl	$8, %edx
	call	copy_to_user
	addq	$24, %rsp
	testq	%rax, %rax
	jnz	2f
	ret
2:	movq	$-EFAULT, %rax
	ret
SYM_FUNC_END __do_sys_arch_prctl

	.section .rodata
# include/linux/uts.h and the build's utsrelease.h
uts_sysname:	.ascii "Linux"
.equ uts_sysname_len, . - uts_sysname
uts_default_nodename: .ascii "myhost"
.equ uts_default_nodename_len, . - uts_default_nodename
uts_release:	.ascii "6.12.0-ringstep"
.equ uts_release_len, . - uts_release
uts_version:	.ascii "#1 SMP PREEMPT_DYNAMIC Ringstep"
.equ uts_version_len, . - uts_version
uts_machine:	.ascii "x86_64"
.equ uts_machine_len, . - uts_machine
uts_domainname:	.ascii "(none)"
.equ uts_domainname_len, . - uts_domainname
hostname_path:	.ascii "/etc/hostname"
.equ hostname_path_len, . - hostname_path

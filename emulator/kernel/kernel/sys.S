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
.include "include/uapi/asm/bootparam.h"
.include "include/uapi/linux/prctl.h"
.include "include/uapi/asm/prctl.h"
.include "include/asm/syscall_wrapper.h"

.equ UTS_LEN, 65			# each field of struct new_utsname, NUL included
.equ NEW_UTSNAME_SIZE, 6 * UTS_LEN

	.text

# ---- who am I ------------------------------------------------------------------------------------
# getpid is the thread-group id (the process), gettid the thread's own id; in a one-thread
# process they are equal. Each getter is SYSCALL_DEFINE0(name) { return current->field; }.
.macro TASK_ID_GETTER name, field
SYSCALL_DEFINE0 \name
	movq	%gs:PCPU_current_task, %rax	# current
	movq	\field(%rax), %rax
	ret
SYSCALL_END \name
.endm

	TASK_ID_GETTER getpid,	TASK_tgid
	TASK_ID_GETTER gettid,	TASK_pid
	TASK_ID_GETTER getppid,	TASK_ppid
	TASK_ID_GETTER getuid,	TASK_uid
	TASK_ID_GETTER geteuid,	TASK_euid
	TASK_ID_GETTER getgid,	TASK_gid
	TASK_ID_GETTER getegid,	TASK_egid

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
	cmpq	$hostname_path_len, BOOT_FILE_path_len(%rbx)
	jne	.Lnn_skip
	movq	BOOT_FILE_path(%rbx), %rsi
	leaq	hostname_path(%rip), %rdi
	movl	$hostname_path_len, %ecx
	repe cmpsb
	jne	.Lnn_skip
	# found: data up to the first newline
	movq	BOOT_FILE_data(%rbx), %rsi
	movq	BOOT_FILE_data_len(%rbx), %rdx
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
	addq	$BOOT_FILE_SIZE, %rbx
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

# __do_sys_newuname(name): build struct new_utsname (six 65-byte fields) and copy it out whole.
SYSCALL_DEFINE1 newuname, ptr, name
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
SYSCALL_END newuname
# The table entry for nr 63 is called uname in syscall_64.tbl; the function is sys_newuname.
.globl __x64_sys_uname
.set __x64_sys_uname, __x64_sys_newuname

# ---- prctl(2) -------------------------------------------------------------------------------------

# __do_sys_prctl(option, arg2, arg3, arg4, arg5): only the options Ringstep needs.
SYSCALL_DEFINE5 prctl, int, option, ulong, arg2, ulong, arg3, ulong, arg4, ulong, arg5
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
SYSCALL_END prctl

# ---- arch_prctl(2) ----------------------------------------------------------------------------------

# __do_sys_arch_prctl(option, arg2) -> do_arch_prctl_64: the FS base is where thread-local storage
# lives (%fs:0 is the thread pointer in the x86-64 TLS ABI), so libc sets it once at start-up.
SYSCALL_DEFINE2 arch_prctl, int, option, ulong, arg2
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
SYSCALL_END arch_prctl

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

# init/main.c -- start_kernel and the road to the first user instruction.

.include "include/linux/linkage.h"
.include "include/asm/segment.h"
.include "include/asm/processor-flags.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/thread_info.h"
.include "include/uapi/asm/bootparam.h"

	.section .rodata, "a"
linux_banner:
	.asciz	"Linux version 6.12.0-ringstep (RINGSTEP guest kernel) #1 SMP PREEMPT_DYNAMIC\n"
run_init_msg:
	.asciz	"Run %s as init process\n"

	.text
# void start_kernel(void)
SYM_FUNC_START start_kernel
	call	setup_arch			# boot_params: mitigations, free memory
	leaq	linux_banner(%rip), %rdi
	call	printk
	call	init_task_setup			# `current` and its identity
	call	idt_setup_traps			# trap_init(): exceptions
	call	cpu_init			# TSS, SYSCALL MSRs, CR4
	call	vfs_caches_init			# the in-memory file system, fds 0-2
	jmp	run_init_process
SYM_FUNC_END start_kernel

# static void init_task_setup(void): fill init_task from boot_params and make it `current`.
SYM_FUNC_START_LOCAL init_task_setup
	leaq	init_task(%rip), %rdi
	movq	%rdi, %gs:PCPU_current_task
	leaq	init_stack(%rip), %rax
	movq	%rax, TASK_stack(%rdi)
	addq	$THREAD_SIZE, %rax
	movq	%rax, %gs:PCPU_cpu_current_top_of_stack	# task_top_of_stack(current)

	movq	boot_params_ptr(%rip), %rsi
	movq	BP_pid(%rsi), %rax
	movq	%rax, TASK_pid(%rdi)
	movq	%rax, TASK_tgid(%rdi)
	movq	$1, TASK_ppid(%rdi)			# the parent is "init" (pid 1)
	movl	$1000, %eax				# the machine's AT_UID/AT_GID
	movq	%rax, TASK_uid(%rdi)
	movq	%rax, TASK_euid(%rdi)
	movq	%rax, TASK_gid(%rdi)
	movq	%rax, TASK_egid(%rdi)
	movq	BP_pgd_phys(%rsi), %rax
	movq	%rax, TASK_mm_pgd(%rdi)
	movq	BP_brk_start(%rsi), %rax
	movq	%rax, TASK_mm_start_brk(%rdi)
	movq	%rax, TASK_mm_brk(%rdi)
	movq	BP_mmap_base(%rsi), %rax
	movq	%rax, TASK_mm_mmap_base(%rdi)
	movq	BP_stack_lowest(%rsi), %rax
	movq	%rax, TASK_mm_start_stack(%rdi)
	movq	BP_seed(%rsi), %rax
	movl	%eax, TASK_kstack_offset(%rdi)
	leaq	init_files(%rip), %rax
	movq	%rax, TASK_files(%rdi)
	# Traced (strace, the debugger): every syscall takes the slow path through ptrace reports.
	cmpq	$0, BP_traced(%rsi)
	je	1f
	movq	$1, TASK_ptrace(%rdi)
	orq	$SYSCALL_WORK_SYSCALL_TRACE, TASK_ti_syscall_work(%rdi)
1:	movl	$0x74696e69, TASK_comm(%rdi)		# "init" until we know the program's name
	ret
SYM_FUNC_END init_task_setup

# static void run_init_process(void)
# Linux's kernel_init execs /sbin/init; the machine already loaded our program, so what is left
# is execve's end: start_thread() and the first return to user mode, through the IRET path
# (ret_from_fork). pt_regs sits at the top of init_stack, as for any task in the kernel.
SYM_FUNC_START_LOCAL run_init_process
	# comm = basename(argv[0]), read from the user stack like any user memory.
	movq	boot_params_ptr(%rip), %rsi
	movq	BP_user_sp(%rsi), %rsi
	addq	$8, %rsi				# &argv[0]
	subq	$8, %rsp
	movq	%rsp, %rdi
	movl	$8, %edx
	call	copy_from_user
	popq	%rsi					# argv[0]
	testq	%rax, %rax
	jnz	.Lno_name
	call	set_task_comm
	leaq	run_init_msg(%rip), %rdi
	movq	%gs:PCPU_current_task, %rsi
	addq	$TASK_comm, %rsi
	call	printk
.Lno_name:
	# start_thread(regs, entry, sp)
	movq	%gs:PCPU_cpu_current_top_of_stack, %rdi
	subq	$PTREGS_SIZE, %rdi
	movq	boot_params_ptr(%rip), %rax
	movq	BP_user_entry(%rax), %rsi
	movq	BP_user_sp(%rax), %rdx
	call	start_thread
	movq	%rax, %rsp				# rsp = pt_regs
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_FUNC_END run_init_process

# static void set_task_comm(const char __user *name): keep the last path component, 15 bytes.
SYM_FUNC_START_LOCAL set_task_comm
	subq	$64, %rsp
	movq	%rsi, %rsi
	movq	%rsp, %rdi
	movl	$63, %edx
	call	strncpy_from_user
	testq	%rax, %rax
	js	.Lcomm_done
	movb	$0, (%rsp, %rax)
	movq	%rsp, %rsi				# find the char after the last '/'
	movq	%rsp, %rcx
.Lcomm_scan:
	movb	(%rcx), %al
	testb	%al, %al
	jz	.Lcomm_copy
	incq	%rcx
	cmpb	$0x2f, %al				# '/'
	jne	.Lcomm_scan
	movq	%rcx, %rsi
	jmp	.Lcomm_scan
.Lcomm_copy:
	movq	%gs:PCPU_current_task, %rdi
	addq	$TASK_comm, %rdi
	movl	$15, %ecx
.Lcomm_byte:
	movb	(%rsi), %al
	movb	%al, (%rdi)
	testb	%al, %al
	jz	.Lcomm_done
	incq	%rsi
	incq	%rdi
	decl	%ecx
	jnz	.Lcomm_byte
	movb	$0, (%rdi)
.Lcomm_done:
	addq	$64, %rsp
	ret
SYM_FUNC_END set_task_comm

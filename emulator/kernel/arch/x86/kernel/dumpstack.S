# arch/x86/kernel/dumpstack.c + process_64.c (__show_regs) + kernel/panic.c -- the oops.
#
# When the kernel itself faults, Linux prints what it knows in a fixed shape: what happened, the
# registers at the fault, the addresses on the stack that look like return addresses. Ours goes
# to the kernel log (COM3); then the machine is told to stop (it cannot safely go on).

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/cpufeatures.h"
.include "include/asm/msr-index.h"
.include "include/asm/ringstep_io.h"

	.section .rodata, "a"
msg_die_str:	.asciz "Oops: %s: %04lx [#1] SMP %s\n"
msg_die_plain:	.asciz "Oops: %04lx [#1] SMP %s\n"
str_pti:	.asciz "PTI"
str_nopti:	.asciz "NOPTI"
msg_cpu:	.asciz "CPU: 0 UID: %d PID: %d Comm: %s Not tainted 6.12.0-ringstep #1\n"
msg_hw:		.asciz "Hardware name: RINGSTEP virtual machine\n"
msg_rip:	.asciz "RIP: %04lx:0x%016lx\n"
msg_rsp:	.asciz "RSP: %04lx:%016lx EFLAGS: %08lx\n"
msg_rax:	.asciz "RAX: %016lx RBX: %016lx RCX: %016lx\n"
msg_rdx:	.asciz "RDX: %016lx RSI: %016lx RDI: %016lx\n"
msg_rbp:	.asciz "RBP: %016lx R08: %016lx R09: %016lx\n"
msg_r10:	.asciz "R10: %016lx R11: %016lx R12: %016lx\n"
msg_r13:	.asciz "R13: %016lx R14: %016lx R15: %016lx\n"
msg_fs:		.asciz "FS:  %016lx(0000) GS:%016lx(0000) knlGS:%016lx\n"
msg_cs:		.asciz "CS:  %04lx DS: 0000 ES: 0000 CR0: %016lx\n"
msg_cr2:	.asciz "CR2: %016lx CR3: %016lx CR4: %016lx\n"
msg_trace:	.asciz "Call Trace:\n <TASK>\n"
msg_trace_entry: .asciz " ? 0x%016lx\n"
msg_trace_end:	.asciz " </TASK>\n"
msg_end:	.asciz "---[ end trace 0000000000000000 ]---\n"
msg_panic:	.asciz "Kernel panic - not syncing: %s\n"

	.text
# void die(const char *str, struct pt_regs *regs, long err)   -- does not return
SYM_FUNC_START die
	cli
	movq	%rsi, %rbx			# regs
	movq	%rdx, %r12			# err
	movq	%rdi, %r13			# str (NULL: page fault)

	leaq	str_nopti(%rip), %rcx
	testb	$(1 << X86_FEATURE_PTI), x86_feature_flags(%rip)
	jz	1f
	leaq	str_pti(%rip), %rcx
1:	testq	%r13, %r13
	jz	2f
	leaq	msg_die_str(%rip), %rdi
	movq	%r13, %rsi
	movq	%r12, %rdx
	call	printk
	jmp	3f
2:	leaq	msg_die_plain(%rip), %rdi
	movq	%r12, %rsi
	movq	%rcx, %rdx
	call	printk
3:	movq	%gs:PCPU_current_task, %rax
	leaq	msg_cpu(%rip), %rdi
	movq	TASK_uid(%rax), %rsi
	movq	TASK_tgid(%rax), %rdx
	leaq	TASK_comm(%rax), %rcx
	call	printk
	leaq	msg_hw(%rip), %rdi
	call	printk

	movq	%rbx, %rdi
	call	__show_regs
	movq	%rbx, %rdi
	call	show_trace_log_lvl

	leaq	msg_end(%rip), %rdi
	call	printk
	movb	$1, %al				# tell the machine: stop, the text is complete
	movw	$RINGSTEP_PANIC_PORT, %dx
	outb	%al, %dx
.Ldie_hang:
	hlt
	jmp	.Ldie_hang
SYM_FUNC_END die

# PRINT_REGS fmt, a, b, c: printk(fmt, regs->a, regs->b, regs->c) with regs in rbx.
.macro PRINT_REGS fmt, a, b, c
	leaq	\fmt(%rip), %rdi
	movq	pt_regs_\a(%rbx), %rsi
	movq	pt_regs_\b(%rbx), %rdx
	.ifnb \c
	movq	pt_regs_\c(%rbx), %rcx
	.endif
	call	printk
.endm

# rdmsrl msr, dest (arch/x86/include/asm/msr.h): dest = the 64-bit MSR, which rdmsr splits
# into EDX:EAX.
.macro rdmsrl msr, dest
	movl	$\msr, %ecx
	rdmsr
	shlq	$32, %rdx
	orq	%rdx, %rax
	movq	%rax, \dest
.endm

# void __show_regs(struct pt_regs *regs)
SYM_FUNC_START __show_regs
	pushq	%rbx
	movq	%rdi, %rbx
	PRINT_REGS msg_rip, cs, ip
	PRINT_REGS msg_rsp, ss, sp, flags
	PRINT_REGS msg_rax, ax, bx, cx
	PRINT_REGS msg_rdx, dx, si, di
	PRINT_REGS msg_rbp, bp, r8, r9
	PRINT_REGS msg_r10, r10, r11, r12
	PRINT_REGS msg_r13, r13, r14, r15

	subq	$16, %rsp
	rdmsrl	MSR_FS_BASE, 0(%rsp)
	rdmsrl	MSR_GS_BASE, 8(%rsp)
	rdmsrl	MSR_KERNEL_GS_BASE, %rcx
	leaq	msg_fs(%rip), %rdi
	movq	0(%rsp), %rsi
	movq	8(%rsp), %rdx
	call	printk
	addq	$16, %rsp

	leaq	msg_cs(%rip), %rdi
	movq	pt_regs_cs(%rbx), %rsi
	mov	%cr0, %rdx
	call	printk
	leaq	msg_cr2(%rip), %rdi
	mov	%cr2, %rsi
	mov	%cr3, %rdx
	mov	%cr4, %rcx
	call	printk
	popq	%rbx
	ret
SYM_FUNC_END __show_regs

# void show_trace_log_lvl(struct pt_regs *regs)
# Without frame pointers or ORC data, Linux falls back to scanning the stack: every word that
# points into the kernel image might be a return address, and is printed with a "?".
SYM_FUNC_START show_trace_log_lvl
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	pt_regs_sp(%rdi), %rbx		# the stack at the time of the fault
	movq	%gs:PCPU_cpu_current_top_of_stack, %r12
	leaq	msg_trace(%rip), %rdi
	call	printk
	# only a kernel stack inside the current task's stack can be scanned
	movq	%r12, %rax
	subq	$16384, %rax
	cmpq	%rax, %rbx
	jb	.Ltrace_done
	cmpq	%r12, %rbx
	jae	.Ltrace_done
.Ltrace_word:
	movq	(%rbx), %rsi
	movq	$0xffffffff81000000, %rax	# the kernel image ...
	cmpq	%rax, %rsi
	jb	.Ltrace_skip
	movq	$0xffffffff82000000, %rax	# ... is well below 16 MiB long
	cmpq	%rax, %rsi
	jae	.Ltrace_skip
	leaq	init_stack(%rip), %rax		# but our stack lives in the image too: skip it
	cmpq	%rax, %rsi
	jb	1f
	cmpq	%r12, %rsi
	jb	.Ltrace_skip
1:	leaq	msg_trace_entry(%rip), %rdi
	call	printk
.Ltrace_skip:
	addq	$8, %rbx
	cmpq	%r12, %rbx
	jb	.Ltrace_word
.Ltrace_done:
	leaq	msg_trace_end(%rip), %rdi
	call	printk
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END show_trace_log_lvl

# void panic(const char *msg)   -- does not return
SYM_FUNC_START panic
	cli
	movq	%rdi, %rsi
	leaq	msg_panic(%rip), %rdi
	call	printk
	movb	$1, %al
	movw	$RINGSTEP_PANIC_PORT, %dx
	outb	%al, %dx
.Lpanic_hang:
	hlt
	jmp	.Lpanic_hang
SYM_FUNC_END panic

# arch/x86/mm/fault.c -- the page-fault handler.
#
# This kernel maps every user page when it is created (no demand paging), so a page fault is
# never "bring the page in": from user mode it is SIGSEGV; from kernel mode it is a user access
# that went wrong (__ex_table fixup -> -EFAULT) or a kernel bug (oops).

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/current.h"
.include "include/asm/processor-flags.h"
.include "include/asm/cpufeatures.h"
.include "include/asm/page_types.h"
.include "include/asm/trapnr.h"
.include "include/uapi/asm/signal.h"
.include "include/uapi/asm-generic/siginfo.h"

	.section .rodata, "a"
msg_null_deref:	.asciz "BUG: kernel NULL pointer dereference, address: %016lx\n"
msg_bad_page:	.asciz "BUG: unable to handle page fault for address: %016lx\n"
msg_smep:	.asciz "unable to execute userspace code (SMEP?) (uid: %d)\n"
msg_pf_access:	.asciz "#PF: %s %s in %s mode\n"
msg_pf_code:	.asciz "#PF: error_code(0x%04lx) - %s\n"
str_user:	.asciz "user"
str_supervisor:	.asciz "supervisor"
str_kernel:	.asciz "kernel"
str_fetch:	.asciz "instruction fetch"
str_write:	.asciz "write access"
str_read:	.asciz "read access"
str_not_present:	.asciz "not-present page"
str_rsvd:	.asciz "reserved bit violation"
str_perm:	.asciz "permissions violation"

	.text
# void exc_page_fault(struct pt_regs *regs, unsigned long error_code)
SYM_FUNC_START exc_page_fault
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %rbx
	movq	%rsi, %r12
	mov	%cr2, %r13			# the address that faulted

	testb	$3, pt_regs_cs(%rbx)
	jnz	.Luser_fault

	# ---- kernel mode
	movq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %r13
	jae	.Lkernel_try_fixup		# a kernel address: do_kern_addr_fault
	# A user address. With SMAP on, a supervisor access while AC is clear is a bug whatever
	# the exception table says: the code forgot STAC, or followed a pointer it should not.
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_SMAP, .Lkernel_try_fixup
	testq	$X86_EFLAGS_AC, pt_regs_flags(%rbx)
	jz	.Loops
.Lkernel_try_fixup:
	# kernelmode_fixup_or_oops()
	movq	%rbx, %rdi
	movl	$X86_TRAP_PF, %esi
	call	fixup_exception
	testl	%eax, %eax
	jnz	.Lpf_done
.Loops:
	movq	%rbx, %rdi
	movq	%r12, %rsi
	movq	%r13, %rdx
	call	page_fault_oops			# does not return

.Luser_fault:
	# set_signal_archinfo(): what the signal frame's sigcontext will say (trapno 14, err, cr2).
	# A user access to a kernel address always reads as a protection fault, present or not,
	# so the error code tells user space nothing about how the kernel is mapped.
	GET_CURRENT %rax
	movq	$X86_TRAP_PF, TASK_thread_trap_nr(%rax)
	movq	%r12, %rcx
	orq	$X86_PF_USER, %rcx
	movq	$TASK_SIZE_MAX, %rdx
	cmpq	%rdx, %r13
	jb	2f
	orq	$X86_PF_PROT, %rcx
2:	movq	%rcx, TASK_thread_error_code(%rax)
	movq	%r13, TASK_thread_cr2(%rax)
	# __bad_area_nosemaphore(): SIGSEGV. A present page the access was not allowed on is
	# SEGV_ACCERR; a missing page, or any kernel address, is SEGV_MAPERR.
	movl	$SEGV_MAPERR, %esi
	movq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %r13
	jae	1f
	testq	$X86_PF_PROT, %r12
	jz	1f
	movl	$SEGV_ACCERR, %esi
1:	movl	$SIGSEGV, %edi
	movq	%r13, %rdx
	call	force_sig_fault
.Lpf_done:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END exc_page_fault

# void page_fault_oops(struct pt_regs *regs, unsigned long error_code, unsigned long address)
SYM_FUNC_START page_fault_oops
	movq	%rdi, %rbx
	movq	%rsi, %r12
	movq	%rdx, %r13
	# show_fault_oops()
	testq	$X86_PF_INSTR, %r12
	jz	1f
	movq	$TASK_SIZE_MAX, %rax
	cmpq	%rax, %r13
	jae	1f
	leaq	msg_smep(%rip), %rdi
	movq	%gs:PCPU_current_task, %rsi
	movq	TASK_uid(%rsi), %rsi
	call	printk
1:	leaq	msg_bad_page(%rip), %rdi
	cmpq	$PAGE_SIZE, %r13
	jae	2f
	leaq	msg_null_deref(%rip), %rdi
2:	movq	%r13, %rsi
	call	printk

	leaq	str_supervisor(%rip), %rsi
	testq	$X86_PF_USER, %r12
	jz	3f
	leaq	str_user(%rip), %rsi
3:	leaq	str_read(%rip), %rdx
	testq	$X86_PF_WRITE, %r12
	jz	4f
	leaq	str_write(%rip), %rdx
4:	testq	$X86_PF_INSTR, %r12
	jz	5f
	leaq	str_fetch(%rip), %rdx
5:	leaq	str_kernel(%rip), %rcx
	testb	$3, pt_regs_cs(%rbx)
	jz	6f
	leaq	str_user(%rip), %rcx
6:	leaq	msg_pf_access(%rip), %rdi
	call	printk

	leaq	str_not_present(%rip), %rdx
	testq	$X86_PF_PROT, %r12
	jz	7f
	leaq	str_perm(%rip), %rdx
	testq	$X86_PF_RSVD, %r12
	jz	7f
	leaq	str_rsvd(%rip), %rdx
7:	leaq	msg_pf_code(%rip), %rdi
	movq	%r12, %rsi
	call	printk

	xorl	%edi, %edi			# die(NULL: plain "Oops", regs, error_code)
	movq	%rbx, %rsi
	movq	%r12, %rdx
	jmp	die
SYM_FUNC_END page_fault_oops

# arch/x86/entry/common.c -- do_syscall_64: from the saved registers to the handler and back.
#
# Linux writes this in C; this is the same function, step for step, written as a compiler would
# (the C calling convention: arguments in rdi, rsi, rdx, rcx, r8, r9, result in rax, rbx/rbp/
# r12-r15 preserved).

.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/asm/unistd_64.h"
.include "include/asm/segment.h"
.include "include/asm/processor-flags.h"
.include "include/asm/cpufeatures.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/page_types.h"

# KSTACK_OFFSET_MAX(x) = x & 0x3f0: up to 1008 bytes, 16-byte aligned (include/linux/randomize_kstack.h)
.equ KSTACK_OFFSET_MASK, 0x3f0

	.text

# bool do_syscall_64(struct pt_regs *regs, int nr)
# Returns true (AL = 1) when returning with SYSRET is safe, false to use IRET.
SYM_FUNC_START do_syscall_64
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	movq	%rdi, %rbx			# rbx = regs
	movl	%esi, %r12d			# r12d = nr

	# add_random_kstack_offset(): move the stack down by a random 0..1008 bytes (an alloca).
	# A kernel stack overflow or a stack-address leak from an earlier call is no help for the
	# next one: nothing below pt_regs is at a predictable address any more.
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_RANDOMIZE_KSTACK, .Lno_kstack_offset
	movq	%gs:PCPU_current_task, %rax
	movl	TASK_kstack_offset(%rax), %eax
	andl	$KSTACK_OFFSET_MASK, %eax
	subq	%rax, %rsp
.Lno_kstack_offset:

	# nr = syscall_enter_from_user_mode(regs, nr): ptrace and seccomp get their say here and
	# may change the number (or make it -1: skip the call).
	movq	%rbx, %rdi
	movl	%r12d, %esi
	call	syscall_enter_from_user_mode
	movl	%eax, %r12d

	# if (!do_syscall_x64(regs, nr) && !do_syscall_x32(regs, nr) && nr != -1)
	#         regs->ax = __x64_sys_ni_syscall(regs);
	movq	%rbx, %rdi
	movl	%r12d, %esi
	call	do_syscall_x64
	testb	%al, %al
	jnz	.Lsyscall_done
	# do_syscall_x32(): this kernel is built without CONFIG_X86_X32_ABI, so it is `false`.
	cmpl	$-1, %r12d			# -1: skipped on purpose; regs->ax already holds the result
	je	.Lsyscall_done
	movq	%rbx, %rdi
	call	__x64_sys_ni_syscall		# a number nobody implements: -ENOSYS
	movq	%rax, pt_regs_ax(%rbx)
.Lsyscall_done:

	# Signals, rescheduling, the exit half of tracing.
	movq	%rbx, %rdi
	call	syscall_exit_to_user_mode

	# ---- Can we return with SYSRET? ---------------------------------------------------------
	# SYSRET restores only RIP (from RCX) and RFLAGS (from R11), and loads fixed CS/SS values.
	# Anything it cannot reproduce exactly must go through IRET.
	xorl	%eax, %eax			# false until every check has passed

	# 1. (Xen PV would always say false here.)
	# 2. RCX must equal RIP: SYSRET jumps to RCX. (ptrace, signals, execve change ip.)
	movq	pt_regs_ip(%rbx), %rcx
	cmpq	%rcx, pt_regs_cx(%rbx)
	jne	.Luse_iret
	# 3. R11 must equal RFLAGS: SYSRET loads RFLAGS from R11.
	movq	pt_regs_flags(%rbx), %rdx
	cmpq	%rdx, pt_regs_r11(%rbx)
	jne	.Luse_iret
	# 4. CS and SS must be what SYSRET loads (from STAR): 0x33 and 0x2b.
	cmpq	$__USER_CS, pt_regs_cs(%rbx)
	jne	.Luse_iret
	cmpq	$__USER_DS, pt_regs_ss(%rbx)
	jne	.Luse_iret
	# 5. RIP must be below TASK_SIZE_MAX. On Intel, SYSRET to a non-canonical RIP raises #GP
	#    while still in ring 0 but already on the user's stack and GS: a classic privilege
	#    escalation (CVE-2012-0217). Checking against TASK_SIZE_MAX is stricter than canonical.
	movq	$TASK_SIZE_MAX, %rsi
	cmpq	%rsi, %rcx
	jae	.Luse_iret
	# 6. No RF or TF: SYSRET cannot restore RF, and restoring TF with SYSRET would trap on the
	#    first user instruction with the wrong state. IRET does both correctly.
	testq	$(X86_EFLAGS_RF | X86_EFLAGS_TF), %rdx
	jnz	.Luse_iret

	movl	$1, %eax			# all six checks passed: SYSRET
.Luse_iret:
	leaq	-16(%rbp), %rsp			# undo the random offset
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
SYM_FUNC_END do_syscall_64

# static bool do_syscall_x64(struct pt_regs *regs, int nr)
SYM_FUNC_START_LOCAL do_syscall_x64
	pushq	%rbx
	movq	%rdi, %rbx
	# unsigned int unr = nr: a negative number becomes huge and fails the range check.
	movl	%esi, %eax
	cmpq	$NR_syscalls, %rax
	jae	.Lnot_x64

	# unr = array_index_nospec(unr, NR_syscalls): the branch above can be mispredicted, and a
	# CPU speculating past it with an out-of-range unr would read sys_call_table[unr] from
	# anywhere (Spectre v1). cmp + sbb make a mask without a branch: all ones when
	# unr < NR_syscalls, zero otherwise; the AND clamps unr even under speculation.
	cmpq	$NR_syscalls, %rax
	sbbq	%rdx, %rdx
	andq	%rdx, %rax

	# regs->ax = x64_sys_call(regs, unr);
	movq	%rbx, %rdi
	movl	%eax, %esi
	call	x64_sys_call
	movq	%rax, pt_regs_ax(%rbx)
	movl	$1, %eax
	popq	%rbx
	ret
.Lnot_x64:
	xorl	%eax, %eax
	popq	%rbx
	ret
SYM_FUNC_END do_syscall_x64

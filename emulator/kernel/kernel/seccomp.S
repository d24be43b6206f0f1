# kernel/seccomp.c (with the classic-BPF checker and interpreter of net/core/filter.c) -- system
# call filtering.
#
# seccomp lets a process shrink its own attack surface: after installing a filter, every syscall
# is first shown to a small BPF program that looks at the syscall number, the architecture and the
# arguments (struct seccomp_data) and returns a verdict: allow, fail with an errno, send SIGSYS,
# or kill. Filters can only be added, never removed, and every filter runs on every syscall.
# Strict mode (the 2005 original) allows only read, write, exit and rt_sigreturn.

.include "include/generated/asm-offsets.h"
.include "include/linux/linkage.h"
.include "include/asm/thread_info.h"
.include "include/asm/unistd_64.h"
.include "include/uapi/asm/errno.h"
.include "include/uapi/asm/signal.h"
.include "include/uapi/asm-generic/siginfo.h"
.include "include/uapi/linux/seccomp.h"
.include "include/uapi/linux/audit.h"
.include "include/uapi/linux/filter.h"
.include "include/uapi/linux/bpf_common.h"
.include "include/asm/syscall_wrapper.h"

# Internal mode after a KILL action: nothing more may run (kernel/seccomp.c).
.equ SECCOMP_MODE_DEAD, SECCOMP_MODE_FILTER + 1
# Linux caps the instructions run per syscall across all filters (each filter costs 4 more).
.equ MAX_INSNS_PER_PATH, (1 << 18) / 8

# Our struct seccomp_filter, a run of zeroed pages: prev, len, log, then the instructions.
.equ SF_prev, 0
.equ SF_len, 8
.equ SF_log, 16
.equ SF_insns, 24

	.text

# ---- running the filters at syscall entry --------------------------------------------------------

# __secure_computing(sd) -> eax = 0 (run the syscall) or -1 (skip it; regs->ax already holds the
# result). Called from syscall_trace_enter when SYSCALL_WORK_SECCOMP is set; sd is NULL there, so
# the data is built from current's pt_regs.
SYM_FUNC_START __secure_computing
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%gs:PCPU_current_task, %r12
	movq	%gs:PCPU_cpu_current_top_of_stack, %rbx
	subq	$PTREGS_SIZE, %rbx		# regs
	movq	TASK_seccomp_mode(%r12), %rax
	cmpq	$SECCOMP_MODE_FILTER, %rax
	je	.Lsc_filter
	cmpq	$SECCOMP_MODE_STRICT, %rax
	je	.Lsc_strict
	cmpq	$SECCOMP_MODE_DEAD, %rax
	je	.Lsc_dead
	xorl	%eax, %eax			# disabled
	jmp	.Lsc_out

.Lsc_strict:
	# __secure_computing_strict: the four syscalls a pure compute sandbox needs -- read and write
	# on fds it already holds, and the two ways out.
	movl	pt_regs_orig_ax(%rbx), %eax
	cmpl	$__NR_read, %eax
	je	1f
	cmpl	$__NR_write, %eax
	je	1f
	cmpl	$__NR_exit, %eax
	je	1f
	cmpl	$__NR_rt_sigreturn, %eax
	je	1f
	# Anything else is fatal, with SIGKILL so no handler can intervene.
	movl	$SIGKILL, %edi
	call	do_group_exit
1:	xorl	%eax, %eax
	jmp	.Lsc_out

.Lsc_dead:
	# A KILL verdict is already being carried out: nothing more may run.
	movl	$SIGKILL, %edi
	call	do_group_exit

.Lsc_filter:
	# populate_seccomp_data
	subq	$SECCOMP_DATA_SIZE, %rsp
	movl	pt_regs_orig_ax(%rbx), %eax
	movl	%eax, SD_nr(%rsp)
	# The architecture goes in every time: on x86-64 the same number means a different syscall
	# under int $0x80 (i386) -- so a filter that does not check arch first can be bypassed.
	movl	$AUDIT_ARCH_X86_64, SD_arch(%rsp)
	movq	pt_regs_ip(%rbx), %rax
	movq	%rax, SD_instruction_pointer(%rsp)
	movq	pt_regs_di(%rbx), %rax
	movq	%rax, SD_args + 0(%rsp)
	movq	pt_regs_si(%rbx), %rax
	movq	%rax, SD_args + 8(%rsp)
	movq	pt_regs_dx(%rbx), %rax
	movq	%rax, SD_args + 16(%rsp)
	movq	pt_regs_r10(%rbx), %rax
	movq	%rax, SD_args + 24(%rsp)
	movq	pt_regs_r8(%rbx), %rax
	movq	%rax, SD_args + 32(%rsp)
	movq	pt_regs_r9(%rbx), %rax
	movq	%rax, SD_args + 40(%rsp)
	movq	%rsp, %rdi
	call	seccomp_run_filters		# eax = the strictest verdict
	addq	$SECCOMP_DATA_SIZE, %rsp
	movl	%eax, %r13d
	andl	$SECCOMP_RET_ACTION_FULL, %eax
	cmpl	$SECCOMP_RET_ERRNO, %eax
	je	.Lsc_errno
	cmpl	$SECCOMP_RET_TRAP, %eax
	je	.Lsc_trap
	cmpl	$SECCOMP_RET_TRACE, %eax
	je	.Lsc_enosys
	cmpl	$SECCOMP_RET_USER_NOTIF, %eax
	je	.Lsc_enosys
	cmpl	$SECCOMP_RET_LOG, %eax
	je	.Lsc_allow
	cmpl	$SECCOMP_RET_ALLOW, %eax
	je	.Lsc_allow
	# KILL_THREAD, KILL_PROCESS, and any action this kernel does not know: the safe reading of
	# an unknown verdict is the harshest one.
	movq	$SECCOMP_MODE_DEAD, TASK_seccomp_mode(%r12)
	# syscall_rollback: the core dump shows the registers as the syscall found them.
	movq	pt_regs_orig_ax(%rbx), %rax
	movq	%rax, pt_regs_ax(%rbx)
	movl	%r13d, %edi
	andl	$SECCOMP_RET_DATA, %edi
	movl	$1, %esi			# force_coredump: SIGSYS with SIG_DFL, not catchable
	call	force_sig_seccomp
	jmp	.Lsc_skip

.Lsc_errno:
	# Fail the syscall with -data without running it. syscall_set_return_value uses "err ?: val",
	# so ERRNO with data 0 makes the syscall return 0.
	movl	%r13d, %eax
	andl	$SECCOMP_RET_DATA, %eax
	cmpl	$MAX_ERRNO, %eax
	jbe	1f
	movl	$MAX_ERRNO, %eax
1:	negq	%rax
	movq	%rax, pt_regs_ax(%rbx)
	jmp	.Lsc_skip

.Lsc_trap:
	# SIGSYS to the task itself, which can emulate the call in its handler. RAX goes back to the
	# syscall number, so the handler sees what was attempted.
	movq	pt_regs_orig_ax(%rbx), %rax
	movq	%rax, pt_regs_ax(%rbx)
	movl	%r13d, %edi
	andl	$SECCOMP_RET_DATA, %edi
	xorl	%esi, %esi
	call	force_sig_seccomp
	jmp	.Lsc_skip

.Lsc_enosys:
	# TRACE asks a ptrace tracer (PTRACE_O_TRACESECCOMP) to decide, USER_NOTIF a listener fd.
	# This kernel has neither, and Linux's answer without one is -ENOSYS, skipped.
	movq	$-ENOSYS, pt_regs_ax(%rbx)
	jmp	.Lsc_skip

.Lsc_allow:
	xorl	%eax, %eax
	jmp	.Lsc_out
.Lsc_skip:
	movl	$-1, %eax
.Lsc_out:
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END __secure_computing

# force_sig_seccomp(reason = edi, force_coredump = esi): SIGSYS, SYS_SECCOMP, with the call's
# address, number and arch so a handler can tell what was refused; si_errno carries the data.
SYM_FUNC_START_LOCAL force_sig_seccomp
	subq	$SIGINFO_SIZE + 8, %rsp
	movl	%edi, %r8d
	movl	%esi, %r9d
	movq	%rsp, %rdi
	movl	$SIGINFO_SIZE / 8, %ecx
	xorl	%eax, %eax
	rep stosq
	movl	$SIGSYS, SI_signo(%rsp)
	movl	%r8d, SI_errno(%rsp)
	movl	$SYS_SECCOMP, SI_code(%rsp)
	movq	%gs:PCPU_cpu_current_top_of_stack, %rax
	subq	$PTREGS_SIZE, %rax
	movq	pt_regs_ip(%rax), %rcx
	movq	%rcx, SI_call_addr(%rsp)
	movl	pt_regs_orig_ax(%rax), %ecx
	movl	%ecx, SI_syscall(%rsp)
	movl	$AUDIT_ARCH_X86_64, SI_arch(%rsp)
	movq	%rsp, %rdi
	movl	%r9d, %esi
	call	force_sig_info_to_task
	addq	$SIGINFO_SIZE + 8, %rsp
	ret
SYM_FUNC_END force_sig_seccomp

# seccomp_run_filters(sd = rdi) -> eax: run every filter, newest first, and keep the verdict whose
# action is smallest as a signed number. That single comparison gives Linux's precedence
# KILL_PROCESS (0x80000000, negative) > KILL_THREAD > TRAP > ERRNO > USER_NOTIF > TRACE > LOG >
# ALLOW: a later filter can only make things stricter, never undo an older filter's refusal --
# which is what lets a sandbox stack filters without trusting the code it sandboxes.
SYM_FUNC_START seccomp_run_filters
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	movq	%rdi, %r13
	movl	$SECCOMP_RET_ALLOW, %r12d
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_seccomp_filter(%rax), %rbx
1:	testq	%rbx, %rbx
	jz	3f
	movq	%rbx, %rdi
	movq	%r13, %rsi
	call	bpf_prog_run_classic
	movl	%eax, %ecx
	andl	$SECCOMP_RET_ACTION_FULL, %ecx
	movl	%r12d, %edx
	andl	$SECCOMP_RET_ACTION_FULL, %edx
	cmpl	%edx, %ecx
	jge	2f				# signed compare
	movl	%eax, %r12d
2:	movq	SF_prev(%rbx), %rbx
	jmp	1b
3:	movl	%r12d, %eax
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END seccomp_run_filters

# BPF_ALU_CASE op, insn: if the ALU operation (eax) is \op, then A (r12d) = A \insn src (edx).
.macro BPF_ALU_CASE op, insn
	cmpl	$\op, %eax
	jne	1f
	\insn	%edx, %r12d
	jmp	.Lbpf_step
1:
.endm

# BPF_SHIFT_CASE op, insn: the same for a shift, whose count x86 wants in CL.
.macro BPF_SHIFT_CASE op, insn
	cmpl	$\op, %eax
	jne	1f
	movl	%edx, %ecx
	\insn	%cl, %r12d
	jmp	.Lbpf_step
1:
.endm

# bpf_prog_run_classic(filter = rdi, sd = rsi) -> eax: the classic BPF machine. A is the
# accumulator, X the index register, M[16] scratch memory. The checker already guaranteed that
# every jump goes forward and stays inside, every load is an aligned word of seccomp_data, and
# the program ends in RET -- so this loop always terminates.
SYM_FUNC_START bpf_prog_run_classic
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	subq	$BPF_MEMWORDS * 4, %rsp		# M[]
	leaq	SF_insns(%rdi), %rbx		# rbx = insns
	movq	%rsi, %r15			# r15 = seccomp_data
	xorl	%r12d, %r12d			# A
	xorl	%r13d, %r13d			# X
	xorl	%r14d, %r14d			# pc
.Lbpf_step:
	leaq	(%rbx,%r14,8), %rsi
	movzwl	(%rsi), %eax			# code
	movl	4(%rsi), %edx			# k
	incq	%r14				# pc now points at the next instruction
	cmpl	$BPF_LD | BPF_W | BPF_ABS, %eax
	je	.Lbpf_ld_abs
	cmpl	$BPF_JMP | BPF_JEQ | BPF_K, %eax
	je	.Lbpf_jeq_k
	cmpl	$BPF_RET | BPF_K, %eax
	je	.Lbpf_ret_k
	cmpl	$BPF_RET | BPF_A, %eax
	je	.Lbpf_ret_a
	cmpl	$BPF_JMP | BPF_JA, %eax
	je	.Lbpf_ja
	movl	%eax, %ecx
	andl	$0x07, %ecx			# class
	cmpl	$BPF_JMP, %ecx
	je	.Lbpf_jmp
	cmpl	$BPF_ALU, %ecx
	je	.Lbpf_alu
	cmpl	$BPF_LD | BPF_IMM, %eax
	je	.Lbpf_ld_imm
	cmpl	$BPF_LDX | BPF_IMM, %eax
	je	.Lbpf_ldx_imm
	cmpl	$BPF_LD | BPF_MEM, %eax
	je	.Lbpf_ld_mem
	cmpl	$BPF_LDX | BPF_MEM, %eax
	je	.Lbpf_ldx_mem
	cmpl	$BPF_ST, %eax
	je	.Lbpf_st
	cmpl	$BPF_STX, %eax
	je	.Lbpf_stx
	cmpl	$BPF_MISC | BPF_TAX, %eax
	je	.Lbpf_tax
	cmpl	$BPF_MISC | BPF_TXA, %eax
	je	.Lbpf_txa
	# unreachable after seccomp_check_filter; fail closed
	movl	$SECCOMP_RET_KILL_PROCESS, %eax
	jmp	.Lbpf_out
.Lbpf_ld_abs:
	movl	(%r15,%rdx), %r12d		# A = the 32-bit word at offset k of seccomp_data
	jmp	.Lbpf_step
.Lbpf_jeq_k:
	movzbl	2(%rsi), %ecx			# jt
	movzbl	3(%rsi), %edi			# jf
	cmpl	%edx, %r12d
	je	1f
	addq	%rdi, %r14
	jmp	.Lbpf_step
1:	addq	%rcx, %r14
	jmp	.Lbpf_step
.Lbpf_ret_k:
	movl	%edx, %eax
	jmp	.Lbpf_out
.Lbpf_ret_a:
	movl	%r12d, %eax
	jmp	.Lbpf_out
.Lbpf_ja:
	addq	%rdx, %r14			# k is the (unsigned, forward) offset
	jmp	.Lbpf_step
.Lbpf_jmp:
	# JEQ/JGT/JGE/JSET against k or X (unsigned comparisons)
	testl	$BPF_X, %eax
	jz	1f
	movl	%r13d, %edx
1:	movzbl	2(%rsi), %ecx
	movzbl	3(%rsi), %edi
	andl	$0xf0, %eax
	cmpl	$BPF_JGT, %eax
	je	.Lbpf_jgt
	cmpl	$BPF_JGE, %eax
	je	.Lbpf_jge
	cmpl	$BPF_JSET, %eax
	je	.Lbpf_jset
	cmpl	%edx, %r12d			# JEQ
	je	.Lbpf_taken
	jmp	.Lbpf_not_taken
.Lbpf_jgt:
	cmpl	%edx, %r12d
	ja	.Lbpf_taken
	jmp	.Lbpf_not_taken
.Lbpf_jge:
	cmpl	%edx, %r12d
	jae	.Lbpf_taken
	jmp	.Lbpf_not_taken
.Lbpf_jset:
	testl	%edx, %r12d
	jnz	.Lbpf_taken
.Lbpf_not_taken:
	addq	%rdi, %r14
	jmp	.Lbpf_step
.Lbpf_taken:
	addq	%rcx, %r14
	jmp	.Lbpf_step
.Lbpf_alu:
	testl	$BPF_X, %eax
	jz	1f
	movl	%r13d, %edx
1:	andl	$0xf0, %eax			# the operation
	BPF_ALU_CASE	BPF_ADD, addl
	BPF_ALU_CASE	BPF_SUB, subl
	BPF_ALU_CASE	BPF_MUL, imull
	BPF_ALU_CASE	BPF_OR, orl
	BPF_ALU_CASE	BPF_AND, andl
	BPF_ALU_CASE	BPF_XOR, xorl
	BPF_SHIFT_CASE	BPF_LSH, shll
	BPF_SHIFT_CASE	BPF_RSH, shrl
	cmpl	$BPF_DIV, %eax
	jne	1f
	# Division by X == 0 ends the program with 0 (KILL_THREAD), as the classic interpreter does;
	# division by a constant 0 was refused by the checker.
	testl	%edx, %edx
	jz	.Lbpf_ret_zero
	movl	%edx, %ecx
	movl	%r12d, %eax
	xorl	%edx, %edx
	divl	%ecx
	movl	%eax, %r12d
	jmp	.Lbpf_step
1:	negl	%r12d				# BPF_NEG
	jmp	.Lbpf_step
.Lbpf_ret_zero:
	xorl	%eax, %eax
	jmp	.Lbpf_out
.Lbpf_ld_imm:
	movl	%edx, %r12d
	jmp	.Lbpf_step
.Lbpf_ldx_imm:
	movl	%edx, %r13d
	jmp	.Lbpf_step
.Lbpf_ld_mem:
	movl	(%rsp,%rdx,4), %r12d
	jmp	.Lbpf_step
.Lbpf_ldx_mem:
	movl	(%rsp,%rdx,4), %r13d
	jmp	.Lbpf_step
.Lbpf_st:
	movl	%r12d, (%rsp,%rdx,4)
	jmp	.Lbpf_step
.Lbpf_stx:
	movl	%r13d, (%rsp,%rdx,4)
	jmp	.Lbpf_step
.Lbpf_tax:
	movl	%r12d, %r13d
	jmp	.Lbpf_step
.Lbpf_txa:
	movl	%r13d, %r12d
	jmp	.Lbpf_step
.Lbpf_out:
	addq	$BPF_MEMWORDS * 4, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END bpf_prog_run_classic

# ---- checking a filter before it is installed ------------------------------------------------------

# seccomp_check_filter(insns = rdi, len = esi) -> eax = 0 or -EINVAL.
# Combines bpf_check_classic (jumps in range, sane constants, last instruction RET) with seccomp's
# allow-list: no packet loads (there is no packet), and LD|W|ABS only at aligned offsets inside
# seccomp_data. LEN loads are rewritten to the constant sizeof(seccomp_data) = 64, as Linux does.
SYM_FUNC_START seccomp_check_filter
	xorl	%ecx, %ecx			# pc
.Lchk_next:
	cmpl	%esi, %ecx
	jae	.Lchk_last
	leaq	(%rdi,%rcx,8), %r8
	movzwl	(%r8), %eax			# code
	movl	4(%r8), %edx			# k
	movzbl	2(%r8), %r9d			# jt
	movzbl	3(%r8), %r10d			# jf
	incl	%ecx				# ecx = pc + 1: jump offsets count from here
	cmpl	$BPF_LD | BPF_W | BPF_ABS, %eax
	jne	1f
	cmpl	$SECCOMP_DATA_SIZE, %edx
	jae	.Lchk_einval
	testl	$3, %edx
	jnz	.Lchk_einval
	jmp	.Lchk_next
1:	cmpl	$BPF_LD | BPF_W | BPF_LEN, %eax
	jne	1f
	movw	$BPF_LD | BPF_IMM, (%r8)
	movl	$SECCOMP_DATA_SIZE, 4(%r8)
	jmp	.Lchk_next
1:	cmpl	$BPF_LDX | BPF_W | BPF_LEN, %eax
	jne	1f
	movw	$BPF_LDX | BPF_IMM, (%r8)
	movl	$SECCOMP_DATA_SIZE, 4(%r8)
	jmp	.Lchk_next
1:	cmpl	$BPF_RET | BPF_K, %eax
	je	.Lchk_next
	cmpl	$BPF_RET | BPF_A, %eax
	je	.Lchk_next
	cmpl	$BPF_LD | BPF_IMM, %eax
	je	.Lchk_next
	cmpl	$BPF_LDX | BPF_IMM, %eax
	je	.Lchk_next
	cmpl	$BPF_MISC | BPF_TAX, %eax
	je	.Lchk_next
	cmpl	$BPF_MISC | BPF_TXA, %eax
	je	.Lchk_next
	cmpl	$BPF_LD | BPF_MEM, %eax
	je	.Lchk_mem
	cmpl	$BPF_LDX | BPF_MEM, %eax
	je	.Lchk_mem
	cmpl	$BPF_ST, %eax
	je	.Lchk_mem
	cmpl	$BPF_STX, %eax
	je	.Lchk_mem
	cmpl	$BPF_JMP | BPF_JA, %eax
	je	.Lchk_ja
	movl	%eax, %r11d
	andl	$0x07, %r11d
	cmpl	$BPF_ALU, %r11d
	je	.Lchk_alu
	cmpl	$BPF_JMP, %r11d
	je	.Lchk_jcond
	jmp	.Lchk_einval
.Lchk_mem:
	cmpl	$BPF_MEMWORDS, %edx
	jae	.Lchk_einval
	jmp	.Lchk_next
.Lchk_ja:
	# forward only, and inside the program: pc + 1 + k < len
	movl	%ecx, %r11d
	addq	%rdx, %r11
	cmpq	%rsi, %r11
	jae	.Lchk_einval
	jmp	.Lchk_next
.Lchk_jcond:
	movl	%eax, %r11d
	andl	$~BPF_X, %r11d
	cmpl	$BPF_JMP | BPF_JEQ, %r11d
	je	2f
	cmpl	$BPF_JMP | BPF_JGT, %r11d
	je	2f
	cmpl	$BPF_JMP | BPF_JGE, %r11d
	je	2f
	cmpl	$BPF_JMP | BPF_JSET, %r11d
	jne	.Lchk_einval
2:	leal	(%rcx,%r9), %r11d
	cmpl	%esi, %r11d
	jae	.Lchk_einval
	leal	(%rcx,%r10), %r11d
	cmpl	%esi, %r11d
	jae	.Lchk_einval
	jmp	.Lchk_next
.Lchk_alu:
	movl	%eax, %r11d
	andl	$0xf0, %r11d
	cmpl	$BPF_NEG, %r11d
	jne	3f
	cmpl	$BPF_ALU | BPF_NEG, %eax	# NEG takes no source
	jne	.Lchk_einval
	jmp	.Lchk_next
3:	cmpl	$BPF_XOR, %r11d
	je	4f
	cmpl	$BPF_RSH, %r11d
	ja	.Lchk_einval			# MOD and unknown ops are not on seccomp's list
4:	testl	$BPF_X, %eax
	jnz	.Lchk_next
	cmpl	$BPF_DIV, %r11d
	jne	5f
	testl	%edx, %edx			# division by a constant zero
	jz	.Lchk_einval
5:	cmpl	$BPF_LSH, %r11d
	je	6f
	cmpl	$BPF_RSH, %r11d
	jne	.Lchk_next
6:	cmpl	$32, %edx			# shifting a 32-bit A by 32 or more
	jae	.Lchk_einval
	jmp	.Lchk_next
.Lchk_last:
	# Falling off the end is impossible if the last instruction returns.
	leal	-1(%rsi), %ecx
	movzwl	(%rdi,%rcx,8), %eax
	cmpl	$BPF_RET | BPF_K, %eax
	je	1f
	cmpl	$BPF_RET | BPF_A, %eax
	jne	.Lchk_einval
1:	xorl	%eax, %eax
	ret
.Lchk_einval:
	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END seccomp_check_filter

# ---- installing ------------------------------------------------------------------------------------

# seccomp_set_mode_strict() -> rax
SYM_FUNC_START_LOCAL seccomp_set_mode_strict
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_seccomp_mode(%rax), %rcx
	# seccomp_may_assign_mode: modes never change once set, except that FILTER may add filters.
	testq	%rcx, %rcx
	jz	1f
	cmpq	$SECCOMP_MODE_STRICT, %rcx
	jne	2f
1:	movq	$SECCOMP_MODE_STRICT, TASK_seccomp_mode(%rax)
	orq	$SYSCALL_WORK_SECCOMP, TI_syscall_work(%rax)
	xorl	%eax, %eax
	ret
2:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END seccomp_set_mode_strict

# seccomp_set_mode_filter(flags = rdi, ufprog = rsi) -> rax
SYM_FUNC_START_LOCAL seccomp_set_mode_filter
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	subq	$24, %rsp			# struct sock_fprog
	movq	%rdi, %r12
	movq	%rsi, %r13
	# Flags this kernel knows; TSYNC (sync all threads) and SPEC_ALLOW are trivially satisfied
	# with one thread and no speculation controls to relax. A notification listener needs file
	# descriptors of a kind this kernel does not have.
	testq	$~(SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW | SECCOMP_FILTER_FLAG_TSYNC_ESRCH), %r12
	jnz	.Lsf_einval
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_seccomp_mode(%rax), %rcx
	testq	%rcx, %rcx
	jz	1f
	cmpq	$SECCOMP_MODE_FILTER, %rcx
	jne	.Lsf_einval
1:	# seccomp_prepare_user_filter: copy the sock_fprog header
	movq	%rsp, %rdi
	movq	%r13, %rsi
	movl	$16, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	.Lsf_efault
	movzwl	FPROG_len(%rsp), %ebx
	testl	%ebx, %ebx
	jz	.Lsf_einval
	cmpl	$BPF_MAXINSNS, %ebx
	ja	.Lsf_einval
	# Without no_new_privs, an unprivileged filter could fool a setuid program it later execs
	# (make a privilege-dropping call "succeed" without running it). So Linux insists on NNP, or
	# on CAP_SYS_ADMIN -- which a uid-1000 task does not have.
	movq	%gs:PCPU_current_task, %rax
	testq	$1 << PFA_NO_NEW_PRIVS, TASK_atomic_flags(%rax)
	jz	.Lsf_eacces
	# Total instructions on the path, each filter costing 4 more: a bound on per-syscall work.
	movl	%ebx, %edi
	call	seccomp_path_length
	cmpl	$MAX_INSNS_PER_PATH, %eax
	ja	.Lsf_enomem
	# allocate prev, len, log, insns[len]
	leal	SF_insns(,%rbx,8), %edi
	call	alloc_pages_exact
	testq	%rax, %rax
	jz	.Lsf_enomem
	movq	%rax, %r14
	movq	%rbx, SF_len(%r14)
	leaq	SF_insns(%r14), %rdi
	movq	FPROG_filter(%rsp), %rsi
	leal	(,%rbx,8), %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	.Lsf_efault_free
	leaq	SF_insns(%r14), %rdi
	movl	%ebx, %esi
	call	seccomp_check_filter
	testq	%rax, %rax
	jnz	.Lsf_free				# -EINVAL
	movq	%r12, %rax
	andl	$SECCOMP_FILTER_FLAG_LOG, %eax
	movq	%rax, SF_log(%r14)
	# seccomp_attach_filter: the new filter points at the old ones; it runs first, but the
	# strictest verdict wins regardless of order.
	movq	%gs:PCPU_current_task, %rax
	movq	TASK_seccomp_filter(%rax), %rcx
	movq	%rcx, SF_prev(%r14)
	movq	%r14, TASK_seccomp_filter(%rax)
	movq	$SECCOMP_MODE_FILTER, TASK_seccomp_mode(%rax)
	orq	$SYSCALL_WORK_SECCOMP, TI_syscall_work(%rax)
	xorl	%eax, %eax
	jmp	.Lsf_out
.Lsf_efault_free:
	movq	$-EFAULT, %rax
.Lsf_free:
	# A rejected filter's pages stay with the allocator's bump pointer: small, and never reused.
	jmp	.Lsf_out
.Lsf_einval:
	movq	$-EINVAL, %rax
	jmp	.Lsf_out
.Lsf_efault:
	movq	$-EFAULT, %rax
	jmp	.Lsf_out
.Lsf_eacces:
	movq	$-EACCES, %rax
	jmp	.Lsf_out
.Lsf_enomem:
	movq	$-ENOMEM, %rax
.Lsf_out:
	addq	$24, %rsp
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYM_FUNC_END seccomp_set_mode_filter

# seccomp_path_length(new_len = edi) -> eax = new_len + sum over installed filters of (len + 4)
SYM_FUNC_START_LOCAL seccomp_path_length
	movl	%edi, %eax
	movq	%gs:PCPU_current_task, %rcx
	movq	TASK_seccomp_filter(%rcx), %rcx
1:	testq	%rcx, %rcx
	jz	2f
	addl	SF_len(%rcx), %eax
	addl	$4, %eax
	movq	SF_prev(%rcx), %rcx
	jmp	1b
2:	ret
SYM_FUNC_END seccomp_path_length

# seccomp_get_action_avail(uaction = rdi) -> 0 if the kernel knows the action, -EOPNOTSUPP if not.
SYM_FUNC_START_LOCAL seccomp_get_action_avail
	subq	$8, %rsp
	movq	%rdi, %rsi
	movq	%rsp, %rdi
	movl	$4, %edx
	call	copy_from_user
	testq	%rax, %rax
	jnz	2f
	movl	(%rsp), %eax
	leaq	seccomp_actions_avail(%rip), %rcx
1:	movl	(%rcx), %edx
	cmpl	$1, %edx			# end marker
	je	3f
	addq	$4, %rcx
	cmpl	%edx, %eax
	jne	1b
	xorl	%eax, %eax
	jmp	4f
2:	movq	$-EFAULT, %rax
	jmp	4f
3:	movq	$-EOPNOTSUPP, %rax
4:	addq	$8, %rsp
	ret
SYM_FUNC_END seccomp_get_action_avail

# do_seccomp(op = edi, flags = esi, uargs = rdx)
SYM_FUNC_START do_seccomp
	cmpl	$SECCOMP_SET_MODE_STRICT, %edi
	jne	1f
	# strict mode takes no flags and no argument
	testl	%esi, %esi
	jnz	9f
	testq	%rdx, %rdx
	jnz	9f
	jmp	seccomp_set_mode_strict
1:	cmpl	$SECCOMP_SET_MODE_FILTER, %edi
	jne	2f
	movl	%esi, %edi
	movq	%rdx, %rsi
	jmp	seccomp_set_mode_filter
2:	cmpl	$SECCOMP_GET_ACTION_AVAIL, %edi
	jne	9f
	testl	%esi, %esi
	jnz	9f
	movq	%rdx, %rdi
	jmp	seccomp_get_action_avail
9:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END do_seccomp

# __do_sys_seccomp(op, flags, uargs)
SYSCALL_DEFINE3 seccomp, uint, op, uint, flags, ptr, uargs
	jmp	do_seccomp
SYSCALL_END seccomp

# prctl_set_seccomp(seccomp_mode = rdi, filter = rsi): prctl(PR_SET_SECCOMP, mode, filter) maps
# onto do_seccomp with no flags.
SYM_FUNC_START prctl_set_seccomp
	cmpq	$SECCOMP_MODE_STRICT, %rdi
	jne	1f
	movl	$SECCOMP_SET_MODE_STRICT, %edi
	xorl	%esi, %esi
	xorl	%edx, %edx			# strict ignores the filter argument here
	jmp	do_seccomp
1:	cmpq	$SECCOMP_MODE_FILTER, %rdi
	jne	2f
	movq	%rsi, %rdx
	movl	$SECCOMP_SET_MODE_FILTER, %edi
	xorl	%esi, %esi
	jmp	do_seccomp
2:	movq	$-EINVAL, %rax
	ret
SYM_FUNC_END prctl_set_seccomp

	.section .rodata
	.balign 4
seccomp_actions_avail:
	.long	SECCOMP_RET_KILL_PROCESS, SECCOMP_RET_KILL_THREAD, SECCOMP_RET_TRAP, SECCOMP_RET_ERRNO
	.long	SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE, SECCOMP_RET_LOG, SECCOMP_RET_ALLOW
	.long	1				# end (no action has value 1)

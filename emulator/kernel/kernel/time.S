# kernel/time/hrtimer.c (nanosleep) and kernel/time/posix-timers.c, posix-stubs.c (clock_gettime).
#
# Time here is deterministic: the TSC counts retired instructions (the machine's rule), and this
# kernel reads one instruction as one nanosecond. So the same program always sees the same clock,
# which is what makes stepping backwards and repeatable tests possible.

.include "include/generated/asm-offsets.h"
.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/uapi/linux/time.h"
.include "include/asm/syscall_wrapper.h"

# CLOCK_REALTIME starts at Linux 6.12's release day, 2024-11-17 00:00:00 UTC.
.equ REALTIME_EPOCH_SEC, 1731801600

	.text

# timespec64_valid: tv_sec >= 0 and 0 <= tv_nsec < 1e9. Returns eax = 1 when valid (rdi -> timespec).
SYM_FUNC_START_LOCAL timespec64_valid
	xorl	%eax, %eax
	cmpq	$0, (%rdi)
	jl	1f
	movq	8(%rdi), %rcx
	cmpq	$NSEC_PER_SEC, %rcx
	jae	1f				# unsigned: also rejects negative nanoseconds
	movl	$1, %eax
1:	ret
SYM_FUNC_END timespec64_valid

# __do_sys_nanosleep(rqtp, rmtp): read and check the request, then "sleep". Nothing else runs on
# this machine and no signal can arrive while we wait, so the sleep is over at once: return 0 and
# leave *rmtp alone (Linux writes it only when interrupted).
SYSCALL_DEFINE2 nanosleep, ptr, rqtp, ptr, rmtp
	subq	$24, %rsp
	movq	%rdi, %rsi
	movq	%rsp, %rdi
	movl	$16, %edx
	call	copy_from_user			# get_timespec64
	testq	%rax, %rax
	jnz	1f
	movq	%rsp, %rdi
	call	timespec64_valid
	testl	%eax, %eax
	jz	2f
	xorl	%eax, %eax
	jmp	3f
1:	movq	$-EFAULT, %rax
	jmp	3f
2:	movq	$-EINVAL, %rax
3:	addq	$24, %rsp
	ret
SYSCALL_END nanosleep

# __do_sys_clock_gettime(which_clock, tp)
SYSCALL_DEFINE2 clock_gettime, int, which_clock, ptr, tp
	pushq	%rbx
	subq	$16, %rsp
	movq	%rsi, %rbx
	xorl	%r8d, %r8d			# seconds to add: 0 for the monotonic clocks
	cmpl	$CLOCK_REALTIME, %edi
	je	1f
	cmpl	$CLOCK_REALTIME_COARSE, %edi
	je	1f
	cmpl	$CLOCK_MONOTONIC, %edi
	je	2f
	cmpl	$CLOCK_MONOTONIC_RAW, %edi
	je	2f
	cmpl	$CLOCK_MONOTONIC_COARSE, %edi
	je	2f
	cmpl	$CLOCK_BOOTTIME, %edi
	je	2f
	movq	$-EINVAL, %rax			# an unknown clock id
	jmp	9f
1:	movl	$REALTIME_EPOCH_SEC, %r8d
2:	rdtsc					# edx:eax = instructions retired = nanoseconds since boot
	shlq	$32, %rdx
	orq	%rdx, %rax
	xorl	%edx, %edx
	movl	$NSEC_PER_SEC, %ecx
	divq	%rcx				# rax = seconds, rdx = nanoseconds
	addq	%r8, %rax
	movq	%rax, (%rsp)
	movq	%rdx, 8(%rsp)
	movq	%rbx, %rdi
	movq	%rsp, %rsi
	movl	$16, %edx
	call	copy_to_user			# put_timespec64
	testq	%rax, %rax
	jz	9f
	movq	$-EFAULT, %rax
9:	addq	$16, %rsp
	popq	%rbx
	ret
SYSCALL_END clock_gettime

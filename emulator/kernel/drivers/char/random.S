# drivers/char/random.c -- getrandom(2).
#
# Linux mixes many entropy sources into a ChaCha-based generator; this kernel draws straight from
# RDRAND, which the machine feeds from its seeded generator, so runs are repeatable.

.include "include/generated/asm-offsets.h"
.include "include/linux/linkage.h"
.include "include/uapi/asm/errno.h"
.include "include/linux/fs.h"
.include "include/uapi/linux/random.h"
.include "include/asm/syscall_wrapper.h"

.equ GETRANDOM_CHUNK, 64

	.text

# __do_sys_getrandom(ubuf, len, flags) -> bytes written, or -EINVAL / -EFAULT
SYSCALL_DEFINE3 getrandom, ptr, ubuf, size_t, len, uint, flags
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	subq	$GETRANDOM_CHUNK + 8, %rsp
	movq	%rdi, %rbx			# user buffer
	movq	%rsi, %r12			# bytes asked for
	# Unknown flags, and GRND_INSECURE with GRND_RANDOM (contradictory), are refused.
	testl	$~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE), %edx
	jnz	.Lgr_einval
	movl	%edx, %eax
	andl	$GRND_INSECURE | GRND_RANDOM, %eax
	cmpl	$GRND_INSECURE | GRND_RANDOM, %eax
	je	.Lgr_einval
	# Like read(), one call returns at most MAX_RW_COUNT bytes.
	movl	$MAX_RW_COUNT, %eax
	cmpq	%rax, %r12
	jbe	1f
	movq	%rax, %r12
1:	xorl	%r13d, %r13d			# bytes done
.Lgr_loop:
	cmpq	%r12, %r13
	jae	.Lgr_done
	# fill one chunk from RDRAND (CF=1 means a value was delivered; retry otherwise)
	xorl	%ecx, %ecx
2:	rdrand	%rax
	jnc	2b
	movq	%rax, (%rsp,%rcx)
	addl	$8, %ecx
	cmpl	$GETRANDOM_CHUNK, %ecx
	jb	2b
	movq	%r12, %r14
	subq	%r13, %r14
	cmpq	$GETRANDOM_CHUNK, %r14
	jbe	3f
	movl	$GETRANDOM_CHUNK, %r14d
3:	leaq	(%rbx,%r13), %rdi
	movq	%rsp, %rsi
	movq	%r14, %rdx
	call	copy_to_user
	subq	%rax, %r14
	addq	%r14, %r13
	testq	%rax, %rax
	jz	.Lgr_loop
	# A fault part-way returns what was written; a fault before anything is -EFAULT.
	testq	%r13, %r13
	jnz	.Lgr_done
	movq	$-EFAULT, %rax
	jmp	.Lgr_out
.Lgr_done:
	movq	%r13, %rax
	jmp	.Lgr_out
.Lgr_einval:
	movq	$-EINVAL, %rax
.Lgr_out:
	addq	$GETRANDOM_CHUNK + 8, %rsp
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	ret
SYSCALL_END getrandom

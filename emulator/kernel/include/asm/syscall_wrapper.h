# arch/x86/include/asm/syscall_wrapper.h + include/linux/syscalls.h -- SYSCALL_DEFINEn.
# Needs: include/linux/linkage.h, include/generated/asm-offsets.h
#
# In Linux, SYSCALL_DEFINE3(read, unsigned int, fd, char __user *, buf, size_t, count) generates
# three functions, and so do these macros:
#
#   __x64_sys_read(const struct pt_regs *regs)     global; what the dispatcher calls. The only
#       layer that knows about registers: loads the arguments from pt_regs in the syscall ABI
#       order di, si, dx, r10, r8, r9 into the C ABI registers rdi, rsi, rdx, rcx, r8, r9.
#   __se_sys_read(long fd, long buf, long count)   "sign extension": every argument arrives as a
#       full 64-bit register and is cut to its declared type here. An `unsigned int fd` keeps
#       only the low 32 bits, so garbage user space left in the upper half of RDI cannot matter.
#   __do_sys_read(unsigned int fd, char __user *buf, size_t count)   the body you write.
#
# Usage (name, then type/name pairs; types: int, uint, umode_t, long, ulong, size_t, loff_t, ptr):
#       SYSCALL_DEFINE3 read, uint, fd, ptr, buf, size_t, count
#               ...body: arguments in rdi, rsi, rdx (C ABI), result in rax, then ret...
#       SYSCALL_END read
# The body is an ordinary function: it may clobber rax, rcx, rdx, rsi, rdi, r8-r11 and must
# preserve rbx, rbp, r12-r15. It returns a long: >= 0 for success or -errno.
# x86 defines no `sys_read` symbol at all: only these three.

# __SC_CAST type, n: cut C-ABI argument n (1..6) to its declared type.
.macro __SC_CAST type, n
	.ifc \type,int
		.if \n == 1
		movslq	%edi, %rdi
		.elseif \n == 2
		movslq	%esi, %rsi
		.elseif \n == 3
		movslq	%edx, %rdx
		.elseif \n == 4
		movslq	%ecx, %rcx
		.elseif \n == 5
		movslq	%r8d, %r8
		.else
		movslq	%r9d, %r9
		.endif
	.endif
	.ifc \type,uint
		.if \n == 1
		movl	%edi, %edi
		.elseif \n == 2
		movl	%esi, %esi
		.elseif \n == 3
		movl	%edx, %edx
		.elseif \n == 4
		movl	%ecx, %ecx
		.elseif \n == 5
		movl	%r8d, %r8d
		.else
		movl	%r9d, %r9d
		.endif
	.endif
	.ifc \type,umode_t
		.if \n == 1
		movzwl	%di, %edi
		.elseif \n == 2
		movzwl	%si, %esi
		.elseif \n == 3
		movzwl	%dx, %edx
		.elseif \n == 4
		movzwl	%cx, %ecx
		.elseif \n == 5
		movzwl	%r8w, %r8d
		.else
		movzwl	%r9w, %r9d
		.endif
	.endif
.endm

# __SYSCALL_X64_WRAPPER name, nargs: the __x64_sys_ layer.
.macro __SYSCALL_X64_WRAPPER name, nargs
SYM_FUNC_START __x64_sys_\name
	.if \nargs >= 2
	movq	pt_regs_si(%rdi), %rsi
	.endif
	.if \nargs >= 3
	movq	pt_regs_dx(%rdi), %rdx
	.endif
	.if \nargs >= 4
	movq	pt_regs_r10(%rdi), %rcx		# syscall arg 4 is in r10; C wants it in rcx
	.endif
	.if \nargs >= 5
	movq	pt_regs_r8(%rdi), %r8
	.endif
	.if \nargs >= 6
	movq	pt_regs_r9(%rdi), %r9
	.endif
	movq	pt_regs_di(%rdi), %rdi		# last: rdi held regs until now
	call	__se_sys_\name
	ret
SYM_FUNC_END __x64_sys_\name
.endm

# __SYSCALL_SE_LAYER name, t1..t6: the __se_sys_ layer, then opens __do_sys_.
.macro __SYSCALL_SE_LAYER name, t1=long, t2=long, t3=long, t4=long, t5=long, t6=long, nargs
SYM_FUNC_START_LOCAL __se_sys_\name
	__SC_CAST \t1, 1
	.if \nargs >= 2
	__SC_CAST \t2, 2
	.endif
	.if \nargs >= 3
	__SC_CAST \t3, 3
	.endif
	.if \nargs >= 4
	__SC_CAST \t4, 4
	.endif
	.if \nargs >= 5
	__SC_CAST \t5, 5
	.endif
	.if \nargs >= 6
	__SC_CAST \t6, 6
	.endif
	call	__do_sys_\name
	ret
SYM_FUNC_END __se_sys_\name
SYM_FUNC_START_LOCAL __do_sys_\name
.endm

# SYSCALL_DEFINE0: no arguments, so no __se_ layer: __x64_sys_name and __do_sys_name are the
# same function (Linux makes one an alias of the other).
.macro SYSCALL_DEFINE0 name
	.set	__syscall_define0_\name, 1
SYM_FUNC_START __x64_sys_\name
__do_sys_\name:
.endm

.macro SYSCALL_DEFINE1 name, t1, a1
	__SYSCALL_X64_WRAPPER \name, 1
	__SYSCALL_SE_LAYER \name, \t1, long, long, long, long, long, 1
.endm

.macro SYSCALL_DEFINE2 name, t1, a1, t2, a2
	__SYSCALL_X64_WRAPPER \name, 2
	__SYSCALL_SE_LAYER \name, \t1, \t2, long, long, long, long, 2
.endm

.macro SYSCALL_DEFINE3 name, t1, a1, t2, a2, t3, a3
	__SYSCALL_X64_WRAPPER \name, 3
	__SYSCALL_SE_LAYER \name, \t1, \t2, \t3, long, long, long, 3
.endm

.macro SYSCALL_DEFINE4 name, t1, a1, t2, a2, t3, a3, t4, a4
	__SYSCALL_X64_WRAPPER \name, 4
	__SYSCALL_SE_LAYER \name, \t1, \t2, \t3, \t4, long, long, 4
.endm

.macro SYSCALL_DEFINE5 name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5
	__SYSCALL_X64_WRAPPER \name, 5
	__SYSCALL_SE_LAYER \name, \t1, \t2, \t3, \t4, \t5, long, 5
.endm

.macro SYSCALL_DEFINE6 name, t1, a1, t2, a2, t3, a3, t4, a4, t5, a5, t6, a6
	__SYSCALL_X64_WRAPPER \name, 6
	__SYSCALL_SE_LAYER \name, \t1, \t2, \t3, \t4, \t5, \t6, 6
.endm

# SYSCALL_END name: closes __do_sys_name (and __x64_sys_name for SYSCALL_DEFINE0).
.macro SYSCALL_END name
	.size	__do_sys_\name, . - __do_sys_\name
	.ifdef __syscall_define0_\name
	.size	__x64_sys_\name, . - __x64_sys_\name
	.endif
.endm

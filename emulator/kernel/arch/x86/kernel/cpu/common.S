# arch/x86/kernel/cpu/common.c -- per-CPU setup: TSS, SYSCALL MSRs, CR4 protections.

.include "include/linux/linkage.h"
.include "include/asm/segment.h"
.include "include/asm/msr-index.h"
.include "include/asm/processor-flags.h"
.include "include/asm/cpufeatures.h"
.include "include/generated/asm-offsets.h"

	.text

# void cpu_init(void)
SYM_FUNC_START cpu_init
	pushq	%rbx

	# ---- The TSS. In 64-bit mode it holds no task state at all, only stack pointers: sp0 is
	# the stack the CPU switches to when ring 3 is interrupted. Linux points it at the per-CPU
	# entry stack, never at a task stack.
	leaq	cpu_entry_stack_top(%rip), %rax
	movq	%rax, %gs:PCPU_cpu_tss_rw + TSS_sp0
	movw	$TSS_SIZE, %gs:PCPU_cpu_tss_rw + TSS_io_bitmap_base	# beyond the limit: no I/O bitmap

	# set_tss_desc(): a 16-byte system descriptor in GDT entries 8-9 (type 0x89: available
	# 64-bit TSS, present, DPL 0; limit TSS_SIZE - 1). Its base is split into pieces.
	leaq	cpu_tss_rw(%rip), %rax
	movq	$(TSS_SIZE - 1), %rdx		# limit[15:0]
	movq	%rax, %rcx
	andq	$0xffffff, %rcx			# base[23:0] -> bits 16..39
	shlq	$16, %rcx
	orq	%rcx, %rdx
	movq	$0x0000890000000000, %rcx	# type and present bit -> bits 40..47
	orq	%rcx, %rdx
	movq	%rax, %rcx
	shrq	$24, %rcx			# base[31:24] -> bits 56..63
	andq	$0xff, %rcx
	shlq	$56, %rcx
	orq	%rcx, %rdx
	leaq	gdt_page(%rip), %rbx
	movq	%rdx, GDT_ENTRY_TSS * 8(%rbx)
	shrq	$32, %rax			# base[63:32] in the second half
	movq	%rax, GDT_ENTRY_TSS * 8 + 8(%rbx)

	# load_TR_desc(): the CPU reads the TSS descriptor once and marks it busy.
	movl	$GDT_ENTRY_TSS_SEL, %eax
	ltr	%ax

	# EFER.SCE: without it SYSCALL and SYSRET raise #UD.
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_SCE, %eax
	wrmsr

	call	syscall_init

	# The user's GS base while we are in the kernel (swapgs exchanges it with ours).
	movl	$MSR_KERNEL_GS_BASE, %ecx
	xorl	%eax, %eax
	xorl	%edx, %edx
	wrmsr

	# ---- Speculation control: the kernel's SPEC_CTRL value (IBRS on if that mitigation is).
	xorl	%eax, %eax
	testb	$(1 << X86_FEATURE_KERNEL_IBRS), x86_feature_flags(%rip)
	jz	1f
	movl	$SPEC_CTRL_IBRS, %eax
1:	movq	%rax, %gs:PCPU_x86_spec_ctrl_current
	movl	$MSR_IA32_SPEC_CTRL, %ecx
	xorl	%edx, %edx
	wrmsr

	# ---- cr4_init(): SMEP stops the kernel from executing user pages (a kernel bug can no
	# longer jump into code user space wrote); SMAP stops it from reading or writing user pages
	# outside STAC/CLAC.
	mov	%cr4, %rax
	testb	$(1 << X86_FEATURE_SMEP), x86_feature_flags(%rip)
	jz	2f
	orq	$X86_CR4_SMEP, %rax
2:	testb	$(1 << X86_FEATURE_SMAP), x86_feature_flags(%rip)
	jz	3f
	orq	$X86_CR4_SMAP, %rax
3:	mov	%rax, %cr4

	popq	%rbx
	ret
SYM_FUNC_END cpu_init

# void syscall_init(void): tell the CPU where SYSCALL goes and what it does.
SYM_FUNC_START syscall_init
	# STAR[47:32] = __KERNEL_CS: SYSCALL loads CS = 0x10, SS = 0x18.
	# STAR[63:48] = __USER32_CS: SYSRETQ loads CS = 0x23 + 16 = 0x33, SS = 0x23 + 8 = 0x2b.
	# Value: 0x0023001000000000.
	movl	$MSR_STAR, %ecx
	xorl	%eax, %eax
	movl	$((__USER32_CS << 16) | __KERNEL_CS), %edx
	wrmsr
	call	idt_syscall_init
	ret
SYM_FUNC_END syscall_init

# static void idt_syscall_init(void)
SYM_FUNC_START_LOCAL idt_syscall_init
	# LSTAR: the 64-bit entry point.
	movl	$MSR_LSTAR, %ecx
	leaq	entry_SYSCALL_64(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr

	# No 32-bit ABI: CSTAR (SYSCALL from 32-bit code, AMD only) fails with -ENOSYS, and
	# SYSENTER is disabled by an invalid code selector.
	movl	$MSR_CSTAR, %ecx
	leaq	entry_SYSCALL32_ignore(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr
	movl	$MSR_IA32_SYSENTER_CS, %ecx
	xorl	%eax, %eax			# GDT_ENTRY_INVALID_SEG
	xorl	%edx, %edx
	wrmsr
	movl	$MSR_IA32_SYSENTER_ESP, %ecx
	wrmsr
	movl	$MSR_IA32_SYSENTER_EIP, %ecx
	wrmsr

	# FMASK: RFLAGS bits SYSCALL clears (0x257fd5). IF: no interrupt before we have a stack.
	# DF: string instructions go forward. AC: no user access by accident (SMAP). TF: no
	# single-step trap inside the entry code. NT, IOPL, RF, ID and the arithmetic flags too.
	movl	$MSR_SYSCALL_MASK, %ecx
	movl	$SYSCALL_FMASK, %eax
	xorl	%edx, %edx
	wrmsr
	ret
SYM_FUNC_END idt_syscall_init

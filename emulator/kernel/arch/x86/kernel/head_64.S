# arch/x86/kernel/head_64.S -- the kernel's first instructions.
#
# The machine (our boot loader, emulator/machine/BOOT.md) enters here in 64-bit mode with paging
# on, CR3 = the first process's kernel PGD, RSI = the boot_params address, and no stack.

.include "include/linux/linkage.h"
.include "include/asm/segment.h"
.include "include/asm/msr-index.h"
.include "include/asm/thread_info.h"
.include "include/generated/asm-offsets.h"

	.text
SYM_CODE_START startup_64
	# Keep boot_params: everything we learn about the machine is in it.
	movq	%rsi, boot_params_ptr(%rip)

	# A stack: init_task's kernel stack, below the room its pt_regs will take (Linux:
	# __top_init_kernel_stack). run_init_process fills that pt_regs while still on this stack.
	leaq	init_stack + THREAD_SIZE - PTREGS_SIZE(%rip), %rsp

	# Our own GDT (Linux's layout), then reload the data segment registers from it. CS already
	# holds __KERNEL_CS with a 64-bit descriptor, so no far jump is needed.
	lgdt	early_gdt_descr(%rip)
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs			# null selectors: 64-bit code uses only the FS/GS bases
	movl	%eax, %gs

	# GS.base = this CPU's per-CPU area, from now on and whenever we are in the kernel.
	movl	$MSR_GS_BASE, %ecx
	leaq	__per_cpu_start(%rip), %rax
	movq	%rax, %rdx
	shrq	$32, %rdx
	wrmsr

	call	start_kernel			# never returns: it ends in user mode
.Lhang:
	hlt
	jmp	.Lhang
SYM_CODE_END startup_64

	.data
	.balign 8
# The operand of lgdt: limit (size - 1), then the GDT's address.
SYM_DATA_START_LOCAL early_gdt_descr
	.word	GDT_SIZE - 1
	.quad	gdt_page
SYM_DATA_END early_gdt_descr

# Where startup_64 saved RSI (the debugger reads it too).
SYM_DATA_START boot_params_ptr
	.quad	0
SYM_DATA_END boot_params_ptr

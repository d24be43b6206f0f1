# arch/x86/kernel/idt.c -- filling the Interrupt Descriptor Table.

.include "include/linux/linkage.h"
.include "include/asm/segment.h"
.include "include/asm/trapnr.h"

	.section .rodata, "a"
	.balign 8
# def_idts[]: vector, gate type, handler. int3 is the only gate user code may raise with `int`.
.macro IDT_GATE vector, type, handler
	.quad	\vector, \type, \handler
.endm
SYM_DATA_START_LOCAL def_idts
	IDT_GATE X86_TRAP_DE,	GATE_INTERRUPT,		asm_exc_divide_error
	IDT_GATE X86_TRAP_DB,	GATE_INTERRUPT,		asm_exc_debug
	IDT_GATE X86_TRAP_NMI,	GATE_INTERRUPT,		asm_exc_nmi
	IDT_GATE X86_TRAP_BP,	GATE_INTERRUPT_USER,	asm_exc_int3
	IDT_GATE X86_TRAP_OF,	GATE_INTERRUPT_USER,	asm_exc_overflow
	IDT_GATE X86_TRAP_BR,	GATE_INTERRUPT,		asm_exc_bounds
	IDT_GATE X86_TRAP_UD,	GATE_INTERRUPT,		asm_exc_invalid_op
	IDT_GATE X86_TRAP_NM,	GATE_INTERRUPT,		asm_exc_device_not_available
	IDT_GATE X86_TRAP_DF,	GATE_INTERRUPT,		asm_exc_double_fault
	IDT_GATE X86_TRAP_OLD_MF, GATE_INTERRUPT,	asm_exc_coproc_segment_overrun
	IDT_GATE X86_TRAP_TS,	GATE_INTERRUPT,		asm_exc_invalid_tss
	IDT_GATE X86_TRAP_NP,	GATE_INTERRUPT,		asm_exc_segment_not_present
	IDT_GATE X86_TRAP_SS,	GATE_INTERRUPT,		asm_exc_stack_segment
	IDT_GATE X86_TRAP_GP,	GATE_INTERRUPT,		asm_exc_general_protection
	IDT_GATE X86_TRAP_PF,	GATE_INTERRUPT,		asm_exc_page_fault
	IDT_GATE X86_TRAP_SPURIOUS, GATE_INTERRUPT,	asm_exc_spurious_interrupt_bug
	IDT_GATE X86_TRAP_MF,	GATE_INTERRUPT,		asm_exc_coprocessor_error
	IDT_GATE X86_TRAP_AC,	GATE_INTERRUPT,		asm_exc_alignment_check
	IDT_GATE X86_TRAP_MC,	GATE_INTERRUPT,		asm_exc_machine_check
	IDT_GATE X86_TRAP_XF,	GATE_INTERRUPT,		asm_exc_simd_coprocessor_error
SYM_DATA_END def_idts
.equ DEF_IDTS_COUNT, 20

	.data
	.balign 8
SYM_DATA_START_LOCAL idt_descr
	.word	IDT_ENTRIES * 16 - 1
	.quad	idt_table
SYM_DATA_END idt_descr

	.text
# void idt_setup_traps(void): write each gate, then load IDTR.
# A 64-bit gate is 16 bytes: offset[15:0], selector, IST, type, offset[31:16], offset[63:32].
SYM_FUNC_START idt_setup_traps
	leaq	def_idts(%rip), %rsi
	movl	$DEF_IDTS_COUNT, %r8d
	leaq	idt_table(%rip), %r9
.Lnext_gate:
	movq	(%rsi), %rdi			# vector
	shlq	$4, %rdi
	addq	%r9, %rdi			# rdi = &idt_table[vector]
	movq	16(%rsi), %rax			# handler address
	movq	%rax, %rdx
	andq	$0xffff, %rdx			# offset[15:0]
	movq	$__KERNEL_CS, %rcx
	shlq	$16, %rcx			# selector -> bits 16..31 (IST 0: no stack switch of its own)
	orq	%rcx, %rdx
	movq	8(%rsi), %rcx
	shlq	$40, %rcx			# type/DPL/present -> bits 40..47
	orq	%rcx, %rdx
	movq	%rax, %rcx
	shrq	$16, %rcx
	andq	$0xffff, %rcx
	shlq	$48, %rcx			# offset[31:16] -> bits 48..63
	orq	%rcx, %rdx
	movq	%rdx, (%rdi)
	shrq	$32, %rax
	movq	%rax, 8(%rdi)			# offset[63:32]
	addq	$24, %rsi
	decl	%r8d
	jnz	.Lnext_gate
	lidt	idt_descr(%rip)
	ret
SYM_FUNC_END idt_setup_traps

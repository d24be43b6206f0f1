# arch/x86/mm/cpu_entry_area.c (+ gdt_page from arch/x86/kernel/cpu/common.c, idt_table from
# arch/x86/kernel/idt.c, cpu_tss_rw from arch/x86/kernel/process.c)
# -- the data the CPU itself must reach while the USER page table is loaded.
#
# With PTI, user mode runs on a page table that maps almost nothing of the kernel. But the CPU
# still needs the GDT, the IDT and the TSS to take an exception or an interrupt, and the entry
# code needs a stack and a scratch slot before it switches CR3. Linux maps all of that at a
# fixed address, the cpu_entry_area; the machine maps this section into both page tables.

.include "include/linux/linkage.h"
.include "include/asm/segment.h"
.include "include/asm/trapnr.h"
.include "include/generated/asm-offsets.h"

.equ ENTRY_STACK_SIZE, 2048

	.section .cpu_entry_area, "aw"
	.balign 4096				# BOOT.md: page aligned ...

# The Global Descriptor Table (Linux's gdt_page). Index = selector >> 3.
SYM_DATA_START gdt_page
	.quad	0				# 0: the null descriptor
	.quad	GDT_DESC_KERNEL32_CS		# 1: 0x08
	.quad	GDT_DESC_KERNEL_CS		# 2: 0x10 kernel code (SYSCALL loads it)
	.quad	GDT_DESC_KERNEL_DS		# 3: 0x18 kernel data (SYSCALL: SS)
	.quad	GDT_DESC_USER32_CS		# 4: 0x23 32-bit user code (STAR's SYSRET base)
	.quad	GDT_DESC_USER_DS		# 5: 0x2b user data (SYSRET: SS)
	.quad	GDT_DESC_USER_CS		# 6: 0x33 64-bit user code (SYSRET: CS)
	.quad	0				# 7
	.quad	0, 0				# 8-9: the TSS descriptor, written by cpu_init
	.quad	0, 0				# 10-11: LDT (unused)
	.quad	0, 0, 0				# 12-14: TLS
	.quad	0				# 15: CPU number segment (unused)
SYM_DATA_END gdt_page

# Which mitigations are on (include/asm/cpufeatures.h). Here so the entry code can test it
# before CR3 is switched.
SYM_DATA_START x86_feature_flags
	.quad	0
SYM_DATA_END x86_feature_flags

	.balign 4096
# The Interrupt Descriptor Table: 256 gates of 16 bytes, filled by idt_setup_traps.
SYM_DATA_START idt_table
	.skip	IDT_ENTRIES * 16
SYM_DATA_END idt_table

	.balign 64
# ---- The per-CPU area. GS.base points here while the kernel runs (%gs:PCPU_x). ----
SYM_DATA_START __per_cpu_start
SYM_DATA_START cpu_tss_rw			# PCPU_cpu_tss_rw = 0: the hardware TSS
	.skip	TSS_SIZE
	.skip	PCPU_current_task - TSS_SIZE
SYM_DATA_START current_task			# PCPU_current_task
	.quad	0
SYM_DATA_START cpu_current_top_of_stack	# PCPU_cpu_current_top_of_stack
	.quad	0
SYM_DATA_START x86_spec_ctrl_current		# PCPU_x86_spec_ctrl_current
	.quad	0
SYM_DATA_START cpu_number			# PCPU_cpu_number
	.quad	0
	.skip	PCPU_SIZE - PCPU_cpu_number - 8
SYM_DATA_START __per_cpu_end
	.size	cpu_tss_rw, TSS_SIZE
	.size	current_task, 8
	.size	cpu_current_top_of_stack, 8
	.size	x86_spec_ctrl_current, 8
	.size	cpu_number, 8

	.balign 64
# The entry ("trampoline") stack. TSS.sp0 points at its top: the CPU pushes the exception frame
# here when user mode is interrupted, and the exit paths use it for their last few words.
SYM_DATA_START cpu_entry_stack
	.skip	ENTRY_STACK_SIZE
SYM_DATA_START cpu_entry_stack_top
	.balign 4096				# ... and padded to whole pages

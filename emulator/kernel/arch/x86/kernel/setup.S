# arch/x86/kernel/setup.c (setup_arch) + mm/memblock.c's role -- reading boot_params and the
# early page allocator.

.include "include/linux/linkage.h"
.include "include/asm/page_types.h"
.include "include/uapi/asm/bootparam.h"
.include "include/asm/ringstep_io.h"

	.data
	.balign 8
# The free physical range the machine left us, as direct-map virtual addresses.
SYM_DATA_START_LOCAL memblock_next
	.quad	0
SYM_DATA_END memblock_next
SYM_DATA_START_LOCAL memblock_end
	.quad	0
SYM_DATA_END memblock_end

	.section .rodata, "a"
bad_magic_msg:
	.asciz	"Kernel panic - not syncing: boot_params has no RINGSTEP magic\n"

	.text
# void setup_arch(void)
SYM_FUNC_START setup_arch
	movq	boot_params_ptr(%rip), %rsi
	movq	$BOOT_PARAMS_MAGIC, %rax
	cmpq	%rax, BP_magic(%rsi)
	jne	.Lbad_magic

	# Which mitigations to run (Linux: command line + CPU bugs -> x86_capability).
	movq	BP_mitigations(%rsi), %rax
	andq	$0xff, %rax
	movq	%rax, x86_feature_flags(%rip)

	# memblock: [phys_free_start, phys_free_end) is ours to hand out.
	movq	BP_phys_free_start(%rsi), %rax
	__va	%rax, %rdx
	movq	%rax, memblock_next(%rip)
	movq	BP_phys_free_end(%rsi), %rax
	__va	%rax, %rdx
	movq	%rax, memblock_end(%rip)
	ret

.Lbad_magic:
	leaq	bad_magic_msg(%rip), %rdi
	call	panic
SYM_FUNC_END setup_arch

# void *alloc_page(void): one zeroed 4 KiB page, as its direct-map address (0 when memory is
# exhausted). Nothing is ever freed, so a bump pointer is enough (Linux: the buddy allocator).
# Clobbers rax, rcx, rdx, rdi.
SYM_FUNC_START alloc_page
	movq	memblock_next(%rip), %rax
	leaq	PAGE_SIZE(%rax), %rdx
	cmpq	memblock_end(%rip), %rdx
	ja	.Lout_of_memory
	movq	%rdx, memblock_next(%rip)
	movq	%rax, %rdi			# clear it: never hand out old data
	movq	%rax, %rdx
	xorl	%eax, %eax
	movl	$PAGE_SIZE / 8, %ecx
	rep stosq
	movq	%rdx, %rax
	ret
.Lout_of_memory:
	xorl	%eax, %eax
	ret
SYM_FUNC_END alloc_page

# arch/x86/include/asm/page_types.h, page_64_types.h, pgtable_types.h -- address space constants.

.equ PAGE_SHIFT,		12
.equ PAGE_SIZE,			1 << PAGE_SHIFT
.equ PAGE_MASK,			~(PAGE_SIZE - 1)

# Where all of physical memory is mapped (the "direct map"): virtual = phys + __PAGE_OFFSET.
.equ __PAGE_OFFSET,		0xffff888000000000
# The kernel image: virtual = phys + __START_KERNEL_map (linked at 0xffffffff81000000 = 16 MiB in).
.equ __START_KERNEL_map,	0xffffffff80000000
.equ __PHYSICAL_START,		0x1000000

# The highest user address + 1 that the kernel accepts (4-level paging): (1 << 47) - PAGE_SIZE.
# One page short of the canonical limit, so a SYSCALL in the last user page can never leave a
# non-canonical RCX for SYSRET to fault on.
.equ TASK_SIZE_MAX,		0x00007ffffffff000
.equ TASK_SIZE,			TASK_SIZE_MAX

# PTI: a process has an 8 KiB-aligned pair of PGDs; CR3 bit 12 selects the user half.
.equ PTI_USER_PGTABLE_BIT,	12
.equ PTI_USER_PGTABLE_MASK,	1 << PTI_USER_PGTABLE_BIT

# Page table entry bits
.equ _PAGE_PRESENT,		1 << 0
.equ _PAGE_RW,			1 << 1
.equ _PAGE_USER,		1 << 2
.equ _PAGE_ACCESSED,		1 << 5
.equ _PAGE_DIRTY,		1 << 6
.equ _PAGE_NX,			1 << 63
.equ PTE_PFN_MASK,		0x000ffffffffff000
# With P=0, bit 8 (GLOBAL's place) marks a PROT_NONE page that still owns its frame.
.equ _PAGE_PROTNONE,		1 << 8

# __va reg, scratch: physical -> direct-map virtual.   __pa reg, scratch: the reverse.
.macro __va reg, scratch
	movq	$__PAGE_OFFSET, \scratch
	addq	\scratch, \reg
.endm
.macro __pa reg, scratch
	movq	$__PAGE_OFFSET, \scratch
	subq	\scratch, \reg
.endm
# __pa_symbol reg, scratch: physical address of a kernel-image symbol's address.
.macro __pa_symbol reg, scratch
	movq	$__START_KERNEL_map, \scratch
	subq	\scratch, \reg
.endm

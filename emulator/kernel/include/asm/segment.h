# arch/x86/include/asm/segment.h -- GDT layout and segment selectors (64-bit).
#
# A selector is (GDT index << 3) | RPL. SYSCALL and SYSRET never read the GDT: they derive CS and SS
# from the STAR MSR (+8, +16), which is why the user data segment sits between the 32-bit and the
# 64-bit user code segments.

.equ GDT_ENTRY_KERNEL32_CS,	1
.equ GDT_ENTRY_KERNEL_CS,	2
.equ GDT_ENTRY_KERNEL_DS,	3
.equ GDT_ENTRY_DEFAULT_USER32_CS, 4
.equ GDT_ENTRY_DEFAULT_USER_DS,	5
.equ GDT_ENTRY_DEFAULT_USER_CS,	6
.equ GDT_ENTRY_TSS,		8	# 16 bytes: entries 8 and 9
.equ GDT_ENTRY_LDT,		10	# 16 bytes: entries 10 and 11
.equ GDT_ENTRY_TLS_MIN,		12
.equ GDT_ENTRY_CPUNODE,		15
.equ GDT_ENTRIES,		16
.equ GDT_SIZE,			GDT_ENTRIES * 8

.equ __KERNEL32_CS,	GDT_ENTRY_KERNEL32_CS * 8		# 0x08
.equ __KERNEL_CS,	GDT_ENTRY_KERNEL_CS * 8			# 0x10
.equ __KERNEL_DS,	GDT_ENTRY_KERNEL_DS * 8			# 0x18
.equ __USER32_CS,	GDT_ENTRY_DEFAULT_USER32_CS * 8 + 3	# 0x23
.equ __USER_DS,		GDT_ENTRY_DEFAULT_USER_DS * 8 + 3	# 0x2b
.equ __USER_CS,		GDT_ENTRY_DEFAULT_USER_CS * 8 + 3	# 0x33
.equ __CPUNODE_SEG,	GDT_ENTRY_CPUNODE * 8 + 3		# 0x7b
.equ GDT_ENTRY_TSS_SEL,	GDT_ENTRY_TSS * 8			# 0x40, loaded with `ltr`

# Linux's 8-byte descriptors (GDT_ENTRY_INIT in arch/x86/kernel/cpu/common.c, gdt_page).
.equ GDT_DESC_KERNEL32_CS,	0x00cf9b000000ffff
.equ GDT_DESC_KERNEL_CS,	0x00af9b000000ffff	# L=1: 64-bit code, DPL 0
.equ GDT_DESC_KERNEL_DS,	0x00cf93000000ffff
.equ GDT_DESC_USER32_CS,	0x00cffb000000ffff
.equ GDT_DESC_USER_DS,		0x00cff3000000ffff
.equ GDT_DESC_USER_CS,		0x00affb000000ffff	# L=1: 64-bit code, DPL 3

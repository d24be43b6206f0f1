# arch/x86/include/asm/asm.h, asm/extable_fixup_types.h -- exception table entries.
#
# An instruction that may fault on purpose (a user access: the pointer came from user space)
# gets an entry in the __ex_table section: "if the instruction at `from` faults, continue at `to`".
# The page-fault handler looks the faulting RIP up (fixup_exception) and, when found, resumes at
# the fixup instead of crashing the kernel.
#
# Linux stores 32-bit offsets relative to the entry (to halve the table) and sorts the table at
# build time. We store absolute 64-bit addresses and search linearly: easier to read.
# Entry layout (24 bytes): .quad insn, .quad fixup, .long type, .long data
#
# All entries live in arch/x86/lib/copy_user_64.S, which also defines __start___ex_table and
# __stop___ex_table around them: every user access goes through its helpers.

.equ EX_TYPE_NONE,		0
.equ EX_TYPE_DEFAULT,		1
.equ EX_TYPE_FAULT,		2
.equ EX_TYPE_UACCESS,		3

.equ EXTABLE_insn,		0
.equ EXTABLE_fixup,		8
.equ EXTABLE_type,		16
.equ EXTABLE_data,		20
.equ EXTABLE_ENTRY_SIZE,	24

.macro _ASM_EXTABLE_TYPE from, to, type
	.pushsection __ex_table, "a"
	.balign 8
	.quad	\from
	.quad	\to
	.long	\type
	.long	0
	.popsection
.endm

# A user access (the fault is the user's fault, not a kernel bug).
.macro _ASM_EXTABLE_UA from, to
	_ASM_EXTABLE_TYPE \from, \to, EX_TYPE_UACCESS
.endm

.macro _ASM_EXTABLE from, to
	_ASM_EXTABLE_TYPE \from, \to, EX_TYPE_DEFAULT
.endm

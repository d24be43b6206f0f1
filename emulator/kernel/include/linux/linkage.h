# include/linux/linkage.h (and arch/x86/include/asm/linkage.h) -- how functions and data are named.
#
# Linux wraps every assembly symbol in SYM_* macros so that the symbol table records what it is
# (function or plain code, global or local) and how long it is. The debugger and the oops printer
# rely on the same information, so we keep the habit. Linux writes SYM_FUNC_START(name); GNU as
# macros take their arguments after a space, so we write `SYM_FUNC_START name`.
#
# A "FUNC" follows the C calling convention (callable with `call`, returns with `ret`).
# A "CODE" symbol is entered some other way (SYSCALL, an IDT gate, a jump) and has its own rules.

.macro SYM_FUNC_START name
	.globl \name
	.type \name, @function
\name:
.endm

.macro SYM_FUNC_START_LOCAL name
	.type \name, @function
\name:
.endm

.macro SYM_FUNC_END name
	.size \name, . - \name
.endm

.macro SYM_CODE_START name
	.globl \name
	.type \name, @function
\name:
.endm

.macro SYM_CODE_START_LOCAL name
	.type \name, @function
\name:
.endm

.macro SYM_CODE_END name
	.size \name, . - \name
.endm

# An extra global label in the middle of a function (Linux: SYM_INNER_LABEL), e.g.
# entry_SYSCALL_64_after_hwframe. Breakpoints and the debugger use these names.
.macro SYM_INNER_LABEL name
	.globl \name
\name:
.endm

.macro SYM_DATA_START name
	.globl \name
	.type \name, @object
\name:
.endm

.macro SYM_DATA_START_LOCAL name
	.type \name, @object
\name:
.endm

.macro SYM_DATA_END name
	.size \name, . - \name
.endm

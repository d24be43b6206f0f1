# arch/x86/include/asm/trapnr.h, asm/trap_pf.h -- exception vectors and page-fault error bits.

.equ X86_TRAP_DE,	0	# divide error
.equ X86_TRAP_DB,	1	# debug
.equ X86_TRAP_NMI,	2
.equ X86_TRAP_BP,	3	# breakpoint (int3)
.equ X86_TRAP_OF,	4
.equ X86_TRAP_BR,	5
.equ X86_TRAP_UD,	6	# invalid opcode
.equ X86_TRAP_NM,	7
.equ X86_TRAP_DF,	8	# double fault
.equ X86_TRAP_OLD_MF,	9
.equ X86_TRAP_TS,	10
.equ X86_TRAP_NP,	11
.equ X86_TRAP_SS,	12
.equ X86_TRAP_GP,	13	# general protection
.equ X86_TRAP_PF,	14	# page fault
.equ X86_TRAP_SPURIOUS,	15
.equ X86_TRAP_MF,	16
.equ X86_TRAP_AC,	17
.equ X86_TRAP_MC,	18
.equ X86_TRAP_XF,	19
.equ IDT_ENTRIES,	256

# Page-fault error code bits (pushed by the CPU)
.equ X86_PF_PROT,	1 << 0	# 0: page not present, 1: protection violation
.equ X86_PF_WRITE,	1 << 1	# write access
.equ X86_PF_USER,	1 << 2	# the access came from user mode (CPL 3)
.equ X86_PF_RSVD,	1 << 3
.equ X86_PF_INSTR,	1 << 4	# instruction fetch

# Gate types (type | DPL << 5 | P << 7)
.equ GATE_INTERRUPT,	0x8e	# DPL 0: only the CPU (or ring 0) can raise it
.equ GATE_INTERRUPT_USER, 0xee	# DPL 3: user space may use `int` on it (int3)

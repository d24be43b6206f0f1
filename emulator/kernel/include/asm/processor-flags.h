# arch/x86/include/uapi/asm/processor-flags.h -- RFLAGS, CR0 and CR4 bits.

.equ X86_EFLAGS_CF,	1 << 0
.equ X86_EFLAGS_FIXED,	1 << 1		# always 1
.equ X86_EFLAGS_PF,	1 << 2
.equ X86_EFLAGS_AF,	1 << 4
.equ X86_EFLAGS_ZF,	1 << 6
.equ X86_EFLAGS_SF,	1 << 7
.equ X86_EFLAGS_TF,	1 << 8		# trap flag: single-step
.equ X86_EFLAGS_IF,	1 << 9		# interrupts enabled
.equ X86_EFLAGS_DF,	1 << 10
.equ X86_EFLAGS_OF,	1 << 11
.equ X86_EFLAGS_IOPL,	3 << 12
.equ X86_EFLAGS_NT,	1 << 14
.equ X86_EFLAGS_RF,	1 << 16		# resume flag
.equ X86_EFLAGS_VM,	1 << 17
.equ X86_EFLAGS_AC,	1 << 18		# alignment check; with SMAP: "user access allowed"
.equ X86_EFLAGS_ID,	1 << 21

# The FMASK value syscall_init writes: every flag above except the fixed bit (0x257fd5).
.equ SYSCALL_FMASK, X86_EFLAGS_CF|X86_EFLAGS_PF|X86_EFLAGS_AF|X86_EFLAGS_ZF|X86_EFLAGS_SF|X86_EFLAGS_TF|X86_EFLAGS_IF|X86_EFLAGS_DF|X86_EFLAGS_OF|X86_EFLAGS_IOPL|X86_EFLAGS_NT|X86_EFLAGS_RF|X86_EFLAGS_AC|X86_EFLAGS_ID

# RFLAGS a new user task starts with: IF set (Linux's start_thread).
.equ USER_INITIAL_EFLAGS, X86_EFLAGS_IF | X86_EFLAGS_FIXED

.equ X86_CR0_WP,	1 << 16
.equ X86_CR4_PAE,	1 << 5
.equ X86_CR4_PCIDE,	1 << 17
.equ X86_CR4_SMEP,	1 << 20		# supervisor mode execution prevention
.equ X86_CR4_SMAP,	1 << 21		# supervisor mode access prevention

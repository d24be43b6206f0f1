# arch/x86/include/asm/msr-index.h -- model-specific register numbers and bits.
#
# MSRs are read with `rdmsr` and written with `wrmsr`: ECX = MSR number, EDX:EAX = the 64-bit value.

.equ MSR_EFER,			0xc0000080	# extended features
.equ MSR_STAR,			0xc0000081	# SYSCALL/SYSRET selectors
.equ MSR_LSTAR,			0xc0000082	# 64-bit SYSCALL entry point
.equ MSR_CSTAR,			0xc0000083	# compatibility-mode SYSCALL entry point
.equ MSR_SYSCALL_MASK,		0xc0000084	# RFLAGS bits cleared by SYSCALL (FMASK)
.equ MSR_FS_BASE,		0xc0000100
.equ MSR_GS_BASE,		0xc0000101
.equ MSR_KERNEL_GS_BASE,	0xc0000102	# swapped with GS.base by SWAPGS
.equ MSR_TSC_AUX,		0xc0000103
.equ MSR_IA32_SYSENTER_CS,	0x174
.equ MSR_IA32_SYSENTER_ESP,	0x175
.equ MSR_IA32_SYSENTER_EIP,	0x176
.equ MSR_IA32_SPEC_CTRL,	0x48		# speculation control
.equ MSR_IA32_PRED_CMD,		0x49		# prediction command (write-only)

# EFER bits
.equ _EFER_SCE,			0		# SYSCALL/SYSRET enable
.equ _EFER_LME,			8
.equ _EFER_LMA,			10
.equ _EFER_NX,			11
.equ EFER_SCE,			1 << _EFER_SCE

# SPEC_CTRL bits
.equ SPEC_CTRL_IBRS,		1 << 0		# indirect branch restricted speculation
.equ SPEC_CTRL_STIBP,		1 << 1
.equ SPEC_CTRL_SSBD,		1 << 2
.equ SPEC_CTRL_BHI_DIS_S,	1 << 10

# PRED_CMD bits
.equ PRED_CMD_IBPB,		1 << 0		# indirect branch prediction barrier

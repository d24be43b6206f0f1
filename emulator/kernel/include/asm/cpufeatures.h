# arch/x86/include/asm/cpufeatures.h -- the CPU features and mitigations the entry code depends on.
#
# Linux keeps these as bits in boot_cpu_data.x86_capability and, at boot, rewrites the entry code
# with "alternatives": an unneeded sequence becomes NOPs or a jump. We keep the bits in the byte
# `x86_feature_flags` (in .cpu_entry_area, so it is readable before CR3 is switched) and each
# sequence starts with `testb` + `jz` over it: with a mitigation off you watch the jump skip it.
# The bit numbers equal boot_params' mitigation bits (emulator/machine/BOOT.md).

.equ X86_FEATURE_PTI,			0	# page table isolation (Meltdown)
.equ X86_FEATURE_KERNEL_IBRS,		1	# IBRS while in the kernel (Spectre v2 / Retbleed on Intel)
.equ X86_FEATURE_ENTRY_IBPB,		2	# IBPB on kernel entry (Retbleed untraining)
.equ X86_FEATURE_CLEAR_BHB_LOOP,	3	# branch history clearing loop (BHI)
.equ X86_FEATURE_CLEAR_CPU_BUF,		4	# VERW before returning to user (MDS and friends)
.equ X86_FEATURE_RANDOMIZE_KSTACK,	5	# randomize_kstack_offset=on (a static key in Linux)
.equ X86_FEATURE_SMAP,			6	# supervisor mode access prevention
.equ X86_FEATURE_SMEP,			7	# supervisor mode execution prevention

# ALTERNATIVE_SKIP_UNLESS feature, label: jump to `label` when `feature` is off.
# (Linux: the bytes of the sequence are patched out at boot instead.)
.macro ALTERNATIVE_SKIP_UNLESS feature, label
	testb	$(1 << \feature), x86_feature_flags(%rip)
	jz	\label
.endm

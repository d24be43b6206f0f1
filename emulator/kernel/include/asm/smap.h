# arch/x86/include/asm/smap.h -- opening and closing the window for user memory accesses.
# Needs: include/asm/cpufeatures.h
#
# With SMAP (CR4 bit 21) the CPU faults on any kernel access to a user page unless RFLAGS.AC is
# set. STAC sets AC, CLAC clears it. So only code that means to touch user memory can: a kernel
# bug that follows a user-supplied pointer somewhere else stops at a fault instead of reading
# attacker-controlled data.

.macro ASM_STAC
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_SMAP, .Lstac_done_\@
	stac
.Lstac_done_\@:
.endm

.macro ASM_CLAC
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_SMAP, .Lclac_done_\@
	clac
.Lclac_done_\@:
.endm

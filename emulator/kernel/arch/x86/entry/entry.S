# arch/x86/entry/entry.S -- small pieces the entry code calls.

.include "include/linux/linkage.h"
.include "include/asm/msr-index.h"

	.text

# entry_ibpb: Indirect Branch Prediction Barrier. Writing PRED_CMD.IBPB makes the CPU forget
# every indirect-branch (and, on the parts that need this, return) prediction learned so far:
# whatever user space trained is gone before the kernel executes a `ret` or an indirect call.
# Clobbers eax, ecx, edx.
SYM_FUNC_START entry_ibpb
	movl	$MSR_IA32_PRED_CMD, %ecx
	movl	$PRED_CMD_IBPB, %eax
	xorl	%edx, %edx
	wrmsr
	ret
SYM_FUNC_END entry_ibpb

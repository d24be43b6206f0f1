# arch/x86/include/asm/nospec-branch.h -- speculative-execution mitigations on kernel entry/exit.
# Needs: include/asm/cpufeatures.h, include/asm/msr-index.h, include/generated/asm-offsets.h
#
# Each one clobbers RAX, RCX and RDX, so the entry code runs them only after pt_regs is saved.

# IBRS_ENTER: turn on Indirect Branch Restricted Speculation for the time we are in the kernel,
# so branch predictions trained by user space cannot steer the kernel's indirect branches
# (Spectre v2; Retbleed on Intel parts where returns fall back to the indirect predictor).
.macro IBRS_ENTER
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_KERNEL_IBRS, .Librs_enter_done_\@
	movl	$MSR_IA32_SPEC_CTRL, %ecx
	movq	%gs:PCPU_x86_spec_ctrl_current, %rdx
	movl	%edx, %eax
	shrq	$32, %rdx
	wrmsr
.Librs_enter_done_\@:
.endm

# IBRS_EXIT: the same MSR with IBRS cleared: user space runs at full speed again.
.macro IBRS_EXIT
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_KERNEL_IBRS, .Librs_exit_done_\@
	movl	$MSR_IA32_SPEC_CTRL, %ecx
	movq	%gs:PCPU_x86_spec_ctrl_current, %rdx
	andl	$(~SPEC_CTRL_IBRS), %edx
	movl	%edx, %eax
	shrq	$32, %rdx
	wrmsr
.Librs_exit_done_\@:
.endm

# UNTRAIN_RET: Retbleed/SRSO. User space can train the return predictor so that a kernel `ret`
# speculatively goes to a gadget. Linux patches in one of several sequences; we use the
# Indirect Branch Prediction Barrier variant (entry_ibpb): after it, no prediction learned
# before it is used.
.macro UNTRAIN_RET
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_ENTRY_IBPB, .Luntrain_ret_done_\@
	call	entry_ibpb
.Luntrain_ret_done_\@:
.endm

# CLEAR_BRANCH_HISTORY: Branch History Injection. Predictors index indirect branches by the
# recent history of taken branches, which user space chose. clear_bhb_loop executes a fixed
# pattern of taken branches so the history the kernel sees is always the same.
.macro CLEAR_BRANCH_HISTORY
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_CLEAR_BHB_LOOP, .Lclear_bhb_done_\@
	call	clear_bhb_loop
.Lclear_bhb_done_\@:
.endm

# CLEAR_CPU_BUFFERS: MDS, TAA, MMIO stale data, RFDS. Small internal CPU buffers may still hold
# kernel data that user space could sample. With updated microcode, VERW with a memory operand
# overwrites them. It is the very last thing before sysretq/iretq (after swapgs, so it must be
# RIP-relative: x86_verw_sel lives in .entry.text, mapped in both page tables).
.macro CLEAR_CPU_BUFFERS
	ALTERNATIVE_SKIP_UNLESS X86_FEATURE_CLEAR_CPU_BUF, .Lclear_cpu_buf_done_\@
	verw	x86_verw_sel(%rip)
.Lclear_cpu_buf_done_\@:
.endm

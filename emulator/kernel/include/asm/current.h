# arch/x86/include/asm/current.h, asm/ptrace.h -- finding `current` and its pt_regs.
#
# `current` is the running task. Linux reads it from the per-CPU variable pcpu_hot.current_task
# through GS, which is why the entry code must `swapgs` before anything else touches GS.
# Needs: include/generated/asm-offsets.h

# GET_CURRENT reg: reg = current (struct task_struct *)
.macro GET_CURRENT reg
	movq	%gs:PCPU_current_task, \reg
.endm

# current_pt_regs reg: reg = task_pt_regs(current), the 168 bytes just below the stack top.
# (The random kstack offset is applied below pt_regs, so this never moves.)
.macro current_pt_regs reg
	movq	%gs:PCPU_cpu_current_top_of_stack, \reg
	subq	$PTREGS_SIZE, \reg
.endm

# kernel/sched/core.c -- the scheduler. With a single task there is nobody to switch to:
# schedule() only acknowledges the request.

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/thread_info.h"

	.text

# void schedule(void)
SYM_FUNC_START schedule
	movq	%gs:PCPU_current_task, %rax
	btrq $TIF_NEED_RESCHED, TASK_ti_flags(%rax)
	ret
SYM_FUNC_END schedule

# init/init_task.c -- the first (and here the only) task, and its kernel stack.

.include "include/linux/linkage.h"
.include "include/generated/asm-offsets.h"
.include "include/asm/thread_info.h"
.include "include/linux/fs.h"

	.data
	.balign 64
SYM_DATA_START init_task
	.skip	TASK_STRUCT_SIZE
SYM_DATA_END init_task

# The fd table of init_task (Linux: init_files): fd -> struct file *.
SYM_DATA_START init_files
	.skip	NR_OPEN_DEFAULT * 8
SYM_DATA_END init_files

	.bss
	.balign 4096
# THREAD_SIZE bytes; pt_regs sits at the very top while the task is in the kernel.
SYM_DATA_START init_stack
	.skip	THREAD_SIZE
SYM_DATA_END init_stack

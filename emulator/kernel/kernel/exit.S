# kernel/exit.c -- exit(2), exit_group(2) and do_group_exit.
#
# A process ends by reporting a wait status to whoever waits for it: `code << 8` for a normal
# exit, the signal number (| 0x80 if a core was dumped) for a kill. This machine's "parent" is the
# host: the status goes out on port 0x501 (BOOT.md) and the machine stops.

.include "include/generated/asm-offsets.h"
.include "include/linux/linkage.h"
.include "include/asm/thread_info.h"
.include "include/asm/ringstep_io.h"
.include "include/asm/syscall_wrapper.h"

	.text

# do_group_exit(exit_code = edi): never returns.
SYM_FUNC_START do_group_exit
	movq	%gs:PCPU_current_task, %rax
	orq	$PF_EXITING, TASK_flags(%rax)
	movl	%edi, %ecx
	movq	%rcx, TASK_exit_code(%rax)
	movl	%edi, %eax
	movw	$RINGSTEP_EXIT_PORT, %dx
	outl	%eax, %dx
	# The machine stops at the OUT; should it ever resume us, there is nothing left to run.
1:	cli
	hlt
	jmp	1b
SYM_FUNC_END do_group_exit

# exit(code): Linux ends only the calling thread; with one thread that ends the process.
# exit_group(code): every thread. Only the low 8 bits of the code survive into the status.
SYSCALL_DEFINE1 exit, int, error_code
	andl	$0xff, %edi
	shll	$8, %edi
	jmp	do_group_exit
SYSCALL_END exit

SYSCALL_DEFINE1 exit_group, int, error_code
	andl	$0xff, %edi
	shll	$8, %edi
	jmp	do_group_exit
SYSCALL_END exit_group

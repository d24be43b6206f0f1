# kill(getpid(), SIGUSR1) with the default action: the process dies, a shell reports 138 (128 + 10).

        .set SYS_getpid, 39
        .set SYS_kill, 62
        .set SYS_exit_group, 231

        .text
        .globl _start
_start:
        movl    $SYS_getpid, %eax
        syscall
        movq    %rax, %rdi
        movl    $SYS_kill, %eax
        movl    $10, %esi                      # SIGUSR1
        syscall
        movl    $1, %edi                       # not reached
        movl    $SYS_exit_group, %eax
        syscall

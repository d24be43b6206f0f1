# A filter answering getppid with SECCOMP_RET_KILL_THREAD: the (only) thread dies of SIGSYS before the
# syscall runs -- exit status 159 (128 + SIGSYS), no core file.

        .set SYS_write, 1
        .set SYS_getppid, 110
        .set SYS_prctl, 157
        .set SYS_exit_group, 231
        .set PR_SET_SECCOMP, 22
        .set PR_SET_NO_NEW_PRIVS, 38
        .set SECCOMP_MODE_FILTER, 2

        .text
        .globl _start
_start:
        movl    $SYS_prctl, %eax
        movl    $PR_SET_NO_NEW_PRIVS, %edi
        movl    $1, %esi
        xorl    %edx, %edx
        xorl    %r10d, %r10d
        xorl    %r8d, %r8d
        syscall
        movl    $SYS_prctl, %eax
        movl    $PR_SET_SECCOMP, %edi
        movl    $SECCOMP_MODE_FILTER, %esi
        leaq    prog(%rip), %rdx
        syscall
        testq   %rax, %rax
        jnz     fail
        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    msg(%rip), %rsi
        movl    $msg_len, %edx
        syscall
        movl    $SYS_getppid, %eax             # KILL_THREAD
        syscall
fail:
        movl    $1, %edi
        movl    $SYS_exit_group, %eax
        syscall

        .section .rodata
msg:    .ascii  "filter installed; getppid next\n"
        .set    msg_len, . - msg
        .balign 8
filter:
        .short 0x20; .byte 0, 0; .long 0               # A = nr
        .short 0x15; .byte 0, 1; .long SYS_getppid
        .short 0x06; .byte 0, 0; .long 0x00000000              # SECCOMP_RET_KILL_THREAD
        .short 0x06; .byte 0, 0; .long 0x7fff0000      # ALLOW
        .set filter_len, (. - filter) / 8
prog:   .short filter_len
        .zero 6
        .quad filter

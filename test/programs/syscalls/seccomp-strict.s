# SECCOMP_MODE_STRICT: only read, write, exit and rt_sigreturn. write works; getpid is killed
# with SIGKILL (exit status 137). Strict mode needs no no_new_privs.

        .set SYS_read, 0
        .set SYS_write, 1
        .set SYS_getpid, 39
        .set SYS_prctl, 157
        .set SYS_exit_group, 231
        .set PR_GET_SECCOMP, 21
        .set PR_SET_SECCOMP, 22
        .set SECCOMP_MODE_STRICT, 1

        .text
        .globl _start
_start:
        movl    $SYS_prctl, %eax                # PR_GET_SECCOMP: 0 (disabled)
        movl    $PR_GET_SECCOMP, %edi
        syscall
        testq   %rax, %rax
        jnz     fail
        movl    $SYS_prctl, %eax
        movl    $PR_SET_SECCOMP, %edi
        movl    $SECCOMP_MODE_STRICT, %esi
        syscall
        testq   %rax, %rax
        jnz     fail
        movl    $SYS_write, %eax                # allowed
        movl    $1, %edi
        leaq    msg(%rip), %rsi
        movl    $msg_len, %edx
        syscall
        movl    $SYS_read, %eax                 # allowed (a bad fd is still an allowed call)
        movl    $99, %edi
        leaq    msg(%rip), %rsi
        xorl    %edx, %edx
        syscall
        movl    $SYS_getpid, %eax               # not allowed: SIGKILL
        syscall
fail:
        movl    $1, %edi
        movl    $SYS_exit_group, %eax           # (not allowed either)
        syscall

        .section .rodata
msg:    .ascii  "strict mode: write still works\n"
        .set    msg_len, . - msg

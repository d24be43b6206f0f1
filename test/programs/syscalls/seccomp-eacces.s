# Installing a filter without no_new_privs (and without CAP_SYS_ADMIN): -EACCES, through prctl
# and through seccomp(). Then the argument checks: bad operation, bad flags, empty and malformed
# filters (-EINVAL), an unreadable program (-EFAULT).

        .set SYS_write, 1
        .set SYS_prctl, 157
        .set SYS_exit_group, 231
        .set SYS_seccomp, 317
        .set PR_GET_SECCOMP, 21
        .set PR_SET_SECCOMP, 22
        .set PR_SET_NO_NEW_PRIVS, 38
        .set SECCOMP_MODE_FILTER, 2
        .set SECCOMP_SET_MODE_FILTER, 1
        .set EACCES, 13
        .set EFAULT, 14
        .set EINVAL, 22

        .include "check.inc"

        # seccomp(op, flags, args)
        .macro SECCOMP op, flags, args
        movl    $SYS_seccomp, %eax
        movl    $\op, %edi
        movl    $\flags, %esi
        \args
        syscall
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d
        movl    $SYS_prctl, %eax
        movl    $PR_SET_SECCOMP, %edi
        movl    $SECCOMP_MODE_FILTER, %esi
        leaq    prog(%rip), %rdx
        syscall
        CHECK   -EACCES
        SECCOMP SECCOMP_SET_MODE_FILTER, 0, "leaq prog(%rip), %rdx"
        CHECK   -EACCES
        movl    $SYS_prctl, %eax                # still no mode
        movl    $PR_GET_SECCOMP, %edi
        syscall
        CHECK   0

        movl    $SYS_prctl, %eax
        movl    $PR_SET_NO_NEW_PRIVS, %edi
        movl    $1, %esi
        xorl    %edx, %edx
        xorl    %r10d, %r10d
        xorl    %r8d, %r8d
        syscall
        CHECK   0
        SECCOMP 99, 0, "leaq prog(%rip), %rdx"                  # unknown operation
        CHECK   -EINVAL
        SECCOMP SECCOMP_SET_MODE_FILTER, 0x40000000, "leaq prog(%rip), %rdx"   # unknown flag
        CHECK   -EINVAL
        SECCOMP SECCOMP_SET_MODE_FILTER, 0, "leaq empty(%rip), %rdx"     # len 0
        CHECK   -EINVAL
        SECCOMP SECCOMP_SET_MODE_FILTER, 0, "leaq nonret(%rip), %rdx"    # does not end in a return
        CHECK   -EINVAL
        SECCOMP SECCOMP_SET_MODE_FILTER, 0, "movl $8, %edx"              # unreadable sock_fprog
        CHECK   -EFAULT
        movl    $SYS_prctl, %eax
        movl    $PR_GET_SECCOMP, %edi
        syscall
        CHECK   0
        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    msg(%rip), %rsi
        movl    $msg_len, %edx
        syscall
        xorl    %edi, %edi
        movl    $SYS_exit_group, %eax
        syscall
        FAIL_EXIT

        .section .rodata
msg:    .ascii  "seccomp: EACCES without no_new_privs; bad arguments refused\n"
        .set    msg_len, . - msg
        .balign 8
allow:  .short 0x06; .byte 0, 0; .long 0x7fff0000
load:   .short 0x20; .byte 0, 0; .long 0        # A = nr, then nothing
prog:   .short 1
        .zero 6
        .quad allow
empty:  .short 0
        .zero 6
        .quad allow
nonret: .short 1
        .zero 6
        .quad load

# seccomp: a classic-BPF filter decides, inside do_syscall_64, whether a syscall may run.
# The filter (the reference's canonical one, plus a kill rule):
#   arch != AUDIT_ARCH_X86_64        -> KILL_PROCESS
#   nr == getpid (39)                -> ERRNO(EPERM)     getpid() = -1 EPERM
#   nr == getppid (110)              -> KILL_PROCESS     +++ killed by SIGSYS +++
#   anything else                    -> ALLOW
# prctl(PR_SET_NO_NEW_PRIVS) comes first: without it an unprivileged task gets EACCES.

        .set SYS_write, 1
        .set SYS_getpid, 39
        .set SYS_getppid, 110
        .set SYS_prctl, 157
        .set SYS_exit_group, 231
        .set PR_SET_SECCOMP, 22
        .set PR_SET_NO_NEW_PRIVS, 38
        .set SECCOMP_MODE_FILTER, 2
        .set EPERM, 1

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
        jnz     bad

        movl    $SYS_getpid, %eax       # the filter answers instead of the kernel
        syscall
        cmpq    $-EPERM, %rax
        jne     bad

        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    msg(%rip), %rsi
        movl    $msg_len, %edx
        syscall

        movl    $SYS_getppid, %eax      # KILL_PROCESS: this syscall never returns
        syscall
bad:
        movl    $SYS_exit_group, %eax
        movl    $1, %edi
        syscall

        .section .rodata
msg:    .ascii  "getpid was refused with EPERM; now getppid...\n"
        .set    msg_len, . - msg

        .balign 8
# struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }
filter:
        .short 0x20; .byte 0, 0; .long 4               # A = seccomp_data.arch
        .short 0x15; .byte 1, 0; .long 0xc000003e      # if A == AUDIT_ARCH_X86_64 skip 1
        .short 0x06; .byte 0, 0; .long 0x80000000      # return KILL_PROCESS
        .short 0x20; .byte 0, 0; .long 0               # A = seccomp_data.nr
        .short 0x15; .byte 0, 1; .long SYS_getpid      # if A == getpid
        .short 0x06; .byte 0, 0; .long 0x00050000 + EPERM   # return ERRNO(EPERM)
        .short 0x15; .byte 0, 1; .long SYS_getppid     # if A == getppid
        .short 0x06; .byte 0, 0; .long 0x80000000      # return KILL_PROCESS
        .short 0x06; .byte 0, 0; .long 0x7fff0000      # return ALLOW
        .set filter_len, (. - filter) / 8
# struct sock_fprog { unsigned short len; struct sock_filter *filter; }
prog:
        .short filter_len
        .zero 6
        .quad filter

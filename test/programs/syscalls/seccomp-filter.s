# seccomp filters, each action once, and the precedence rule between two filters.
# Filter 1 (prctl):    getpid -> ERRNO(0), getuid -> ERRNO(EPERM), gettid -> TRACE,
#                      getgid -> LOG, getegid -> TRAP, getppid -> ERRNO(EPERM), else ALLOW
# Filter 2 (seccomp):  getppid -> ERRNO(ENOENT), getuid -> ALLOW, else ALLOW
# Every filter runs; the lowest action wins, and between equal actions the newest filter's
# (so getppid gets ENOENT, getuid still gets EPERM). TRACE with no seccomp tracer is -ENOSYS;
# TRAP sends SIGSYS with si_code SYS_SECCOMP, si_syscall and si_arch to our handler.

        .set SYS_write, 1
        .set SYS_rt_sigaction, 13
        .set SYS_rt_sigreturn, 15
        .set SYS_getpid, 39
        .set SYS_getuid, 102
        .set SYS_getgid, 104
        .set SYS_getegid, 108
        .set SYS_getppid, 110
        .set SYS_prctl, 157
        .set SYS_gettid, 186
        .set SYS_exit_group, 231
        .set SYS_seccomp, 317
        .set PR_SET_SECCOMP, 22
        .set PR_SET_NO_NEW_PRIVS, 38
        .set SECCOMP_MODE_FILTER, 2
        .set SECCOMP_SET_MODE_FILTER, 1
        .set SIGSYS, 31
        .set SA_SIGINFO, 4
        .set SA_RESTORER, 0x04000000
        .set SYS_SECCOMP, 1
        .set AUDIT_ARCH_X86_64, 0xc000003e
        .set RET_KILL_PROCESS, 0x80000000
        .set RET_TRAP, 0x00030000
        .set RET_ERRNO, 0x00050000
        .set RET_TRACE, 0x7ff00000
        .set RET_LOG, 0x7ffc0000
        .set RET_ALLOW, 0x7fff0000
        .set EPERM, 1
        .set ENOENT, 2
        .set ENOSYS, 38

        .include "check.inc"

        .macro SYS nr
        movl    $\nr, %eax
        syscall
        .endm

        # BPF: if (A == nr) return action
        .macro RULE nr, action
        .short 0x15; .byte 0, 1; .long \nr
        .short 0x06; .byte 0, 0; .long \action
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d
        movl    $SYS_rt_sigaction, %eax         # a SIGSYS handler for TRAP
        movl    $SIGSYS, %edi
        leaq    act_sys(%rip), %rsi
        xorl    %edx, %edx
        movl    $8, %r10d
        syscall
        CHECK   0

        movl    $SYS_prctl, %eax                # no_new_privs, then filter 1
        movl    $PR_SET_NO_NEW_PRIVS, %edi
        movl    $1, %esi
        xorl    %edx, %edx
        xorl    %r10d, %r10d
        xorl    %r8d, %r8d
        syscall
        CHECK   0
        movl    $SYS_prctl, %eax
        movl    $PR_SET_SECCOMP, %edi
        movl    $SECCOMP_MODE_FILTER, %esi
        leaq    prog1(%rip), %rdx
        syscall
        CHECK   0

        SYS     SYS_getpid                      # ERRNO(0): returns 0 without running
        CHECK   0
        SYS     SYS_getuid                      # ERRNO(EPERM)
        CHECK   -EPERM
        SYS     SYS_gettid                      # TRACE, nobody listening: -ENOSYS
        CHECK   -ENOSYS
        SYS     SYS_getgid                      # LOG: runs
        incl    %r15d
        testq   %rax, %rax
        js      fail
        SYS     SYS_getegid                     # TRAP: SIGSYS, the handler records what it saw
        incl    %r15d
        cmpl    $SYS_SECCOMP, sys_code(%rip)
        jne     fail
        incl    %r15d
        cmpl    $SYS_getegid, sys_syscall(%rip)
        jne     fail
        incl    %r15d
        cmpl    $AUDIT_ARCH_X86_64, sys_arch(%rip)
        jne     fail
        SYS     SYS_getppid                     # ERRNO(EPERM), one filter so far
        CHECK   -EPERM
        PRINT   one_ok, $one_ok_len

        movl    $SYS_seccomp, %eax              # filter 2, through the seccomp syscall
        movl    $SECCOMP_SET_MODE_FILTER, %edi
        xorl    %esi, %esi
        leaq    prog2(%rip), %rdx
        syscall
        CHECK   0
        SYS     SYS_getppid                     # ERRNO in both: the newest filter's ENOENT
        CHECK   -ENOENT
        SYS     SYS_getuid                      # ALLOW (new) vs ERRNO (old): ERRNO wins
        CHECK   -EPERM
        PRINT   two_ok, $two_ok_len

        xorl    %edi, %edi
        movl    $SYS_exit_group, %eax
        syscall
        FAIL_EXIT

sys_handler:                                    # (sig, siginfo_t *info, ucontext *uc)
        movl    8(%rsi), %eax                   # si_code
        movl    %eax, sys_code(%rip)
        movl    24(%rsi), %eax                  # si_syscall
        movl    %eax, sys_syscall(%rip)
        movl    28(%rsi), %eax                  # si_arch
        movl    %eax, sys_arch(%rip)
        ret

restore_rt:
        movl    $SYS_rt_sigreturn, %eax
        syscall

        .section .rodata
one_ok: .ascii  "filter 1: ERRNO(0), ERRNO(EPERM), TRACE, LOG, TRAP as Linux\n"
        .set    one_ok_len, . - one_ok
two_ok: .ascii  "filter 2: the newest equal action wins, the lowest action wins\n"
        .set    two_ok_len, . - two_ok

        .balign 8
filter1:
        .short 0x20; .byte 0, 0; .long 4        # A = arch
        .short 0x15; .byte 1, 0; .long AUDIT_ARCH_X86_64
        .short 0x06; .byte 0, 0; .long RET_KILL_PROCESS
        .short 0x20; .byte 0, 0; .long 0        # A = nr
        RULE    SYS_getpid, RET_ERRNO
        RULE    SYS_getuid, RET_ERRNO + EPERM
        RULE    SYS_gettid, RET_TRACE
        RULE    SYS_getgid, RET_LOG
        RULE    SYS_getegid, RET_TRAP
        RULE    SYS_getppid, RET_ERRNO + EPERM
        .short 0x06; .byte 0, 0; .long RET_ALLOW
        .set filter1_len, (. - filter1) / 8
filter2:
        .short 0x20; .byte 0, 0; .long 0        # A = nr
        RULE    SYS_getppid, RET_ERRNO + ENOENT
        RULE    SYS_getuid, RET_ALLOW
        .short 0x06; .byte 0, 0; .long RET_ALLOW
        .set filter2_len, (. - filter2) / 8
prog1:  .short filter1_len
        .zero 6
        .quad filter1
prog2:  .short filter2_len
        .zero 6
        .quad filter2

        .data
        .balign 8
act_sys: .quad sys_handler, SA_RESTORER|SA_SIGINFO, restore_rt, 0
sys_code: .long 0
sys_syscall: .long 0
sys_arch: .long 0

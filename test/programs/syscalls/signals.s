# Signals: rt_sigaction (install, query, errors), rt_sigprocmask (block SIGUSR1, kill, nothing
# happens; unblock -> the handler runs), kill and tgkill to itself, SIG_IGN, an SA_SIGINFO handler
# that sees si_code, and rt_sigreturn back into the interrupted code.

        .set SYS_write, 1
        .set SYS_rt_sigaction, 13
        .set SYS_rt_sigprocmask, 14
        .set SYS_rt_sigreturn, 15
        .set SYS_getpid, 39
        .set SYS_kill, 62
        .set SYS_gettid, 186
        .set SYS_exit_group, 231
        .set SYS_tgkill, 234
        .set SIGKILL, 9
        .set SIGUSR1, 10
        .set SIGUSR2, 12
        .set SIG_BLOCK, 0
        .set SIG_UNBLOCK, 1
        .set SIG_SETMASK, 2
        .set SA_SIGINFO, 4
        .set SA_RESTORER, 0x04000000
        .set SI_USER, 0
        .set SI_TKILL, -6
        .set EINVAL, 22
        .set EFAULT, 14

        .include "check.inc"

        # rt_sigaction(sig, act, oact, size)
        .macro SIGACTION sig, act, oact, size=8
        movl    $SYS_rt_sigaction, %eax
        movl    $\sig, %edi
        \act
        \oact
        movl    $\size, %r10d
        syscall
        .endm

        # rt_sigprocmask(how, set, oset, 8)
        .macro SIGPROCMASK how, set, oset
        movl    $SYS_rt_sigprocmask, %eax
        movl    $\how, %edi
        \set
        \oset
        movl    $8, %r10d
        syscall
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d
        movl    $SYS_getpid, %eax
        syscall
        movq    %rax, %r12                      # pid (== tid)

        # ---- rt_sigaction ----
        SIGACTION SIGUSR1, "leaq act_usr1(%rip), %rsi", "xorl %edx, %edx"
        CHECK   0
        SIGACTION SIGUSR1, "xorl %esi, %esi", "leaq old(%rip), %rdx"    # query: our handler
        CHECK   0
        leaq    handler(%rip), %rax
        incl    %r15d
        cmpq    old(%rip), %rax
        jne     fail
        SIGACTION SIGKILL, "leaq act_usr1(%rip), %rsi", "xorl %edx, %edx"   # SIGKILL: -EINVAL
        CHECK   -EINVAL
        SIGACTION 0, "leaq act_usr1(%rip), %rsi", "xorl %edx, %edx"         # signal 0: -EINVAL
        CHECK   -EINVAL
        SIGACTION 65, "leaq act_usr1(%rip), %rsi", "xorl %edx, %edx"        # signal 65: -EINVAL
        CHECK   -EINVAL
        SIGACTION SIGUSR1, "leaq act_usr1(%rip), %rsi", "xorl %edx, %edx", 4  # sigsetsize 4: -EINVAL
        CHECK   -EINVAL
        SIGACTION SIGUSR1, "movl $8, %esi", "xorl %edx, %edx"               # bad act pointer: -EFAULT
        CHECK   -EFAULT
        PRINT   action_ok, $action_ok_len

        # ---- block SIGUSR1, kill: pending, nothing runs; unblock: the handler runs ----
        SIGPROCMASK SIG_BLOCK, "leaq set_usr1(%rip), %rsi", "xorl %edx, %edx"
        CHECK   0
        movl    $SYS_kill, %eax
        movq    %r12, %rdi
        movl    $SIGUSR1, %esi
        syscall
        CHECK   0
        incl    %r15d
        cmpl    $0, usr1_count(%rip)            # blocked: not delivered
        jne     fail
        PRINT   blocked_ok, $blocked_ok_len
        SIGPROCMASK SIG_UNBLOCK, "leaq set_usr1(%rip), %rsi", "leaq oldset(%rip), %rdx"
        CHECK   0
        incl    %r15d
        cmpl    $1, usr1_count(%rip)            # delivered on the way out of rt_sigprocmask
        jne     fail
        incl    %r15d
        cmpq    $1 << (SIGUSR1 - 1), oldset(%rip)   # the old mask had SIGUSR1
        jne     fail
        SIGPROCMASK 99, "leaq set_usr1(%rip), %rsi", "xorl %edx, %edx"     # bad how: -EINVAL
        CHECK   -EINVAL
        SIGPROCMASK SIG_SETMASK, "xorl %esi, %esi", "leaq oldset(%rip), %rdx"   # query only
        CHECK   0
        incl    %r15d
        cmpq    $0, oldset(%rip)
        jne     fail

        # ---- kill edge cases ----
        movl    $SYS_kill, %eax                 # signal 0: only checks
        movq    %r12, %rdi
        xorl    %esi, %esi
        syscall
        CHECK   0
        movl    $SYS_kill, %eax                 # signal 100: -EINVAL
        movq    %r12, %rdi
        movl    $100, %esi
        syscall
        CHECK   -EINVAL

        # ---- SA_SIGINFO handler for SIGUSR2, sent with tgkill: si_code SI_TKILL ----
        SIGACTION SIGUSR2, "leaq act_usr2(%rip), %rsi", "xorl %edx, %edx"
        CHECK   0
        movl    $SYS_gettid, %eax
        syscall
        movq    %rax, %rsi
        movl    $SYS_tgkill, %eax
        movq    %r12, %rdi
        movl    $SIGUSR2, %edx
        syscall
        CHECK   0
        incl    %r15d
        cmpl    $SI_TKILL, usr2_code(%rip)
        jne     fail
        movl    $SYS_tgkill, %eax               # tid 0: -EINVAL
        movq    %r12, %rdi
        xorl    %esi, %esi
        movl    $SIGUSR2, %edx
        syscall
        CHECK   -EINVAL

        # ---- SIG_IGN: the signal is discarded ----
        SIGACTION SIGUSR2, "leaq act_ignore(%rip), %rsi", "xorl %edx, %edx"
        CHECK   0
        movl    $SYS_kill, %eax
        movq    %r12, %rdi
        movl    $SIGUSR2, %esi
        syscall
        CHECK   0
        PRINT   done, $done_len

        xorl    %edi, %edi
        movl    $SYS_exit_group, %eax
        syscall
        FAIL_EXIT

handler:                                        # void handler(int sig)
        incl    usr1_count(%rip)
        PRINT   in_handler, $in_handler_len
        ret                                     # into restore_rt

siginfo_handler:                                # void handler(int sig, siginfo_t *info, void *uc)
        movl    8(%rsi), %eax                   # info->si_code
        movl    %eax, usr2_code(%rip)
        ret

restore_rt:
        movl    $SYS_rt_sigreturn, %eax
        syscall

        .section .rodata
action_ok: .ascii "rt_sigaction: installed, read back; bad signals and sizes refused\n"
        .set    action_ok_len, . - action_ok
blocked_ok: .ascii "SIGUSR1 blocked: kill left it pending\n"
        .set    blocked_ok_len, . - blocked_ok
in_handler: .ascii "in the SIGUSR1 handler\n"
        .set    in_handler_len, . - in_handler
done:   .ascii  "signals: all checks passed\n"
        .set    done_len, . - done

        .data
        .balign 8
# struct kernel_sigaction { handler; flags; restorer; mask }
act_usr1: .quad handler, SA_RESTORER, restore_rt, 0
act_usr2: .quad siginfo_handler, SA_RESTORER|SA_SIGINFO, restore_rt, 0
act_ignore: .quad 1, SA_RESTORER, restore_rt, 0
old:    .quad   0, 0, 0, 0
set_usr1: .quad 1 << (SIGUSR1 - 1)
oldset: .quad   0
usr1_count: .long 0
usr2_code: .long 0

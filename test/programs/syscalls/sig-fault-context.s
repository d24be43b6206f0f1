# Faults caught by handlers: what the signal frame's sigcontext says about each one. Linux keeps the
# last user fault's vector, error code and (for #PF) address in the task (thread.trap_nr,
# error_code, cr2) and copies them into the sigcontext (trapno, err, cr2). Seven faults: a read of
# an unmapped page, a write to read-only text, a read of a kernel address (reported as a
# protection fault), ud2, a divide by zero, int3, and a non-canonical address (#GP: cr2 keeps the
# last #PF's address). Each handler records signo, si_code, trapno, err and cr2, points the saved
# RIP at the next step, and returns through rt_sigreturn. The records go to stdout at the end,
# where the host's output is the oracle; the first few are also checked here.

        .set SYS_write, 1
        .set SYS_rt_sigaction, 13
        .set SYS_rt_sigreturn, 15
        .set SYS_exit_group, 231
        .set SIGILL, 4
        .set SIGTRAP, 5
        .set SIGFPE, 8
        .set SIGSEGV, 11
        .set SA_SIGINFO, 4
        .set SA_RESTORER, 0x04000000
        .set UC_RIP, 40 + 16 * 8                # ucontext.uc_mcontext.rip
        .set UC_ERR, 40 + 19 * 8                # .err
        .set UC_TRAPNO, 40 + 20 * 8             # .trapno
        .set UC_CR2, 40 + 22 * 8                # .cr2
        .set RECORD, 5 * 8

        .include "check.inc"

        # FAULT insn: run the faulting instruction with `resume` pointing past it
        .macro FAULT insn:vararg
        leaq    1f(%rip), %rax
        movq    %rax, resume(%rip)
        \insn
1:
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d
        .irp sig, SIGSEGV, SIGILL, SIGFPE, SIGTRAP
        movl    $SYS_rt_sigaction, %eax
        movl    $\sig, %edi
        leaq    act(%rip), %rsi
        xorl    %edx, %edx
        movl    $8, %r10d
        syscall
        CHECK   0
        .endr

        FAULT   movq 0x10, %rax                                 # #PF: not present, user read
        FAULT   movb $1, _start(%rip)                           # #PF: protection, user write
        movabsq $0xffffffff81000000, %rbx
        FAULT   movq (%rbx), %rax                               # #PF: a kernel address
        FAULT   ud2                                             # #UD
        xorl    %ecx, %ecx
        movl    $1, %eax
        xorl    %edx, %edx
        FAULT   divl %ecx                                       # #DE
        FAULT   int3                                            # #BP (a trap: RIP is past it)
        movabsq $0x8000000000000000, %rbx
        FAULT   movq (%rbx), %rax                               # #GP(0): non-canonical

        # the first records: (signo, code, trapno, err, cr2)
        movq    records + 2 * 8(%rip), %rax
        CHECK   14
        movq    records + 3 * 8(%rip), %rax
        CHECK   4                               # user, read, not present
        movq    records + 4 * 8(%rip), %rax
        CHECK   0x10
        movq    records + RECORD + 3 * 8(%rip), %rax
        CHECK   7                               # user, write, protection
        movq    records + 2 * RECORD + 3 * 8(%rip), %rax
        CHECK   5                               # a kernel address always reads as protection
        movq    records + 6 * RECORD + 2 * 8(%rip), %rax
        CHECK   13
        movq    records + 6 * RECORD + 4 * 8(%rip), %rax
        movabsq $0xffffffff81000000, %rcx       # #GP leaves cr2 as the last #PF set it
        cmpq    %rcx, %rax
        jne     fail
        movq    count(%rip), %rax
        CHECK   7

        PRINT   records, $(7*RECORD)
        movl    $SYS_exit_group, %eax
        xorl    %edi, %edi
        syscall
        FAIL_EXIT

# handler(sig, info, uc): append a record, resume at `resume`
handler:
        movq    count(%rip), %rax
        imulq   $RECORD, %rax, %rax
        leaq    records(%rip), %rcx
        addq    %rax, %rcx
        movq    %rdi, (%rcx)                    # signo
        movslq  8(%rsi), %rax
        movq    %rax, 8(%rcx)                   # si_code
        movq    UC_TRAPNO(%rdx), %rax
        movq    %rax, 16(%rcx)
        movq    UC_ERR(%rdx), %rax
        movq    %rax, 24(%rcx)
        movq    UC_CR2(%rdx), %rax
        movq    %rax, 32(%rcx)
        incq    count(%rip)
        movq    resume(%rip), %rax
        movq    %rax, UC_RIP(%rdx)
        ret

restore_rt:
        movl    $SYS_rt_sigreturn, %eax
        syscall

        .data
        .balign 8
# struct kernel_sigaction { handler; flags; restorer; mask }
act:    .quad   handler, SA_RESTORER | SA_SIGINFO, restore_rt, 0
resume: .quad   0
count:  .quad   0
records: .zero  7 * RECORD

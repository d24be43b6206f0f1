# arch_prctl (ARCH_SET_FS, ARCH_GET_FS, then a %fs: load), prctl (NO_NEW_PRIVS), nanosleep,
# clock_gettime and getrandom, with their error paths. Clock readings and random bytes are checked
# for shape (monotonic, count) and masked in the strace lines.

        .set SYS_write, 1
        .set SYS_nanosleep, 35
        .set SYS_prctl, 157
        .set SYS_arch_prctl, 158
        .set SYS_clock_gettime, 228
        .set SYS_exit_group, 231
        .set SYS_getrandom, 318
        .set ARCH_SET_FS, 0x1002
        .set ARCH_GET_FS, 0x1003
        .set PR_SET_NO_NEW_PRIVS, 38
        .set PR_GET_NO_NEW_PRIVS, 39
        .set CLOCK_MONOTONIC, 1
        .set EPERM, 1
        .set EFAULT, 14
        .set EINVAL, 22

        .include "check.inc"

        .macro ARCH_PRCTL code, arg
        movl    $SYS_arch_prctl, %eax
        movl    $\code, %edi
        \arg
        syscall
        .endm

        .macro PRCTL option, arg2=0
        movl    $SYS_prctl, %eax
        movl    $\option, %edi
        movl    $\arg2, %esi
        xorl    %edx, %edx
        xorl    %r10d, %r10d
        xorl    %r8d, %r8d
        syscall
        .endm

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d

        # ---- arch_prctl ----
        ARCH_PRCTL ARCH_SET_FS, "leaq tls(%rip), %rsi"
        CHECK   0
        incl    %r15d
        movq    %fs:8, %rax                     # reads tls+8 through the new FS base
        cmpq    tls+8(%rip), %rax
        jne     fail
        ARCH_PRCTL ARCH_GET_FS, "leaq fsbase(%rip), %rsi"
        CHECK   0
        leaq    tls(%rip), %rax
        incl    %r15d
        cmpq    fsbase(%rip), %rax
        jne     fail
        ARCH_PRCTL ARCH_GET_FS, "xorl %esi, %esi"       # NULL: -EFAULT
        CHECK   -EFAULT
        ARCH_PRCTL ARCH_SET_FS, "movabsq $0x800000000000, %rsi"  # not a user address: -EPERM
        CHECK   -EPERM
        ARCH_PRCTL 0x1234, "xorl %esi, %esi"            # unknown code: -EINVAL
        CHECK   -EINVAL
        PRINT   fs_ok, $fs_ok_len

        # ---- prctl ----
        PRCTL   PR_GET_NO_NEW_PRIVS
        CHECK   0
        PRCTL   PR_SET_NO_NEW_PRIVS, 2          # only 1 is allowed
        CHECK   -EINVAL
        PRCTL   PR_SET_NO_NEW_PRIVS, 1
        CHECK   0
        PRCTL   PR_GET_NO_NEW_PRIVS
        CHECK   1
        PRINT   prctl_ok, $prctl_ok_len

        # ---- nanosleep ----
        movl    $SYS_nanosleep, %eax            # tv_nsec = 1e9: -EINVAL
        leaq    ts_bad_nsec(%rip), %rdi
        xorl    %esi, %esi
        syscall
        CHECK   -EINVAL
        movl    $SYS_nanosleep, %eax            # tv_sec < 0: -EINVAL
        leaq    ts_negative(%rip), %rdi
        xorl    %esi, %esi
        syscall
        CHECK   -EINVAL
        movl    $SYS_nanosleep, %eax            # NULL: -EFAULT
        xorl    %edi, %edi
        xorl    %esi, %esi
        syscall
        CHECK   -EFAULT
        movl    $SYS_nanosleep, %eax            # 1 microsecond: 0
        leaq    ts_short(%rip), %rdi
        leaq    ts_rem(%rip), %rsi
        syscall
        CHECK   0
        PRINT   sleep_ok, $sleep_ok_len

        # ---- clock_gettime ----
        movl    $SYS_clock_gettime, %eax
        movl    $CLOCK_MONOTONIC, %edi
        leaq    t1(%rip), %rsi
        syscall
        CHECK   0
        movl    $SYS_clock_gettime, %eax
        movl    $CLOCK_MONOTONIC, %edi
        leaq    t2(%rip), %rsi
        syscall
        CHECK   0
        movq    t2(%rip), %rax                  # (sec, nsec) of t2 >= t1
        incl    %r15d
        cmpq    t1(%rip), %rax
        jl      fail
        jg      1f
        movq    t2+8(%rip), %rax
        cmpq    t1+8(%rip), %rax
        jl      fail
1:      incl    %r15d
        cmpq    $1000000000, t2+8(%rip)         # nsec in range
        jae     fail
        movl    $SYS_clock_gettime, %eax        # clock 100: -EINVAL
        movl    $100, %edi
        leaq    t1(%rip), %rsi
        syscall
        CHECK   -EINVAL
        movl    $SYS_clock_gettime, %eax        # NULL: -EFAULT
        movl    $CLOCK_MONOTONIC, %edi
        xorl    %esi, %esi
        syscall
        CHECK   -EFAULT
        PRINT   clock_ok, $clock_ok_len

        # ---- getrandom ----
        movl    $SYS_getrandom, %eax
        leaq    rnd(%rip), %rdi
        movl    $16, %esi
        xorl    %edx, %edx
        syscall
        CHECK   16
        movl    $SYS_getrandom, %eax            # unknown flag: -EINVAL
        leaq    rnd(%rip), %rdi
        movl    $16, %esi
        movl    $0x100, %edx
        syscall
        CHECK   -EINVAL
        movl    $SYS_getrandom, %eax            # NULL buffer: -EFAULT
        xorl    %edi, %edi
        movl    $16, %esi
        xorl    %edx, %edx
        syscall
        CHECK   -EFAULT
        movl    $SYS_getrandom, %eax            # zero bytes: 0
        leaq    rnd(%rip), %rdi
        xorl    %esi, %esi
        xorl    %edx, %edx
        syscall
        CHECK   0
        PRINT   random_ok, $random_ok_len

        xorl    %edi, %edi
        movl    $SYS_exit_group, %eax
        syscall
        FAIL_EXIT

        .section .rodata
fs_ok:  .ascii  "arch_prctl: FS base set, read back, used by a %fs: load\n"
        .set    fs_ok_len, . - fs_ok
prctl_ok: .ascii "prctl: no_new_privs 0, then 1\n"
        .set    prctl_ok_len, . - prctl_ok
sleep_ok: .ascii "nanosleep: bad timespecs refused, 1us slept\n"
        .set    sleep_ok_len, . - sleep_ok
clock_ok: .ascii "clock_gettime: monotonic\n"
        .set    clock_ok_len, . - clock_ok
random_ok: .ascii "getrandom: 16 bytes\n"
        .set    random_ok_len, . - random_ok
        .balign 8
ts_bad_nsec: .quad 0, 1000000000
ts_negative: .quad -1, 0
ts_short:    .quad 0, 1000

        .data
        .balign 8
tls:    .quad   0x1111111111111111, 0x2222222222222222
fsbase: .quad   0
ts_rem: .quad   0, 0
t1:     .quad   0, 0
t2:     .quad   0, 0
rnd:    .zero   16

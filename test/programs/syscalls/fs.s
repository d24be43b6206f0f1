# File syscalls and their error paths: read, write, open, openat, close, lseek, pread64, writev.
# Every result is checked in the program (CHECK: a mismatch exits with the check's number), and
# the test compares stdout, exit status and strace lines with the same program run on the host.

        .set SYS_read, 0
        .set SYS_write, 1
        .set SYS_open, 2
        .set SYS_close, 3
        .set SYS_lseek, 8
        .set SYS_pread64, 17
        .set SYS_writev, 20
        .set SYS_exit_group, 231
        .set SYS_openat, 257
        .set AT_FDCWD, -100
        .set O_RDONLY, 0
        .set O_WRONLY, 1
        .set EBADF, 9
        .set ENOENT, 2
        .set EFAULT, 14
        .set EINVAL, 22
        .set EISDIR, 21
        .set EACCES, 13

# CHECK value: the last syscall must have returned value; if not, exit with the check's number
        .include "check.inc"

        .text
        .globl _start
_start:
        xorl    %r15d, %r15d

        movl    $SYS_write, %eax                # write(1, "hello\n", 6) = 6
        movl    $1, %edi
        leaq    hello(%rip), %rsi
        movl    $6, %edx
        syscall
        CHECK   6

        movl    $SYS_write, %eax                # write(99, ...) = -EBADF
        movl    $99, %edi
        leaq    hello(%rip), %rsi
        movl    $6, %edx
        syscall
        CHECK   -EBADF

        movl    $SYS_read, %eax                 # read(-1, ...) = -EBADF
        movq    $-1, %rdi
        leaq    buf(%rip), %rsi
        movl    $4, %edx
        syscall
        CHECK   -EBADF

        movl    $SYS_write, %eax                # write(1, NULL, 5) = -EFAULT
        movl    $1, %edi
        xorl    %esi, %esi
        movl    $5, %edx
        syscall
        CHECK   -EFAULT

        movl    $SYS_openat, %eax               # openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -ENOENT
        movq    $AT_FDCWD, %rdi
        leaq    nonexistent(%rip), %rsi
        movl    $O_RDONLY, %edx
        xorl    %r10d, %r10d
        syscall
        CHECK   -ENOENT

        movl    $SYS_open, %eax                 # open(NULL, O_RDONLY) = -EFAULT
        xorl    %edi, %edi
        movl    $O_RDONLY, %esi
        syscall
        CHECK   -EFAULT

        movl    $SYS_open, %eax                 # open("/etc/hostname", O_WRONLY) = -EACCES (not root)
        leaq    hostname(%rip), %rdi
        movl    $O_WRONLY, %esi
        syscall
        CHECK   -EACCES

        movl    $SYS_open, %eax                 # open("/etc", O_WRONLY) = -EISDIR
        leaq    etc(%rip), %rdi
        movl    $O_WRONLY, %esi
        syscall
        CHECK   -EISDIR

        movl    $SYS_open, %eax                 # open("/etc", O_RDONLY) = 3; read(3) = -EISDIR
        leaq    etc(%rip), %rdi
        movl    $O_RDONLY, %esi
        syscall
        CHECK   3
        movl    $SYS_read, %eax
        movl    $3, %edi
        leaq    buf(%rip), %rsi
        movl    $4, %edx
        syscall
        CHECK   -EISDIR
        movl    $SYS_close, %eax
        movl    $3, %edi
        syscall
        CHECK   0

        movl    $SYS_openat, %eax               # openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3
        movq    $AT_FDCWD, %rdi
        leaq    hostname(%rip), %rsi
        movl    $O_RDONLY, %edx
        xorl    %r10d, %r10d
        syscall
        CHECK   3

        movl    $SYS_read, %eax                 # read(3, buf, 2) = 2
        movl    $3, %edi
        leaq    buf(%rip), %rsi
        movl    $2, %edx
        syscall
        CHECK   2

        movl    $SYS_lseek, %eax                # lseek(3, 0, SEEK_CUR) = 2
        movl    $3, %edi
        xorl    %esi, %esi
        movl    $1, %edx
        syscall
        CHECK   2

        movl    $SYS_lseek, %eax                # lseek(3, 0, 7) = -EINVAL (bad whence)
        movl    $3, %edi
        xorl    %esi, %esi
        movl    $7, %edx
        syscall
        CHECK   -EINVAL

        movl    $SYS_lseek, %eax                # lseek(3, -1, SEEK_SET) = -EINVAL
        movl    $3, %edi
        movq    $-1, %rsi
        xorl    %edx, %edx
        syscall
        CHECK   -EINVAL

        movl    $SYS_lseek, %eax                # lseek(3, 0, SEEK_SET) = 0
        movl    $3, %edi
        xorl    %esi, %esi
        xorl    %edx, %edx
        syscall
        CHECK   0

        movl    $SYS_read, %eax                 # read(3, NULL, 4) = -EFAULT
        movl    $3, %edi
        xorl    %esi, %esi
        movl    $4, %edx
        syscall
        CHECK   -EFAULT

        movl    $SYS_read, %eax                 # read(3, <kernel address>, 4) = -EFAULT
        movl    $3, %edi
        movabsq $0xffffffff81000000, %rsi
        movl    $4, %edx
        syscall
        CHECK   -EFAULT

        movl    $SYS_pread64, %eax              # pread64(3, buf, 2, 1) = 2
        movl    $3, %edi
        leaq    buf(%rip), %rsi
        movl    $2, %edx
        movl    $1, %r10d
        syscall
        CHECK   2

        movl    $SYS_pread64, %eax              # pread64(3, buf, 3, -1) = -EINVAL
        movl    $3, %edi
        leaq    buf(%rip), %rsi
        movl    $3, %edx
        movq    $-1, %r10
        syscall
        CHECK   -EINVAL

        movl    $SYS_lseek, %eax                # pread64 did not move the position: lseek(3, 0, SEEK_CUR) = 0
        movl    $3, %edi
        xorl    %esi, %esi
        movl    $1, %edx
        syscall
        CHECK   0

        movl    $SYS_close, %eax                # close(3) = 0, then close(3) = -EBADF
        movl    $3, %edi
        syscall
        CHECK   0
        movl    $SYS_close, %eax
        movl    $3, %edi
        syscall
        CHECK   -EBADF

        movl    $SYS_writev, %eax               # writev(1, iov, 2) = 13
        movl    $1, %edi
        leaq    iov(%rip), %rsi
        movl    $2, %edx
        syscall
        CHECK   13

        movl    $SYS_writev, %eax               # writev(1, iov, -1) = -EINVAL
        movl    $1, %edi
        leaq    iov(%rip), %rsi
        movq    $-1, %rdx
        syscall
        CHECK   -EINVAL

        movl    $SYS_writev, %eax               # writev(1, NULL, 1) = -EFAULT
        movl    $1, %edi
        xorl    %esi, %esi
        movl    $1, %edx
        syscall
        CHECK   -EFAULT

        movl    $SYS_writev, %eax               # writev(5, iov, 2) = -EBADF
        movl    $5, %edi
        leaq    iov(%rip), %rsi
        movl    $2, %edx
        syscall
        CHECK   -EBADF

        # ---- /dev/null, /dev/zero, and a file we create ----
        movl    $SYS_open, %eax                 # open("/dev/null", O_WRONLY) = 3
        leaq    devnull(%rip), %rdi
        movl    $O_WRONLY, %esi
        syscall
        CHECK   3
        movl    $SYS_write, %eax                # write(3, ..., 6) = 6, gone
        movl    $3, %edi
        leaq    hello(%rip), %rsi
        movl    $6, %edx
        syscall
        CHECK   6
        movl    $SYS_read, %eax                 # read(3, ...) on a write-only fd: -EBADF
        movl    $3, %edi
        leaq    buf(%rip), %rsi
        movl    $4, %edx
        syscall
        CHECK   -EBADF
        movl    $SYS_close, %eax
        movl    $3, %edi
        syscall
        CHECK   0
        movl    $SYS_open, %eax                 # open("/dev/zero", O_RDONLY) = 3
        leaq    devzero(%rip), %rdi
        movl    $O_RDONLY, %esi
        syscall
        CHECK   3
        movl    $SYS_read, %eax                 # read(3, buf, 4) = 4 zero bytes
        movl    $3, %edi
        leaq    buf(%rip), %rsi
        movl    $4, %edx
        syscall
        CHECK   4
        movl    $SYS_write, %eax                # write(3, ...) on a read-only fd: -EBADF
        movl    $3, %edi
        leaq    hello(%rip), %rsi
        movl    $6, %edx
        syscall
        CHECK   -EBADF
        movl    $SYS_close, %eax
        movl    $3, %edi
        syscall
        CHECK   0
        movl    $SYS_openat, %eax               # openat(AT_FDCWD, created, O_RDWR|O_CREAT|O_TRUNC, 0644) = 3
        movq    $AT_FDCWD, %rdi
        leaq    created(%rip), %rsi
        movl    $0x242, %edx
        movl    $0644, %r10d
        syscall
        CHECK   3
        movl    $SYS_write, %eax                # write(3, "hello\n", 6) = 6
        movl    $3, %edi
        leaq    hello(%rip), %rsi
        movl    $6, %edx
        syscall
        CHECK   6
        movl    $SYS_lseek, %eax                # lseek(3, 0, SEEK_END) = 6
        movl    $3, %edi
        xorl    %esi, %esi
        movl    $2, %edx
        syscall
        CHECK   6
        movl    $SYS_pread64, %eax              # pread64(3, buf, 16, 0) = 6: what we wrote
        movl    $3, %edi
        leaq    buf(%rip), %rsi
        movl    $16, %edx
        xorl    %r10d, %r10d
        syscall
        CHECK   6
        movl    $SYS_close, %eax
        movl    $3, %edi
        syscall
        CHECK   0

        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    done(%rip), %rsi
        movl    $done_len, %edx
        syscall
        xorl    %edi, %edi
        movl    $SYS_exit_group, %eax
        syscall
        FAIL_EXIT

        .section .rodata
hello:  .ascii  "hello\n"
nonexistent: .asciz "/nonexistent"
hostname: .asciz "/etc/hostname"
etc:    .asciz  "/etc"
devnull: .asciz "/dev/null"
devzero: .asciz "/dev/zero"
# the test runs the native program in this (world-writable) directory
created: .asciz "/tmp/ringstep-conformance/created.txt"
part1:  .ascii  "writev "
part2:  .ascii  "works\n"
done:   .ascii  "fs: all checks passed\n"
        .set    done_len, . - done

        .data
        .balign 8
iov:    .quad   part1, 7, part2, 6
buf:    .zero   16

# cat-hostname: what `cat /etc/hostname` asks of the kernel, and nothing else.
# The five system calls the article traces with strace:
#   openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3
#   read(3, "myhost\n", 262144)                 = 7
#   write(1, "myhost\n", 7)                     = 7
#   read(3, "", 262144)                         = 0
#   close(3)                                    = 0
# Set a breakpoint on the first `syscall` of read_loop and press F11 to follow it into the kernel.

        .set SYS_read, 0
        .set SYS_write, 1
        .set SYS_close, 3
        .set SYS_openat, 257
        .set SYS_exit_group, 231
        .set AT_FDCWD, -100
        .set O_RDONLY, 0
        .set BUFSIZE, 262144            # cat's buffer: 256 KiB, as in the article

        .text
        .globl _start
_start:
        call    main
        movl    %eax, %edi              # exit status
        movl    $SYS_exit_group, %eax
        syscall

main:
        # fd = openat(AT_FDCWD, "/etc/hostname", O_RDONLY)
        movl    $SYS_openat, %eax
        movq    $AT_FDCWD, %rdi
        leaq    path(%rip), %rsi
        movl    $O_RDONLY, %edx
        syscall
        testq   %rax, %rax
        js      fail
        movq    %rax, %r12              # keep the fd in a callee-saved register

read_loop:
        # n = read(fd, buf, BUFSIZE)
        movl    $SYS_read, %eax
        movq    %r12, %rdi
        leaq    buf(%rip), %rsi
        movl    $BUFSIZE, %edx
        syscall
        testq   %rax, %rax
        jle     done                    # 0 = end of file, negative = -errno

        # write(1, buf, n)
        movq    %rax, %rdx
        movl    $SYS_write, %eax
        movl    $1, %edi
        leaq    buf(%rip), %rsi
        syscall
        jmp     read_loop

done:
        # close(fd)
        movl    $SYS_close, %eax
        movq    %r12, %rdi
        syscall
        xorl    %eax, %eax              # exit status 0
        ret

fail:
        movl    $1, %eax
        ret

        .section .rodata
path:   .asciz  "/etc/hostname"

        .bss
        .balign 4096
buf:    .zero   BUFSIZE

# segfault: user code tries to read kernel memory. The page is mapped only for the kernel
# (U/S = 0 in its page-table entry), so the CPU raises #PF with error code 0x5 (present, read,
# user); the kernel's exc_page_fault turns it into SIGSEGV, and the default action kills the
# process: the shell would say "Segmentation fault" and $? = 139.

        .text
        .globl _start
_start:
        movabsq $0xffffffff81000000, %rbx   # where the kernel's text lives
        movq    (%rbx), %rax                # #PF from ring 3 -> SIGSEGV
        movl    $231, %eax                  # never reached
        xorl    %edi, %edi
        syscall

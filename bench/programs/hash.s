# bench: FNV-1a 64-bit over a 4 KiB buffer, repeated ITER times.
        .text
        .globl _start
_start:
        movl    $ITER, %r15d
        movabsq $0xcbf29ce484222325, %rax   # offset basis
        movabsq $0x100000001b3, %r8         # FNV prime
again:  leaq    buf(%rip), %rsi
        movl    $4096, %ecx
1:      movzbl  (%rsi), %edx
        xorq    %rdx, %rax
        imulq   %r8, %rax
        incq    %rsi
        decl    %ecx
        jnz     1b
        decl    %r15d
        jnz     again
        movl    %eax, %edi
        andl    $0x7f, %edi
        movl    $231, %eax
        syscall
        .data
buf:    .fill   4096, 1, 0x5a

# bench: insertion sort of 512 pseudo-random 64-bit keys, repeated ITER times.
        .set COUNT, 512
        .text
        .globl _start
_start:
        movl    $ITER, %r15d
again:  leaq    keys(%rip), %rdi            # fill with a linear congruential sequence
        movl    $COUNT, %ecx
        movl    $12345, %eax
1:      imull   $1103515245, %eax, %eax
        addl    $12345, %eax
        movq    %rax, (%rdi)
        addq    $8, %rdi
        decl    %ecx
        jnz     1b
        leaq    keys(%rip), %rsi
        movl    $1, %ecx                    # i
outer:  cmpl    $COUNT, %ecx
        jge     sorted
        movq    (%rsi,%rcx,8), %rax         # key
        movl    %ecx, %edx                  # j
inner:  testl   %edx, %edx
        jz      place
        movq    -8(%rsi,%rdx,8), %rbx
        cmpq    %rax, %rbx
        jbe     place
        movq    %rbx, (%rsi,%rdx,8)
        decl    %edx
        jmp     inner
place:  movq    %rax, (%rsi,%rdx,8)
        incl    %ecx
        jmp     outer
sorted: decl    %r15d
        jnz     again
        movl    $231, %eax
        xorl    %edi, %edi
        syscall
        .bss
keys:   .zero   COUNT * 8

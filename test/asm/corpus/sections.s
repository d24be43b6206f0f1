# sections, push/pop, previous, symbol types and sizes, alignment with NOPs
    .text
    .globl _start
    .type _start, @function
_start:
    lea table(%rip), %rax
    mov counter(%rip), %rbx
    movq $buf, %rcx
    mov $table_end - table, %edx
    .p2align 4
    nop
    .align 32
    int3
    .balign 8, 0xcc
    ret
    .size _start, . - _start
    .section .rodata, "a"
    .p2align 3
table: .quad _start, gfn, buf
table_end:
    .pushsection .data, "aw"
counter: .quad 5
    .popsection
    .quad counter
    .bss
    .balign 64
buf: .skip 256
    .text
    .type gfn, @function
gfn:
    push %rbp
    mov %rsp, %rbp
    pop %rbp
    ret
    .size gfn, . - gfn
    .section .data
    .long 1
    .previous
    xor %eax, %eax
    .section .mydata, "aw", @progbits
    .quad 0x1122
    .section .entry.text, "ax"
    .balign 4096
entry_fn:
    swapgs
    sysretq
    .pushsection .cpu_entry_area, "aw"
    .balign 4096
cea: .quad entry_fn
    .popsection

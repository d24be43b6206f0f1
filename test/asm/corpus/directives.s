# the directives not covered by the other corpus files: symbol binding, .include, .org and `. =`,
# .comm/.lcomm, debug-info directives (accepted, no bytes in the sections compared), .err/.error
# under a false condition, .warning, .ifnes, blank-separated macro arguments, syntax switching
    .file "directives.s"
    .include "defs.inc"
    .global _start
    .globl gfunc
    .weak wsym
    .local lsym
    .text
    .type _start, @function
_start:
    .file 1 "directives.s"
    .loc 1 14 0
    .cfi_sections .debug_frame
    .cfi_startproc
    .cfi_def_cfa_offset 16
    .cfi_offset %rbp, -16
    push %rbp
    .cfi_adjust_cfa_offset 8
    call gfunc
    call wsym
    lea lsym(%rip), %rax
    pop %rbp
    ret
    .cfi_endproc
    .size _start, . - _start
    .org 0x20
gfunc:
    nop
    .org gfunc + 8, 0xcc
    ret
    . = 0x40
wsym:
    int3
    . = . + 3
    hlt
    .intel_syntax noprefix
    mov eax, DWORD PTR [rip + lsym]
    lea rsi, [rip + msg]
    add QWORD PTR [rsp + 8], 0x10
    mov BYTE PTR [rax + rcx*2 - 4], 0x7f
    jmp wsym
    .att_syntax prefix
    movl $1, (%rax)
    .att_syntax
    jmp gfunc

    .macro pair a b
    .byte \a, \b
    .endm
    .macro triple a, b c=9
    .byte \a, \b, \c
    .endm

    .data
lsym: .long 0x11223344
msg: .ascii "msg"
    .type msg, @object
    .size msg, 3
    from_include 1
    .long INC_VALUE
    pair 1 2
    pair 1 + 2, 3
    pair 1 +2 3
    pair 8 / 2 1
    pair 1 ! 2 3
    triple 1 2
    triple 1 2 3
    triple 4, 5 6
    triple a=7 c=8 b=9
    .org 0x40, 0xaa
    .byte 0xbb
    . = . + 2
    .byte 0xdd
    .if 0
    .err
    .error "not reached"
    .endif
    .warning "directives.s: expected warning"
    .ifnes "a", "b"
    .byte 0x5a
    .endif
    .ifnes "a", "a"
    .byte 0x00
    .endif
    .comm common_buf, 64, 16
    .lcomm local_buf, 32
    .lcomm local_small, 3
    .section .rsconst, "aM", @progbits, 8
    .quad 0x0102030405060708
    .section .rsnote, "a", @note
    .long 4, 0, 1
    .ascii "rs\0\0"
    .section .tbl, "a"
    .quad common_buf, local_buf, wsym
    .bss
    .skip 8

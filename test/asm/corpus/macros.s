# macros, conditionals, repetition
    .macro sum from=0, to=5
    .long \from
    .if \to-\from
    sum "(\from+1)",\to
    .endif
    .endm

    .macro pushall r:vararg
    .irp reg, \r
    push %\reg
    .endr
    .endm

    .macro lbl name, val
\name\()_label: .byte \val
    .endm

    .macro uniq
    jmp .Lu\@
    nop
.Lu\@:
    .endm

    .macro early n
    .byte \n
    .if \n > 2
    .exitm
    .endif
    .byte 0xee
    .endm

    .macro kw a, b=7, c
    .byte \a, \b, \c
    .endm

    .text
    .globl _start
_start:
    pushall rax, rbx, r12
    uniq
    uniq
    .rept 3
    nop
    .endr
    .irpc c, 123
    mov $\c, %eax
    .endr
    .irp n, 1, 2, 3
    .ifeq \n - 2
    add $\n, %rax
    .else
    sub $\n, %rcx
    .endif
    .endr
    ret

    .data
    sum 0, 5
    lbl first, 3
    lbl second, 4
    early 1
    early 5
    kw 1, c=3
    kw a=4, c=5, b=6
    .ifdef first_label
    .byte 0x11
    .endif
    .ifndef nothere
    .byte 0x22
    .endif
    .ifc abc, abc
    .byte 0x33
    .endif
    .ifnc abc, abd
    .byte 0x44
    .endif
    .ifb
    .byte 0x55
    .endif
    .ifnb x
    .byte 0x66
    .endif
    .ifeqs "a", "a"
    .byte 0x77
    .endif
    .if 0
    .byte 0x01
    .elseif 1
    .byte 0x88
    .else
    .byte 0x02
    .endif
    .if 1
    .if 0
    .byte 0x03
    .else
    .byte 0x99
    .endif
    .endif
    .ifgt 1
    .byte 0xa1
    .endif
    .iflt -1
    .byte 0xa2
    .endif
    .ifge 0
    .byte 0xa3
    .endif
    .ifle 0
    .byte 0xa4
    .endif
    .ifne 3
    .byte 0xa5
    .endif

.globl _start
.text
_start:
  mov $0, %eax; mov $0, %edi; mov $0xffff800000000000, %rsi; mov $8, %edx; syscall
  mov $1, %eax; mov $1, %edi; lea s1(%rip), %rsi; mov $s1len, %edx; syscall
  mov $1, %eax; mov $1, %edi; lea s2(%rip), %rsi; mov $40, %edx; syscall
  mov $1, %eax; mov $1, %edi; mov $0, %esi; mov $5, %edx; syscall
  mov $1, %eax; mov $1, %edi; mov $0x10, %esi; mov $5, %edx; syscall
  mov $257, %eax; mov $5, %rdi; lea lpath(%rip), %rsi; mov $0x80800, %edx; syscall
  mov $257, %eax; mov $-100, %rdi; mov $0x20, %rsi; mov $0x10000, %edx; syscall
  mov $0, %eax; mov $0, %edi; mov $0, %esi; mov $0, %edx; syscall
  mov $60, %eax; mov $0xffffffff, %edx; mov 0x1234, %rax
.data
s1: .byte 1, 0x31, 0, 0x38, 0x37, 9, 0xc3, 0xa9, 0x22, 0x5c, 0x20, 0x7e; s1len = . - s1
s2: .ascii "\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037\040\041\042"
lpath: .asciz "/this/is/a/very/long/path/name/that/exceeds/thirty-two/bytes/for/sure.txt"

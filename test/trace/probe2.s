.globl _start, after_getuid
.text
_start:
  mov $13, %eax; mov $10,%edi; lea sa(%rip),%rsi; xor %edx,%edx; mov $8,%r10d; syscall
  mov $39, %eax; syscall
  mov %rax, %rdi; mov $62, %eax; mov $10, %esi; syscall
  mov $186, %eax; syscall
  mov %rax, %rsi; mov %rax, %rdi; mov $234, %eax; mov $10, %edx; syscall
  mov $157, %eax; mov $38,%edi; mov $1,%esi; xor %edx,%edx; xor %r10d,%r10d; xor %r8d,%r8d; syscall
  mov $317, %eax; mov $1,%edi; xor %esi,%esi; lea prog(%rip),%rdx; syscall
  mov $39, %eax; syscall
  mov $102, %eax; syscall
after_getuid:
  mov $104, %eax; syscall
  mov $0, %eax; mov $0, %edi; mov $0xffff800000000000, %rsi; mov $8, %edx; syscall
  mov 0, %rax
handler:
  ret
restorer:
  mov $15, %eax; syscall
.data
.balign 8
sa: .quad handler, 0x04000000, restorer, 0
filt:
 .short 0x20; .byte 0,0; .long 4
 .short 0x15; .byte 1,0; .long 0xC000003E
 .short 0x06; .byte 0,0; .long 0x80000000
 .short 0x20; .byte 0,0; .long 0
 .short 0x15; .byte 0,1; .long 39
 .short 0x06; .byte 0,0; .long 0x00050001
 .short 0x15; .byte 0,1; .long 102
 .short 0x06; .byte 0,0; .long 0x00030007
 .short 0x06; .byte 0,0; .long 0x7FFF0000
.balign 8
prog: .short 9; .short 0,0,0; .quad filt

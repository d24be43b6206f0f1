# go-syscall6: how a Go program's os.(*File).Write reaches the SYSCALL instruction.
# Go passes integer arguments in RAX, RBX, RCX, RDI, RSI, R8, R9 (its ABIInternal), while the
# kernel wants the number in RAX and arguments in RDI, RSI, RDX, R10, R8, R9. The stub at the
# bottom, named after Go's internal/runtime/syscall.Syscall6, does the shuffle, issues SYSCALL,
# and turns a -errno result into (r1 = -1, errno) with one unsigned compare against -4095.
# (Go's real symbols contain characters GNU as does not allow unquoted, so `os.(*File).Write`
# is spelled `os.File.Write` here.)

        .set SYS_write, 1
        .set SYS_exit_group, 231

        .text
        .globl _start
_start:
        call    main.main
        movq    %rax, %rdi              # exit status
        movl    $SYS_exit_group, %eax
        syscall

# func main() { n, err := os.Stdout.Write(msg); if err != nil { exit(1) }; exit(0) }
main.main:
        movl    $1, %eax                # f  = os.Stdout (its fd stands in for *File)
        leaq    msg(%rip), %rbx         # b.ptr
        movl    $msg_len, %ecx          # b.len
        call    os.File.Write
        testq   %rbx, %rbx              # err (errno) in RBX on return
        jnz     1f
        xorl    %eax, %eax
        ret
1:      movl    $1, %eax
        ret

# func (f *File) Write(b []byte) (n int, err error)  -- RAX=f, RBX=ptr, RCX=len
os.File.Write:
        call    poll.FD.Write
        ret

# func (fd *FD) Write(p []byte) (int, error)
poll.FD.Write:
        call    syscall.Write
        ret

# func Write(fd int, p []byte) (n int, err error)
syscall.Write:
        # syscall.Syscall(SYS_WRITE, fd, ptr, len): shift the arguments one register to the right
        movq    %rcx, %rdi              # a3 = len
        movq    %rbx, %rcx              # a2 = ptr
        movq    %rax, %rbx              # a1 = fd
        movl    $SYS_write, %eax        # num
        xorl    %esi, %esi              # a4..a6 = 0
        xorl    %r8d, %r8d
        xorl    %r9d, %r9d
        call    internal.runtime.syscall.Syscall6
        # results: RAX = r1, RBX = r2, RCX = errno; return (n, errno) as (RAX, RBX)
        movq    %rcx, %rbx
        ret

# func Syscall6(num, a1, a2, a3, a4, a5, a6 uintptr) (r1, r2, errno uintptr)
internal.runtime.syscall.Syscall6:
        movq    %rsi, %r10              # a4 -> 4th kernel argument
        movq    %rdi, %rdx              # a3 -> 3rd
        movq    %rcx, %rsi              # a2 -> 2nd
        movq    %rbx, %rdi              # a1 -> 1st
        syscall
        cmpq    $0xfffffffffffff001, %rax   # unsigned: -4095 .. -1 means failure
        jbe     ok
        negq    %rax
        movq    %rax, %rcx              # errno
        movq    $-1, %rax               # r1 = -1
        xorl    %ebx, %ebx              # r2 = 0
        ret
ok:
        movq    %rdx, %rbx              # r2
        xorl    %ecx, %ecx              # errno = 0
        ret

        .section .rodata
msg:    .ascii  "hello from Go's Syscall6\n"
        .set    msg_len, . - msg

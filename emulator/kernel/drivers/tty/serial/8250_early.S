# drivers/tty/serial/8250/8250_early.c -- writing bytes to a serial port.
# On a PC each `outb` to a UART's data register sends one character. The machine turns COM1 and
# COM2 into the guest's stdout and stderr, and COM3 into the kernel log.

.include "include/linux/linkage.h"

	.text
# void serial_write(unsigned short port, const char *buf, size_t len)
# buf is kernel memory. Clobbers rax, rcx, rdx, rsi.
SYM_FUNC_START serial_write
	movq	%rdx, %rcx			# count
	movl	%edi, %edx			# dx = port
	testq	%rcx, %rcx
	jz	.Lserial_done
.Lserial_next:
	movb	(%rsi), %al
	outb	%al, %dx
	incq	%rsi
	decq	%rcx
	jnz	.Lserial_next
.Lserial_done:
	ret
SYM_FUNC_END serial_write

# The RINGSTEP machine's I/O ports (emulator/machine/BOOT.md). Linux has no such file: on a PC the
# console is an 8250 UART (drivers/tty/serial/8250) and the others are ours.

.equ COM1_PORT,			0x3f8	# fd 1 (stdout) bytes
.equ COM2_PORT,			0x2f8	# fd 2 (stderr) bytes
.equ COM3_PORT,			0x3e8	# kernel log (printk)
.equ RINGSTEP_EXIT_PORT,	0x501	# out dword: the task's wait status; the machine stops
.equ RINGSTEP_PTRACE_PORT,	0x502	# out byte: a ptrace stop for the tracer; RDI = pt_regs
.equ RINGSTEP_PANIC_PORT,	0x505	# out byte: oops/panic text is complete; the machine stops

# Values of AL for a ptrace report
.equ PTRACE_REPORT_SYSCALL_ENTRY, 0
.equ PTRACE_REPORT_SYSCALL_EXIT, 1
.equ PTRACE_REPORT_SIGNAL,	2	# RSI -> siginfo
.equ PTRACE_REPORT_SECCOMP,	3

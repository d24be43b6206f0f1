# include/uapi/asm-generic/errno-base.h, errno.h and include/linux/errno.h -- error numbers.
#
# A system call reports an error by returning -errno in RAX: a value in [-4095, -1], which is
# unsigned >= 0xfffffffffffff001. libc turns it into `errno` and returns -1.

.equ EPERM,		1	# Operation not permitted
.equ ENOENT,		2	# No such file or directory
.equ ESRCH,		3	# No such process
.equ EINTR,		4	# Interrupted system call
.equ EIO,		5	# I/O error
.equ ENXIO,		6	# No such device or address
.equ E2BIG,		7	# Argument list too long
.equ ENOEXEC,		8	# Exec format error
.equ EBADF,		9	# Bad file number
.equ ECHILD,		10	# No child processes
.equ EAGAIN,		11	# Try again
.equ ENOMEM,		12	# Out of memory
.equ EACCES,		13	# Permission denied
.equ EFAULT,		14	# Bad address
.equ EBUSY,		16	# Device or resource busy
.equ EEXIST,		17	# File exists
.equ ENODEV,		19	# No such device
.equ ENOTDIR,		20	# Not a directory
.equ EISDIR,		21	# Is a directory
.equ EINVAL,		22	# Invalid argument
.equ ENFILE,		23	# File table overflow
.equ EMFILE,		24	# Too many open files
.equ ENOTTY,		25	# Not a typewriter
.equ EFBIG,		27	# File too large
.equ ENOSPC,		28	# No space left on device
.equ ESPIPE,		29	# Illegal seek
.equ EROFS,		30	# Read-only file system
.equ EPIPE,		32	# Broken pipe
.equ ERANGE,		34	# Math result not representable
.equ ENAMETOOLONG,	36	# File name too long
.equ ENOSYS,		38	# Invalid system call number
.equ EOVERFLOW,		75	# Value too large for defined data type
.equ EOPNOTSUPP,	95	# Operation not supported on transport endpoint

# Largest errno a syscall may return; IS_ERR_VALUE(x) is (unsigned long)x >= -MAX_ERRNO.
.equ MAX_ERRNO,		4095

# Kernel-internal "restart the syscall" codes (include/linux/errno.h). User space never sees them:
# signal delivery turns them into -EINTR or into a restart (ip -= 2).
.equ ERESTARTSYS,		512
.equ ERESTARTNOINTR,		513
.equ ERESTARTNOHAND,		514
.equ ERESTART_RESTARTBLOCK,	516

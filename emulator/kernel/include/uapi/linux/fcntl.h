# include/uapi/asm-generic/fcntl.h, include/uapi/linux/fcntl.h, include/uapi/linux/fs.h
# -- open flags, *at() conventions, lseek whence values. (x86 has no overrides; values octal.)

.equ O_ACCMODE,		00000003
.equ O_RDONLY,		00000000
.equ O_WRONLY,		00000001
.equ O_RDWR,		00000002
.equ O_CREAT,		00000100	# 0x40
.equ O_EXCL,		00000200	# 0x80
.equ O_NOCTTY,		00000400
.equ O_TRUNC,		00001000	# 0x200
.equ O_APPEND,		00002000	# 0x400
.equ O_NONBLOCK,	00004000
.equ O_LARGEFILE,	00100000
.equ O_DIRECTORY,	00200000	# 0x10000
.equ O_NOFOLLOW,	00400000
.equ O_CLOEXEC,		02000000	# 0x80000

.equ AT_FDCWD,		-100		# "relative to the current directory"
.equ AT_SYMLINK_NOFOLLOW, 0x100
.equ AT_REMOVEDIR,	0x200
.equ AT_EMPTY_PATH,	0x1000

.equ SEEK_SET,		0
.equ SEEK_CUR,		1
.equ SEEK_END,		2

.equ PATH_MAX,		4096		# including the terminating NUL
.equ UIO_MAXIOV,	1024		# most iovecs writev accepts

# include/linux/fs.h, include/linux/fdtable.h -- files, inodes and the fd table.
#
# An open file (struct file) is what an fd number points at: which object (inode), how it may be
# used (f_mode), where the next read/write happens (f_pos) and which functions implement it
# (f_op). The fd table (files_struct) is an array of struct file pointers indexed by fd.

# struct file
.equ FILE_f_op,		0	# const struct file_operations *
.equ FILE_f_inode,	8	# struct inode *
.equ FILE_f_pos,	16	# loff_t: current position
.equ FILE_f_flags,	24	# the O_* flags given to open
.equ FILE_f_mode,	32	# FMODE_* bits
.equ FILE_f_count,	40	# references (0 = free slot)
.equ FILE_SIZE,		48

# struct file_operations (function pointers; 0 = not supported)
.equ FOP_read,		0	# ssize_t read(struct file *, char __user *, size_t, loff_t *)
.equ FOP_write,		8	# ssize_t write(struct file *, const char __user *, size_t, loff_t *)
.equ FOP_llseek,	16	# loff_t llseek(struct file *, loff_t offset, int whence)
.equ FOP_SIZE,		24

# struct inode (one per name in the in-memory file system)
.equ INODE_i_mode,	0	# S_IF* type | permission bits
.equ INODE_i_fop,	8	# default file_operations for files opened on it
.equ INODE_i_name,	16	# pointer to the full path bytes (not NUL-terminated)
.equ INODE_i_namelen,	24
.equ INODE_i_data,	32	# pointer to the contents (direct-map or kernel address)
.equ INODE_i_size,	40	# bytes of content
.equ INODE_i_capacity,	48	# bytes the data buffer can hold (created files)
.equ INODE_i_uid,	56	# owner: 0 (root) for the machine's files, the task's uid if created
.equ INODE_SIZE,	64

# f_mode bits
.equ FMODE_READ,	1 << 0
.equ FMODE_WRITE,	1 << 1
.equ FMODE_LSEEK,	1 << 2
.equ FMODE_PREAD,	1 << 3
.equ FMODE_PWRITE,	1 << 4
.equ FMODE_CAN_READ,	1 << 17
.equ FMODE_CAN_WRITE,	1 << 18

# i_mode types (include/uapi/linux/stat.h)
.equ S_IFMT,		0170000
.equ S_IFREG,		0100000
.equ S_IFDIR,		0040000
.equ S_IFCHR,		0020000

# MAX_RW_COUNT: the most a single read/write moves: INT_MAX rounded down to a page.
.equ MAX_RW_COUNT,	0x7ffff000

# The fd table: NR_OPEN_DEFAULT slots (Linux grows it; ours is fixed).
.equ NR_OPEN_DEFAULT,	64

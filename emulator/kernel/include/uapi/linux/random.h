# include/uapi/linux/random.h -- getrandom(2) flags.

.equ GRND_NONBLOCK,	1
.equ GRND_RANDOM,	2
.equ GRND_INSECURE,	4

# include/uapi/linux/time.h, include/vdso/time64.h -- clock ids and time units.

.equ CLOCK_REALTIME,		0
.equ CLOCK_MONOTONIC,		1
.equ CLOCK_MONOTONIC_RAW,	4
.equ CLOCK_REALTIME_COARSE,	5
.equ CLOCK_MONOTONIC_COARSE,	6
.equ CLOCK_BOOTTIME,		7

.equ NSEC_PER_SEC,		1000000000

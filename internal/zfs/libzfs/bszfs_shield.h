/*
 * bszfs_shield: every function the Go side calls blocks signals on its thread
 * for as long as it runs, and restores the thread's mask on every return.
 *
 * OpenZFS ends ZFS_IOC_SNAPSHOT_LIST_NEXT with EINTR when a signal is
 * pending on the calling thread (module/zfs/zfs_ioctl.c,
 * zfs_ioc_snapshot_list_next: issig() in its loop), and libzfs reports that
 * as "signal received" (EZFS_INTR); zfs diff fails the same way. Go's
 * runtime sends SIGURG to its threads to preempt goroutines. Every call is
 * shielded, not only those two: which ioctls look for signals is the
 * kernel module's choice and may change with its version. A blocked signal is not
 * pending for the kernel's signal_pending(), so it cannot end an ioctl; it
 * stays queued and is delivered when the mask is restored, still inside this
 * C call. Threads libzfs starts meanwhile (zfs_show_diffs's differ thread)
 * inherit the blocked mask. Why blocking rather than retrying EINTR:
 * docs/libzfs-abi.md, "Signals".
 *
 * The synchronous fault signals stay unblocked: a fault with its signal
 * blocked makes the kernel kill the process without Go's crash report.
 */
#ifndef BSZFS_SHIELD_H
#define BSZFS_SHIELD_H

#include <signal.h>

typedef struct bs_shield {
	sigset_t old;
	int ok;
} bs_shield_t;

bs_shield_t bs_shield_begin(void);
void bs_shield_end(bs_shield_t *s);

/*
 * BS_SHIELD(); is the first statement of every function the Go side calls
 * (shield_test.go checks it): the cleanup attribute restores the mask
 * whichever way the function returns, and keeps errno as the call left it.
 */
#define BS_SHIELD() \
	bs_shield_t bs_shield_ __attribute__((cleanup(bs_shield_end))) = bs_shield_begin()

#endif

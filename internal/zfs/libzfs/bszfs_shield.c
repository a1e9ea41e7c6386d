#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "bszfs_shield.h"

bs_shield_t bs_shield_begin(void)
{
	bs_shield_t s;
	sigset_t all;
	int saved = errno;

	sigfillset(&all);
	/* Raised by a fault in this thread: blocking them would hide the crash. */
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGSYS);
	/* glibc leaves its own SIGCANCEL and SIGSETXID unblocked whatever the set. */
	s.ok = pthread_sigmask(SIG_BLOCK, &all, &s.old) == 0;
	errno = saved;
	return s;
}

void bs_shield_end(bs_shield_t *s)
{
	int saved = errno;

	if (s->ok)
		pthread_sigmask(SIG_SETMASK, &s->old, NULL);
	errno = saved;
}

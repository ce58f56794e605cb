/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * journald MESSAGE_IDs of epermd. Each one was generated once with `journalctl --new-id128`;
 * never edit or reuse one. Every ID here has an entry in systemd/epermd.catalog (keep both in
 * step) and is listed in docs/journal.md.
 */
#ifndef EPERMD_MSGIDS_H
#define EPERMD_MSGIDS_H

#include "denial.h"

/* One per cause: a diagnosis (OUT_NEW) and its storm summaries (OUT_SUMMARY) share the ID;
 * EPERM_TYPE tells them apart. */
#define EP_MSGID_UNKNOWN    "9ab7da26d0a9465f9bbbb328a1966090"
#define EP_MSGID_CAPABILITY "d00f3c5e3cc0408e9b76be6933286664"
#define EP_MSGID_USERNS	    "09cd917608bb4b9ca7ab51a9f57c684d"
#define EP_MSGID_DAC	    "55861ab55223468883022d2d66cd5283"
#define EP_MSGID_IMMUTABLE  "050ec4acf8394906a8e3e578f023e14f"
#define EP_MSGID_MOUNT	    "4c1d68f5a7e1476bb40e29053d88c211"
#define EP_MSGID_SECCOMP    "16488e53998744e8bf2da5139db7e376"
#define EP_MSGID_LSM	    "0d0e3510b7b94e3aac3d0d4ee497f3b7"
#define EP_MSGID_FANOTIFY   "cd845ef4e5d34a519831691bb30b1fca"
#define EP_MSGID_SYSCTL	    "878352ec9b494415928abacd79915dc8"
#define EP_MSGID_CGROUP	    "9b6bee8f115d4a2d9bab1d1c963d14b5"
#define EP_MSGID_MDWE	    "e8700026472a430c88b429e5f5610980"
#define EP_MSGID_UNIT	    "bf3db25db0604111959573539f80a8b9" /* any cause: a unit directive */

/* Daemon records. LOSS and HEALTH are alarms: PRIORITY=4 (WARNING) or higher. */
#define EP_MSGID_LOSS	    "cef1425855f942cea43e79c310afad00" /* records lost, by reason */
#define EP_MSGID_HEALTH	    "ee19ad152f2548839c063f069d6afec8" /* degraded: hook off, stall */
#define EP_MSGID_STATS	    "5ed47ecbfc3a4830bd8ff939fe2fe7f7" /* periodic counters */
#define EP_MSGID_START	    "c84f7c9199be4e9fafaef5c8d07bc7a8" /* attached and tracing */
#define EP_MSGID_STOP	    "78d6030a9adc4326b30d71c8af3bbe89" /* detached; final counters */
#define EP_MSGID_SUPPRESSED "455adb6c5f694fb8b0e748bcdd278174" /* journald dropped our lines */
#define EP_MSGID_GAP	    "80c66ed3a7ef4543bb5bda69f6054826" /* tracing gap across a restart */
#define EP_MSGID_RELOAD	    "785d58d8588b42e2b31e15f47215f8a9" /* SIGHUP: config reloaded or not */

static inline const char *msgid_for_cause(enum ep_cause c)
{
	static const char *const ids[EP_CAUSE__MAX] = {
	    [EP_CAUSE_UNKNOWN] = EP_MSGID_UNKNOWN,     [EP_CAUSE_CAPABILITY] = EP_MSGID_CAPABILITY,
	    [EP_CAUSE_USERNS] = EP_MSGID_USERNS,       [EP_CAUSE_DAC] = EP_MSGID_DAC,
	    [EP_CAUSE_IMMUTABLE] = EP_MSGID_IMMUTABLE, [EP_CAUSE_MOUNT] = EP_MSGID_MOUNT,
	    [EP_CAUSE_SECCOMP] = EP_MSGID_SECCOMP,     [EP_CAUSE_LSM] = EP_MSGID_LSM,
	    [EP_CAUSE_FANOTIFY] = EP_MSGID_FANOTIFY,   [EP_CAUSE_SYSCTL] = EP_MSGID_SYSCTL,
	    [EP_CAUSE_CGROUP] = EP_MSGID_CGROUP,       [EP_CAUSE_MDWE] = EP_MSGID_MDWE,
	};

	if ((unsigned)c >= EP_CAUSE__MAX)
		return EP_MSGID_UNKNOWN;
	return ids[c];
}

/* the unit's directive first: an operator looks for "what in my unit" across causes */
static inline const char *msgid_for_denial(const struct denial *d)
{
	return d->unit_directive[0] ? EP_MSGID_UNIT : msgid_for_cause(d->cause);
}

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The guest's CPU topology and pinning, planned from the host's (domain.md §10). Physical
 * cores are the host's thread_siblings_list groups, read, never assumed (siblings may be
 * numbered N/N+cores or 2k/2k+1). The guest mirrors the host: the same threads per core,
 * one guest socket per host socket used, and each guest sibling pair pinned to one host
 * sibling pair. By default the host keeps one core (both threads) per socket, the one
 * with its lowest-numbered CPU (CPU 0's core on the first socket: where IRQs and
 * housekeeping run), and QEMU's emulator threads are pinned there.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "host.h"

enum {
	VK_PIN_ALL_CORES = 1u << 0, /* give the guest every core, the host's too */
};

struct vk_pin_plan {
	unsigned sockets, cores, threads; /* guest topology, cores per socket */
	unsigned n_vcpus;                 /* sockets * cores * threads */
	unsigned *vcpu_cpu;               /* host CPU of each vCPU */
	unsigned *host_cpus;              /* CPUs the host keeps (emulatorpin); sorted */
	size_t n_host_cpus;
	unsigned max_vcpus;               /* the most vCPUs this host can give (set on -E2BIG too) */
	unsigned skipped_cores;           /* cores with fewer threads than the others (hybrid CPUs) */
	bool all_cores_fallback;          /* a socket has a single core: nothing could be kept */
};

/*
 * Plans @want vCPUs (0: every core the host does not keep). Returns 0, or:
 *   -ENODATA  the topology is unknown (no /sys/devices/system/cpu)
 *   -EINVAL   @want is not a whole number of cores (a multiple of the threads per core)
 *   -E2BIG    more vCPUs than available (plan->max_vcpus says how many are)
 *   -EDOM     the cores needed span sockets and cannot be split evenly between them
 */
int vk_pin_plan_make(const struct vk_cpu *cpu, unsigned want, unsigned flags, struct vk_pin_plan *ret);
void vk_pin_plan_clear(struct vk_pin_plan *p);

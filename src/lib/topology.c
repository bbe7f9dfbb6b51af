/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Guest CPU topology and pinning from the host's; see topology.h. */
#include "topology.h"
#include "util.h"

struct core {
	int package;
	unsigned *cpus; /* sorted, online only */
	size_t n;
	bool host;      /* kept by the host */
};

void vk_pin_plan_clear(struct vk_pin_plan *p)
{
	free(p->vcpu_cpu);
	free(p->host_cpus);
	*p = (struct vk_pin_plan){0};
}

static bool online(const struct vk_cpu *cpu, unsigned id)
{
	for (unsigned i = 0; i < cpu->logical; i++)
		if (cpu->ids[i] == id)
			return true;
	return false;
}

static int cmp_core(const void *a, const void *b)
{
	const struct core *x = a, *y = b;

	if (x->package != y->package)
		return x->package < y->package ? -1 : 1;
	return x->cpus[0] < y->cpus[0] ? -1 : x->cpus[0] > y->cpus[0];
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static void free_cores(struct core *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		free(c[i].cpus);
	free(c);
}

/* One entry per physical core: the distinct thread_siblings_list sets. */
static int collect_cores(const struct vk_cpu *cpu, struct core **ret, size_t *n_ret)
{
	struct core *c = NULL;
	size_t n = 0;

	for (unsigned i = 0; i < cpu->logical; i++) {
		_cleanup_free_ unsigned *sib = NULL;
		size_t ns = 0, k = 0;
		bool seen = false;
		struct core *nc;

		if (!cpu->siblings || !cpu->siblings[i] || parse_cpulist(cpu->siblings[i], &sib, &ns) < 0 || ns == 0) {
			free(sib);
			sib = malloc(sizeof(unsigned));
			if (!sib)
				goto oom;
			sib[0] = cpu->ids[i];
			ns = 1;
		}
		/* Offline siblings are not there to pin to. */
		for (size_t j = 0; j < ns; j++)
			if (online(cpu, sib[j]))
				sib[k++] = sib[j];
		if (k == 0)
			continue;
		for (size_t j = 0; j < n && !seen; j++)
			seen = c[j].cpus[0] == sib[0];
		if (seen)
			continue;
		nc = realloc(c, (n + 1) * sizeof(*c));
		if (!nc)
			goto oom;
		c = nc;
		c[n++] = (struct core){ .package = cpu->package && cpu->package[i] >= 0 ? cpu->package[i] : 0,
					.cpus = TAKE_PTR(sib), .n = k };
	}
	if (n > 1)
		qsort(c, n, sizeof(*c), cmp_core);
	*ret = c;
	*n_ret = n;
	return 0;
oom:
	free_cores(c, n);
	return -ENOMEM;
}

int vk_pin_plan_make(const struct vk_cpu *cpu, unsigned want, unsigned flags, struct vk_pin_plan *ret)
{
	struct core *cores = NULL;
	size_t n_cores = 0, n_pkgs = 0, total_free = 0, max_free = 0;
	struct vk_pin_plan p = {0};
	int pkgs[256];
	size_t free_in[256];
	unsigned need, per_socket, sockets;
	bool all = flags & VK_PIN_ALL_CORES;
	int r;

	*ret = p;
	if (cpu->logical == 0 || !cpu->ids)
		return -ENODATA;
	r = collect_cores(cpu, &cores, &n_cores);
	if (r < 0)
		return r;

	/* Hybrid CPUs mix cores with two threads and cores with one: the guest topology has
	 * one "threads" value, so only the cores with the most threads are used. */
	for (size_t i = 0; i < n_cores; i++)
		p.threads = MAX(p.threads, (unsigned)cores[i].n);
	for (size_t i = 0; i < n_cores; i++)
		if (cores[i].n != p.threads)
			p.skipped_cores++;

	/* The packages, in order, and the host's core in each. */
	for (size_t i = 0; i < n_cores; i++) {
		bool known = false;

		if (cores[i].n != p.threads)
			continue;
		for (size_t k = 0; k < n_pkgs; k++)
			if (pkgs[k] == cores[i].package) {
				known = true;
				free_in[k]++;
			}
		if (!known && n_pkgs < ELEMENTSOF(pkgs)) {
			pkgs[n_pkgs] = cores[i].package;
			free_in[n_pkgs++] = 1;
		}
	}
	if (!all)
		for (size_t k = 0; k < n_pkgs; k++)
			if (free_in[k] < 2) {
				/* A socket with one core: the host cannot keep it and give the guest
				 * anything there. Share everything rather than refuse. */
				all = true;
				p.all_cores_fallback = true;
			}
	if (!all)
		for (size_t k = 0; k < n_pkgs; k++) {
			/* The first core of each package in CPU order; on the first package that
			 * is CPU 0's, unless CPU 0 sits on a core with fewer threads. */
			for (size_t i = 0; i < n_cores; i++)
				if (cores[i].package == pkgs[k] && cores[i].n == p.threads) {
					cores[i].host = true;
					free_in[k]--;
					break;
				}
		}
	for (size_t k = 0; k < n_pkgs; k++) {
		total_free += free_in[k];
		max_free = MAX(max_free, free_in[k]);
	}

	/* How many cores, spread over how many sockets. */
	if (want == 0) {
		size_t min_free = SIZE_MAX;

		for (size_t k = 0; k < n_pkgs; k++)
			min_free = MIN(min_free, free_in[k]);
		sockets = (unsigned)n_pkgs;
		per_socket = (unsigned)min_free;
		p.max_vcpus = sockets * per_socket * p.threads;
	} else {
		p.max_vcpus = (unsigned)total_free * p.threads;
		if (want % p.threads != 0) {
			r = -EINVAL;
			goto out;
		}
		need = want / p.threads;
		if (need > total_free) {
			r = -E2BIG;
			goto out;
		}
		if (need <= max_free) {
			sockets = 1;
			per_socket = need;
		} else {
			sockets = (unsigned)n_pkgs;
			if (need % sockets != 0) {
				r = -EDOM;
				goto out;
			}
			per_socket = need / sockets;
			for (size_t k = 0; k < n_pkgs; k++)
				if (free_in[k] < per_socket) {
					r = -EDOM;
					goto out;
				}
		}
	}
	p.sockets = sockets;
	p.cores = per_socket;
	p.n_vcpus = sockets * per_socket * p.threads;
	if (p.n_vcpus == 0) {
		r = -E2BIG;
		goto out;
	}
	p.vcpu_cpu = calloc(p.n_vcpus, sizeof(unsigned));
	if (!p.vcpu_cpu) {
		r = -ENOMEM;
		goto out;
	}
	/* Guest vCPU numbers run thread-fastest: ((socket * cores) + core) * threads + thread
	 * (QEMU's x86 APIC ID layout), so vCPUs 2k and 2k+1 are siblings in the guest, and go
	 * to the two threads of one host core. */
	{
		unsigned v = 0, s = 0;

		for (size_t k = 0; k < n_pkgs && s < sockets; k++) {
			unsigned taken = 0;

			if (sockets == 1 && free_in[k] < per_socket)
				continue; /* one socket: the first package with room */
			for (size_t i = 0; i < n_cores && taken < per_socket; i++) {
				if (cores[i].package != pkgs[k] || cores[i].host || cores[i].n != p.threads)
					continue;
				for (unsigned t = 0; t < p.threads; t++)
					p.vcpu_cpu[v++] = cores[i].cpus[t];
				taken++;
			}
			s++;
		}
	}
	for (size_t i = 0; i < n_cores; i++) {
		unsigned *nh;

		if (!cores[i].host)
			continue;
		nh = realloc(p.host_cpus, (p.n_host_cpus + cores[i].n) * sizeof(unsigned));
		if (!nh) {
			r = -ENOMEM;
			goto out;
		}
		p.host_cpus = nh;
		for (size_t t = 0; t < cores[i].n; t++)
			p.host_cpus[p.n_host_cpus++] = cores[i].cpus[t];
	}
	if (p.n_host_cpus > 1)
		qsort(p.host_cpus, p.n_host_cpus, sizeof(unsigned), cmp_unsigned);
	*ret = p;
	p = (struct vk_pin_plan){0};
	r = 0;
out:
	if (r < 0)
		ret->max_vcpus = p.max_vcpus, ret->threads = p.threads;
	vk_pin_plan_clear(&p);
	free_cores(cores, n_cores);
	return r;
}

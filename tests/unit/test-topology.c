/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The guest's topology and pinning, planned from host topologies as sysfs gives them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/topology.h"
#include "lib/util.h"

struct fake {
	struct vk_cpu cpu;
	unsigned ids[64];
	int package[64], die[64], core[64];
	char *siblings[65];
};

/* @n CPUs; sibling lists and packages as sysfs would give them. */
static struct fake *fake(unsigned n, const char *const *siblings, const int *package)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	for (unsigned i = 0; i < n; i++) {
		f->ids[i] = i;
		f->package[i] = package ? package[i] : 0;
		f->die[i] = 0;
		f->core[i] = (int)i;
		f->siblings[i] = strdup(siblings[i]);
	}
	f->cpu = (struct vk_cpu){ .logical = n, .ids = f->ids, .package = f->package, .die = f->die,
				  .core = f->core, .siblings = f->siblings };
	return f;
}

static void fake_free(struct fake *f)
{
	for (unsigned i = 0; i < f->cpu.logical; i++)
		free(f->siblings[i]);
	free(f);
}

static void assert_cpus(const unsigned *got, size_t n, const unsigned *want, size_t nwant)
{
	assert_int_equal(n, nwant);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("position %zu: %u, expected %u", i, got[i], want[i]);
}

/* Intel 4 cores / 8 threads, siblings N and N+4: the guide's i7-4790K. */
static const char *const intel_4c8t[] = { "0,4", "1,5", "2,6", "3,7", "0,4", "1,5", "2,6", "3,7" };

static void intel_interleaved_default(void **state)
{
	struct fake *f = fake(8, intel_4c8t, NULL);
	struct vk_pin_plan p;
	static const unsigned want[] = { 1, 5, 2, 6, 3, 7 }, host[] = { 0, 4 };

	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, 0, &p), 0);
	assert_int_equal(p.sockets, 1);
	assert_int_equal(p.cores, 3);
	assert_int_equal(p.threads, 2);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, want, ELEMENTSOF(want));
	assert_cpus(p.host_cpus, p.n_host_cpus, host, ELEMENTSOF(host));
	vk_pin_plan_clear(&p);
	fake_free(f);
}

static void amd_adjacent_default(void **state)
{
	static const char *const sib[] = { "0-1", "0-1", "2-3", "2-3", "4-5", "4-5", "6-7", "6-7" };
	struct fake *f = fake(8, sib, NULL);
	struct vk_pin_plan p;
	static const unsigned want[] = { 2, 3, 4, 5, 6, 7 }, host[] = { 0, 1 };

	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, 0, &p), 0);
	assert_int_equal(p.threads, 2);
	assert_int_equal(p.cores, 3);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, want, ELEMENTSOF(want));
	assert_cpus(p.host_cpus, p.n_host_cpus, host, ELEMENTSOF(host));
	vk_pin_plan_clear(&p);
	fake_free(f);
}

static void smt_off(void **state)
{
	static const char *const sib[] = { "0", "1", "2", "3", "4", "5" };
	struct fake *f = fake(6, sib, NULL);
	struct vk_pin_plan p;
	static const unsigned want[] = { 1, 2, 3, 4, 5 }, host[] = { 0 };

	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, 0, &p), 0);
	assert_int_equal(p.threads, 1);
	assert_int_equal(p.cores, 5);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, want, ELEMENTSOF(want));
	assert_cpus(p.host_cpus, p.n_host_cpus, host, ELEMENTSOF(host));
	vk_pin_plan_clear(&p);
	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, VK_PIN_ALL_CORES, &p), 0);
	assert_int_equal(p.n_vcpus, 6);
	assert_int_equal(p.n_host_cpus, 0);
	vk_pin_plan_clear(&p);
	fake_free(f);
}

/* Two sockets of 4 cores, Linux numbering: socket 0 is CPUs 0-3 and 8-11. */
static const char *const xeon_2s[] = { "0,8", "1,9", "2,10", "3,11", "4,12", "5,13", "6,14", "7,15",
				       "0,8", "1,9", "2,10", "3,11", "4,12", "5,13", "6,14", "7,15" };
static const int xeon_pkg[] = { 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1 };

static void two_sockets(void **state)
{
	struct fake *f = fake(16, xeon_2s, xeon_pkg);
	struct vk_pin_plan p;
	static const unsigned want[] = { 1, 9, 2, 10, 3, 11, 5, 13, 6, 14, 7, 15 }, host[] = { 0, 4, 8, 12 };
	static const unsigned four[] = { 1, 9, 2, 10 }, twelve[] = { 1, 9, 2, 10, 3, 11, 5, 13, 6, 14, 7, 15 };

	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, 0, &p), 0);
	assert_int_equal(p.sockets, 2);
	assert_int_equal(p.cores, 3);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, want, ELEMENTSOF(want));
	assert_cpus(p.host_cpus, p.n_host_cpus, host, ELEMENTSOF(host));
	vk_pin_plan_clear(&p);

	/* Four vCPUs fit in one socket: the guest gets one. */
	assert_int_equal(vk_pin_plan_make(&f->cpu, 4, 0, &p), 0);
	assert_int_equal(p.sockets, 1);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, four, ELEMENTSOF(four));
	vk_pin_plan_clear(&p);
	assert_int_equal(vk_pin_plan_make(&f->cpu, 12, 0, &p), 0);
	assert_int_equal(p.sockets, 2);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, twelve, ELEMENTSOF(twelve));
	vk_pin_plan_clear(&p);
	/* Eight vCPUs are four cores: two per socket. */
	assert_int_equal(vk_pin_plan_make(&f->cpu, 8, 0, &p), 0);
	assert_int_equal(p.sockets, 2);
	assert_int_equal(p.cores, 2);
	vk_pin_plan_clear(&p);
	/* Ten are five cores: not evenly between two sockets. */
	assert_int_equal(vk_pin_plan_make(&f->cpu, 10, 0, &p), -EDOM);
	assert_int_equal(vk_pin_plan_make(&f->cpu, 16, 0, &p), -E2BIG);
	assert_int_equal(p.max_vcpus, 12);
	assert_int_equal(vk_pin_plan_make(&f->cpu, 16, VK_PIN_ALL_CORES, &p), 0);
	assert_int_equal(p.sockets, 2);
	assert_int_equal(p.cores, 4);
	vk_pin_plan_clear(&p);
	fake_free(f);
}

static void bad_requests(void **state)
{
	struct fake *f = fake(8, intel_4c8t, NULL);
	struct vk_pin_plan p;
	struct vk_cpu none = {0};

	assert_int_equal(vk_pin_plan_make(&f->cpu, 3, 0, &p), -EINVAL);
	assert_int_equal(p.threads, 2);
	assert_int_equal(vk_pin_plan_make(&f->cpu, 8, 0, &p), -E2BIG);
	assert_int_equal(p.max_vcpus, 6);
	assert_int_equal(vk_pin_plan_make(&f->cpu, 8, VK_PIN_ALL_CORES, &p), 0);
	assert_int_equal(p.n_host_cpus, 0);
	vk_pin_plan_clear(&p);
	assert_int_equal(vk_pin_plan_make(&none, 0, 0, &p), -ENODATA);
	fake_free(f);
}

static void single_core_shares(void **state)
{
	static const char *const sib[] = { "0-1", "0-1" };
	struct fake *f = fake(2, sib, NULL);
	struct vk_pin_plan p;

	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, 0, &p), 0);
	assert_true(p.all_cores_fallback);
	assert_int_equal(p.n_vcpus, 2);
	assert_int_equal(p.n_host_cpus, 0);
	vk_pin_plan_clear(&p);
	fake_free(f);
}

/* Alder Lake-like: two P-cores with two threads, two E-cores with one. */
static void hybrid(void **state)
{
	static const char *const sib[] = { "0-1", "0-1", "2-3", "2-3", "4", "5" };
	struct fake *f = fake(6, sib, NULL);
	struct vk_pin_plan p;
	static const unsigned want[] = { 2, 3 }, host[] = { 0, 1 };

	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, 0, &p), 0);
	assert_int_equal(p.skipped_cores, 2);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, want, ELEMENTSOF(want));
	assert_cpus(p.host_cpus, p.n_host_cpus, host, ELEMENTSOF(host));
	vk_pin_plan_clear(&p);
	fake_free(f);
}

/* SMT siblings offline (nosmt at runtime): only online CPUs are pinned. */
static void offline_siblings(void **state)
{
	static const char *const sib[] = { "0,4", "1,5", "2,6", "3,7" };
	struct fake *f = fake(4, sib, NULL);
	struct vk_pin_plan p;
	static const unsigned want[] = { 1, 2, 3 };

	assert_int_equal(vk_pin_plan_make(&f->cpu, 0, 0, &p), 0);
	assert_int_equal(p.threads, 1);
	assert_cpus(p.vcpu_cpu, p.n_vcpus, want, ELEMENTSOF(want));
	vk_pin_plan_clear(&p);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intel_interleaved_default),
		cmocka_unit_test(amd_adjacent_default),
		cmocka_unit_test(smt_off),
		cmocka_unit_test(two_sockets),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(single_core_shares),
		cmocka_unit_test(hybrid),
		cmocka_unit_test(offline_siblings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

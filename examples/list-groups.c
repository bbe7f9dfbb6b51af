/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * list-groups: the IOMMU groups of a root and the `check` verdict, through libvfiokit.
 *
 *   cc -o list-groups list-groups.c $(pkg-config --cflags --libs vfiokit)
 *   ./list-groups /              # this machine
 *   ./list-groups ./snapshot     # an unpacked `vfiokit snapshot` or `vfiokit import` root
 */
#include <stdio.h>
#include <string.h>

#include <vfiokit/vfiokit.h>

static const char *const status_names[] = {
	[VK_STATUS_PASS] = "pass",
	[VK_STATUS_WARN] = "warn",
	[VK_STATUS_FAIL] = "fail",
	[VK_STATUS_SKIP] = "skip",
};

int main(int argc, char **argv)
{
	struct vk_root *root = NULL;
	struct vk_host *host = NULL;
	struct vk_report *report = NULL;
	int r, ret = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s ROOT\n", argv[0]);
		return 2;
	}
	printf("libvfiokit %s\n", vk_version());

	r = vk_root_open(argv[1], &root);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(-r));
		goto out;
	}
	r = vk_host_load(root, VK_LOAD_ALL, &host);
	if (r < 0) {
		fprintf(stderr, "cannot read %s: %s\n", argv[1], strerror(-r));
		goto out;
	}

	for (size_t i = 0; i < vk_host_group_count(host); i++) {
		int viable = vk_host_group_viable(host, i);

		printf("group %d (%s)\n", vk_host_group_id(host, i),
		       viable < 0 ? "viability unknown" : viable ? "viable" : "not viable");
		for (size_t k = 0; k < vk_host_group_size(host, i); k++) {
			const struct vk_pci_dev *d = vk_host_group_device(host, i, k);
			const char *drv = vk_pci_dev_driver(d);

			printf("  %s [%04x:%04x] class %06x driver %s%s%s\n", vk_pci_dev_address(d),
			       (unsigned)vk_pci_dev_vendor(d), (unsigned)vk_pci_dev_device(d),
			       (unsigned)vk_pci_dev_class(d), drv ? drv : "-",
			       vk_pci_dev_is_display(d) ? " display" : "",
			       vk_pci_dev_is_boot_vga(d) == 1 ? " boot-vga" : "");
		}
	}

	r = vk_check_run(host, NULL, &report);
	if (r < 0) {
		fprintf(stderr, "check: %s\n", strerror(-r));
		goto out;
	}
	for (size_t i = 0; i < vk_report_size(report); i++) {
		const char *remedy = vk_report_remedy(report, i);

		printf("%-4s %s: %s\n", status_names[vk_report_status(report, i)], vk_report_id(report, i),
		       vk_report_message(report, i));
		if (remedy)
			printf("     -> %s\n", remedy);
	}
	ret = 0;
out:
	vk_report_free(report);
	vk_host_free(host);
	vk_root_free(root);
	return ret;
}

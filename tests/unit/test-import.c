/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Listing formats and the native description, parsed into a machine model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/machine.h"
#include "lib/util.h"

static struct vk_machine *parse(const char *text)
{
	struct vk_machine *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	assert_int_equal(vk_machine_parse(m, "test", text), 0);
	return m;
}

static struct vk_mdev *dev(struct vk_machine *m, const char *addr)
{
	struct vk_pci_addr a;

	assert_int_equal(vk_pci_addr_parse(addr, &a), 0);
	for (size_t i = 0; i < m->n_devs; i++)
		if (vk_pci_addr_compare(&m->devs[i].addr, &a) == 0)
			return &m->devs[i];
	fail_msg("no device %s", addr);
	return NULL;
}

static void classic_loop(void **state)
{
	struct vk_machine *m = parse(
		"$ for d in /sys/kernel/iommu_groups/*/devices/*; do ... done\n"
		"IOMMU Group 1 00:01.0 PCI bridge [0604]: Intel Corporation Xeon E3-1200 v5/E3-1500 v5/6th Gen Core Processor PCIe Controller (x16) [8086:1901] (rev 07)   \n"
		"IOMMU Group 1 01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GM206 [GeForce GTX 960] [10de:1401] (rev a1)\n"
		"IOMMU group 13 00:1f.3 Audio device [0403]: Intel Corporation 200 Series PCH HD Audio [8086:a2f0]\n");
	struct vk_mdev *d = dev(m, "01:00.0");

	assert_int_equal(m->n_devs, 3);
	assert_int_equal(d->group, 1);
	assert_int_equal(d->vendor, 0x10de);
	assert_int_equal(d->device, 0x1401);
	assert_int_equal(d->class, 0x030000);
	assert_int_equal(d->revision, 0xa1);
	assert_string_equal(d->vendor_name, "NVIDIA Corporation");
	assert_string_equal(d->device_name, "GM206 [GeForce GTX 960]");
	assert_string_equal(d->class_name, "VGA compatible controller");
	assert_false(d->driver_known); /* a group listing says nothing about drivers */
	assert_int_equal(dev(m, "00:1f.3")->group, 13);
	assert_int_equal(dev(m, "00:1f.3")->revision, -1);
	assert_null(m->warnings);
	vk_machine_free(m);
}

static void two_line_form_and_comments(void **state)
{
	struct vk_machine *m = parse("## PASSTHROUGH!\n"
				     "IOMMU Group 16:\n"
				     "\t01:00.0 VGA compatible controller [0300]: NVIDIA Corporation AD102 [GeForce RTX 4090] [10de:2684] (rev a1)\n"
				     "\n"
				     "\t01:00.1 Audio device [0403]: NVIDIA Corporation AD102 High Definition Audio Controller [10de:22ba] (rev a1)\n"
				     "IOMMU group 2\n"
				     "        00:02.0 Host bridge [0600]: Advanced Micro Devices, Inc. [AMD] Device [1022:1452]\n");

	assert_int_equal(dev(m, "01:00.1")->group, 16);
	assert_int_equal(dev(m, "00:02.0")->group, 2);
	assert_true(dev(m, "00:02.0")->device_unnamed);
	vk_machine_free(m);
}

static void lspci_k_blocks(void **state)
{
	struct vk_machine *m = parse(
		"04:00.0 VGA compatible controller [0300]: Advanced Micro Devices, Inc. [AMD/ATI] Baffin [Radeon RX 550 640SP / RX 560/560X] [1002:67ff] (rev cf)\n"
		"\tSubsystem: Sapphire Technology Limited Radeon RX 560 [1da2:e348]\n"
		"\tKernel driver in use: vfio-pci\n"
		"\tKernel modules: amdgpu\n"
		"04:00.1 Audio device [0403]: Advanced Micro Devices, Inc. [AMD/ATI] Baffin HDMI/DP Audio [Radeon RX 550 640SP / RX 560/560X] [1002:aae0]\n"
		"\tSubsystem: Sapphire Technology Limited Baffin HDMI/DP Audio [1da2:aae0]\n"
		"00:1f.4 SMBus [0c05]: Intel Corporation Device [8086:7aa3] (rev 11)\n"
		"\tSubsystem: ASUSTeK Computer Inc. Device [1043:8882]\n");
	struct vk_mdev *d = dev(m, "04:00.0");

	assert_string_equal(d->driver, "vfio-pci");
	assert_true(d->driver_known);
	assert_int_equal(d->subsys_vendor, 0x1da2);
	assert_int_equal(d->subsys_device, 0xe348);
	assert_string_equal(d->modules[0], "amdgpu");
	/* no "Kernel driver in use" in a -k listing: no driver */
	assert_null(dev(m, "04:00.1")->driver);
	assert_true(dev(m, "04:00.1")->driver_known);
	assert_int_equal(dev(m, "04:00.1")->group, -1);
	vk_machine_free(m);
}

static void iommu_sh_with_usb(void **state)
{
	struct vk_machine *m = parse(
		"root@host:~# bash iommu.sh\n"
		"Group 3:\t[8086:43ed]     00:14.0  USB controller                           Tiger Lake-H USB 3.2 Gen 2x1 xHCI Host Controller\n"
		"USB:\t\t[046d:c52b]\t\t Bus 001 Device 003                       Logitech, Inc. Unifying Receiver\n"
		"\t\t[8086:43ef]     00:14.2  RAM memory                               Tiger Lake-H Shared SRAM\n"
		"Group 0:\t[8086:4c53]     00:00.0  Host bridge                              Device 4c53\n");
	struct vk_mdev *usb = dev(m, "00:14.0");

	assert_int_equal(usb->group, 3);
	assert_int_equal(usb->class, 0x0c0300);
	assert_int_equal(usb->n_usb, 1);
	assert_int_equal(usb->usb[0].vendor, 0x046d);
	assert_int_equal(usb->usb[0].devnum, 3);
	assert_string_equal(usb->usb[0].name, "Logitech, Inc. Unifying Receiver");
	assert_int_equal(dev(m, "00:14.2")->group, 3);
	assert_true(dev(m, "00:00.0")->device_unnamed);
	vk_machine_free(m);
}

static void plain_lspci_names_resolve(void **state)
{
	struct vk_machine *m = parse("### Group 7 ###\n"
				     "    00:14.0 USB controller: Intel Corporation Device 7ae0 (rev 11)\n"
				     "    00:1d.0 PCI bridge: Intel Corporation Device 7ab0 (rev 11)\n"
				     "### Group 1 ###\n"
				     "    01:00.0 VGA compatible controller: NVIDIA Corporation GM206 [GeForce GTX 960] (rev a1)\n");
	struct vk_mdev *d = dev(m, "00:14.0");

	assert_int_equal(d->group, 7);
	assert_int_equal(d->vendor, 0x8086);
	assert_int_equal(d->device, 0x7ae0);
	assert_int_equal(d->class, 0x0c0300);
	assert_int_equal(dev(m, "00:1d.0")->class, 0x060400);
	/* name to IDs only on an exact, unique match in pci.ids */
	assert_int_equal(dev(m, "01:00.0")->vendor, 0x10de);
	assert_int_equal(dev(m, "01:00.0")->device, 0x1401);
	vk_machine_free(m);
}

static void dmar_tree_and_cmdline(void **state)
{
	struct vk_machine *m = parse(
		"BOOT_IMAGE=/boot/vmlinuz-6.5.11-8-pve root=/dev/mapper/pve-root ro quiet intel_iommu=on\n"
		"IOMMU: dmar3\n"
		"  IOMMU Group: 50\n"
		"    Group Device: 0000:97:00.4 - Generic system peripheral [0807]: Intel Corporation Device [8086:0b23]\n");

	assert_string_equal(m->kernel_release, "6.5.11-8-pve");
	assert_non_null(strstr(m->cmdline, "intel_iommu=on"));
	assert_string_equal(m->iommu_units[0], "dmar3");
	assert_int_equal(dev(m, "97:00.4")->group, 50);
	vk_machine_free(m);
}

static void bad_lines_become_warnings(void **state)
{
	struct vk_machine *m = parse("IOMMU Group 1:\n"
				     "\t01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GM206 [GeForce GTX 960] [10de:1401] (rev a1)\n"
				     "some prose a human wrote\n"
				     "...\n"
				     "IOMMU Group 2 02:00.0 USB controller [0c03]: Renesas Technology Corp. uPD720201 USB 3.0 Host Cont");
	assert_int_equal(strv_length(m->warnings), 3);
	assert_non_null(strstr(m->warnings[0], "test:3:"));
	assert_non_null(strstr(m->warnings[1], "test:4:"));
	assert_non_null(strstr(m->warnings[2], "test:5:"));
	assert_non_null(strstr(m->warnings[2], "truncated"));
	/* the truncated device keeps what was readable */
	assert_int_equal(dev(m, "02:00.0")->group, 2);
	assert_int_equal(dev(m, "02:00.0")->class, 0x0c0300);
	vk_machine_free(m);
}

static void nothing_usable_is_an_error(void **state)
{
	struct vk_machine *m = calloc(1, sizeof(*m));

	assert_int_equal(vk_machine_parse(m, "junk", "hello\nworld\n"), -EBADMSG);
	vk_machine_free(m);
}

static void native_description(void **state)
{
	struct vk_machine *m = parse("# comment\n"
				     "vfiokit-machine 1\n"
				     "kernel 6.1.0-26-amd64\n"
				     "cpu vendor=GenuineIntel model=\"Intel(R) Core(TM)\" sockets=1 cores=4 threads=2 flags=vmx,sse\n"
				     "mem 16G\n"
				     "acpi DMAR\n"
				     "pci 01:00.0 id=10de:1401 class=0300 rev=a1 group=1 driver=nouveau boot_vga=0 reset=\"flr bus\"\n"
				     "pci 01:00.1 id=10de:0fba class=040300 group=1 driver=-\n"
				     "file /etc/os-release <<END\n"
				     "ID=debian\n"
				     "END\n");
	struct vk_mdev *d = dev(m, "01:00.0");

	assert_true(m->native);
	assert_int_equal(m->cores, 4);
	assert_int_equal(m->mem_kib, 16ull * 1024 * 1024);
	assert_int_equal(d->class, 0x030000);
	assert_string_equal(d->reset_method, "flr bus");
	assert_int_equal(d->boot_vga, 0);
	assert_true(dev(m, "01:00.1")->driver_known);
	assert_null(dev(m, "01:00.1")->driver);
	assert_int_equal(m->n_files, 1);
	assert_string_equal(m->files[0].data, "ID=debian\n");
	assert_null(m->warnings);
	vk_machine_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(classic_loop),
		cmocka_unit_test(two_line_form_and_comments),
		cmocka_unit_test(lspci_k_blocks),
		cmocka_unit_test(iommu_sh_with_usb),
		cmocka_unit_test(plain_lspci_names_resolve),
		cmocka_unit_test(dmar_tree_and_cmdline),
		cmocka_unit_test(bad_lines_become_warnings),
		cmocka_unit_test(nothing_usable_is_an_error),
		cmocka_unit_test(native_description),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

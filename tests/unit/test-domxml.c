/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain XML: built from a spec, finalized and patched, with layout kept and no-ops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/domxml.h"
#include "lib/util.h"

static char *build(const struct vk_domain_spec *s)
{
	struct vk_domxml *d = NULL;
	char *out = NULL;

	assert_int_equal(vk_domxml_build(s, &d), 0);
	assert_int_equal(vk_domxml_format(d, &out), 0);
	vk_domxml_free(d);
	return out;
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("missing '%s' in:\n%s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("unexpected '%s' in:\n%s", needle, hay);
}

static const struct vk_pci_addr gpu[] = { { 0, 0x0b, 0, 0 }, { 0, 0x0b, 0, 1 } };
static const char *const disks[] = { "/dev/disk/by-id/ata-X-part2" };
static const char *const isos[] = { "/srv/iso/Win10.iso", "/srv/iso/virtio-win.iso" };

static void built_domain(void **state)
{
	unsigned pins[] = { 1, 5, 2, 6 }, host[] = { 0, 4 };
	struct vk_pin_plan p = { .sockets = 1, .cores = 2, .threads = 2, .n_vcpus = 4, .vcpu_cpu = pins,
				 .host_cpus = host, .n_host_cpus = 2 };
	struct vk_domain_spec s = {
		.name = "a<b&c>\"'d", .kvm = true, .memory_kib = 8 << 20, .cpu = &p, .firmware_auto = true,
		.firmware_features = true, .disks = disks, .n_disks = 1, .isos = isos, .n_isos = 2, .gpu = gpu,
		.n_gpu = 2, .net = VK_VM_NET_NETWORK, .net_source = "default",
	};
	_cleanup_free_ char *x = build(&s);
	struct vk_domxml *d = NULL;

	/* Escaped, never markup; read back as the same name. */
	assert_contains(x, "<name>a&lt;b&amp;c&gt;\"'d</name>");
	assert_int_equal(vk_domxml_parse(x, strlen(x), &d), 0);
	assert_string_equal(vk_domxml_name(d), "a<b&c>\"'d");
	vk_domxml_free(d);

	assert_contains(x, "<domain type=\"kvm\">\n  <name>");
	assert_contains(x, "<vcpu placement=\"static\">4</vcpu>");
	assert_contains(x, "<vcpupin vcpu=\"1\" cpuset=\"5\"/>");
	assert_contains(x, "<emulatorpin cpuset=\"0,4\"/>");
	assert_contains(x, "<topology sockets=\"1\" cores=\"2\" threads=\"2\"/>");
	assert_contains(x, "<os firmware=\"efi\">");
	assert_contains(x, "<feature enabled=\"no\" name=\"secure-boot\"/>");
	assert_contains(x, "<driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\"/>");
	assert_contains(x, "<target dev=\"sda\" bus=\"sata\"/>\n      <boot order=\"2\"/>");
	/* The installer boots first; the second ISO is only attached. */
	assert_contains(x, "<source file=\"/srv/iso/Win10.iso\"/>\n      <target dev=\"sdb\" bus=\"sata\"/>\n"
			   "      <readonly/>\n      <boot order=\"1\"/>");
	assert_contains(x, "<source file=\"/srv/iso/virtio-win.iso\"/>\n      <target dev=\"sdc\" bus=\"sata\"/>\n"
			   "      <readonly/>\n    </disk>");
	assert_contains(x, "<address domain=\"0x0000\" bus=\"0x0b\" slot=\"0x00\" function=\"0x1\"/>\n      </source>\n"
			   "      <address type=\"pci\" domain=\"0x0000\" bus=\"0x01\" slot=\"0x00\" function=\"0x1\"/>");
	assert_contains(x, "function=\"0x0\" multifunction=\"on\"/>");
	assert_contains(x, "<controller type=\"pci\" index=\"1\" model=\"pcie-root-port\"/>");
	assert_contains(x, "<timer name=\"hypervclock\" present=\"yes\"/>");
	assert_contains(x, "<model type=\"e1000e\"/>");
	assert_contains(x, "<memballoon model=\"none\"/>");
	assert_lacks(x, "vendor_id");
	assert_lacks(x, "<kvm>");
	assert_lacks(x, "<?xml");
}

static void built_variants(void **state)
{
	struct vk_usb_id usb[] = { { 0x046d, 0xc52b } };
	struct vk_pci_addr other[] = { { 0, 0, 0x14, 0 } };
	struct vk_domain_spec s = {
		.name = "tcg", .kvm = false, .memory_kib = 1 << 20, .vcpus = 2, .loader = "/ovmf/CODE.fd",
		.nvram_template = "/ovmf/VARS.fd", .nvram = "/var/lib/libvirt/qemu/nvram/tcg_VARS.fd",
		.hide_hypervisor = true, .vendor_id = "0123456789ab", .disks = disks, .n_disks = 1,
		.disk_virtio = true, .gpu = gpu, .n_gpu = 1, .pci = other, .n_pci = 1, .usb = usb, .n_usb = 1,
		.graphics = VK_VM_GRAPHICS_VNC, .net = VK_VM_NET_USER, .hugepages = true,
	};
	_cleanup_free_ char *x = build(&s);

	assert_contains(x, "<domain type=\"qemu\">");
	assert_contains(x, "<memoryBacking>\n    <hugepages/>\n  </memoryBacking>");
	assert_contains(x, "<loader readonly=\"yes\" type=\"pflash\">/ovmf/CODE.fd</loader>");
	assert_contains(x, "<nvram template=\"/ovmf/VARS.fd\">/var/lib/libvirt/qemu/nvram/tcg_VARS.fd</nvram>");
	assert_lacks(x, "firmware=");
	/* TCG: no Hyper-V, CPU model "maximum"; hiding KVM still asked for. */
	assert_lacks(x, "<hyperv");
	assert_lacks(x, "hypervclock");
	assert_contains(x, "<cpu mode=\"maximum\" check=\"none\">");
	assert_contains(x, "<topology sockets=\"1\" cores=\"2\" threads=\"1\"/>");
	assert_contains(x, "<kvm>\n      <hidden state=\"on\"/>\n    </kvm>");
	assert_contains(x, "<target dev=\"vda\" bus=\"virtio\"/>");
	assert_contains(x, "io=\"native\" iothread=\"1\"/>");
	assert_contains(x, "<iothreads>1</iothreads>");
	assert_contains(x, "<interface type=\"user\">");
	assert_contains(x, "<graphics type=\"vnc\" port=\"-1\" autoport=\"yes\">");
	assert_contains(x, "<model type=\"vga\"/>");
	assert_contains(x, "<vendor id=\"0x046d\"/>\n        <product id=\"0xc52b\"/>");
	assert_contains(x, "<address domain=\"0x0000\" bus=\"0x00\" slot=\"0x14\" function=\"0x0\"/>\n      </source>\n"
			   "    </hostdev>");
	/* One GPU function: no multifunction flag. */
	assert_lacks(x, "multifunction");
	assert_lacks(x, "<cputune>");
}

static char *edit(const char *in, int what, const char *vendor, char ***changes)
{
	struct vk_domxml *d = NULL;
	char *out = NULL;

	assert_int_equal(vk_domxml_parse(in, strlen(in), &d), 0);
	if (what == 0)
		assert_int_equal(vk_domxml_finalize(d, changes), 0);
	else
		assert_int_equal(vk_domxml_hide_hypervisor(d, what > 0, vendor, changes), 0);
	assert_int_equal(vk_domxml_format(d, &out), 0);
	vk_domxml_free(d);
	return out;
}

static const char installed[] =
	"<domain type='kvm'>\n"
	"  <name>win10</name>\n"
	"  <!-- made by virt-manager -->\n"
	"  <features>\n"
	"    <acpi/>\n"
	"  </features>\n"
	"  <devices>\n"
	"    <disk type='block' device='disk'/>\n"
	"    <serial type='pty'>\n"
	"      <target port='0'/>\n"
	"    </serial>\n"
	"    <console type='pty'>\n"
	"      <target type='serial' port='0'/>\n"
	"    </console>\n"
	"    <channel type='spicevmc'>\n"
	"      <target type='virtio' name='com.redhat.spice.0'/>\n"
	"    </channel>\n"
	"    <input type='tablet' bus='usb'/>\n"
	"    <input type='mouse' bus='ps2'/>\n"
	"    <input type='keyboard' bus='virtio'/>\n"
	"    <graphics type='spice' autoport='yes'/>\n"
	"    <sound model='ich9'>\n"
	"      <audio id='1'/>\n"
	"    </sound>\n"
	"    <audio id='1' type='spice'/>\n"
	"    <video>\n"
	"      <model type='qxl'/>\n"
	"    </video>\n"
	"    <redirdev bus='usb' type='spicevmc'/>\n"
	"    <hostdev mode='subsystem' type='pci' managed='yes'/>\n"
	"  </devices>\n"
	"</domain>\n";

static void finalize(void **state)
{
	_cleanup_strv_free_ char **c1 = NULL, **c2 = NULL;
	_cleanup_free_ char *once = edit(installed, 0, NULL, &c1);
	_cleanup_free_ char *twice = edit(once, 0, NULL, &c2);

	assert_string_equal(once, "<domain type=\"kvm\">\n"
				  "  <name>win10</name>\n"
				  "  <!-- made by virt-manager -->\n"
				  "  <features>\n"
				  "    <acpi/>\n"
				  "  </features>\n"
				  "  <devices>\n"
				  "    <disk type=\"block\" device=\"disk\"/>\n"
				  "    <input type=\"mouse\" bus=\"ps2\"/>\n"
				  "    <sound model=\"ich9\">\n"
				  "    </sound>\n"
				  "    <hostdev mode=\"subsystem\" type=\"pci\" managed=\"yes\"/>\n"
				  "  </devices>\n"
				  "</domain>\n");
	assert_int_equal(strv_length(c1), 10);
	assert_string_equal(c1[0], "serial type='pty'");
	assert_string_equal(c1[6], "audio type='spice'");
	assert_string_equal(c1[7], "video type='qxl'");
	assert_string_equal(c1[9], "sound audio id='1'");
	/* The second run is a no-op. */
	assert_int_equal(strv_length(c2), 0);
	assert_string_equal(once, twice);
}

static void finalize_keeps_evdev_sinks(void **state)
{
	static const char in[] = "<domain><devices><input type='evdev'><source dev='/dev/input/by-id/kbd'/></input>"
				 "<input type='keyboard' bus='virtio'/><input type='tablet' bus='usb'/></devices></domain>";
	_cleanup_strv_free_ char **c = NULL;
	_cleanup_free_ char *out = edit(in, 0, NULL, &c);

	/* One line in, one line out: no layout is invented. */
	assert_string_equal(out, "<domain><devices><input type=\"evdev\"><source dev=\"/dev/input/by-id/kbd\"/></input>"
				 "<input type=\"keyboard\" bus=\"virtio\"/></devices></domain>\n");
	assert_int_equal(strv_length(c), 1);
}

static void hide_and_unhide(void **state)
{
	_cleanup_strv_free_ char **c1 = NULL, **c2 = NULL, **c3 = NULL, **c4 = NULL;
	_cleanup_free_ char *hidden = edit(installed, 1, NULL, &c1);
	_cleanup_free_ char *again = edit(hidden, 1, NULL, &c2);
	_cleanup_free_ char *shown = edit(hidden, -1, NULL, &c3);
	_cleanup_free_ char *other = NULL;

	assert_contains(hidden, "  <features>\n"
				"    <acpi/>\n"
				"    <hyperv>\n"
				"      <vendor_id state=\"on\" value=\"vfiokit\"/>\n"
				"    </hyperv>\n"
				"    <kvm>\n"
				"      <hidden state=\"on\"/>\n"
				"    </kvm>\n"
				"  </features>\n"
				"  <devices>\n");
	assert_contains(hidden, "  <!-- made by virt-manager -->\n");
	assert_int_equal(strv_length(c2), 0);
	assert_string_equal(hidden, again);
	/* Unhiding leaves the <hyperv> it found, empties and drops <kvm>. */
	assert_contains(shown, "  <features>\n    <acpi/>\n    <hyperv>\n    </hyperv>\n  </features>\n");
	assert_int_equal(strv_length(c3), 3);

	/* An existing valid vendor_id is kept; --vendor-id replaces it; state goes on. */
	other = edit("<domain><features><hyperv><vendor_id state='off' value='oldvalue'/></hyperv>"
		     "<kvm><hidden state='off'/></kvm></features></domain>",
		     1, NULL, &c4);
	assert_string_equal(other, "<domain><features><hyperv><vendor_id state=\"on\" value=\"oldvalue\"/></hyperv>"
				   "<kvm><hidden state=\"on\"/></kvm></features></domain>\n");
	strv_free(c4);
	c4 = NULL;
	free(other);
	other = edit("<domain><features><hyperv><vendor_id state='on' value='oldvalue'/></hyperv></features></domain>", 1,
		     "NewValue", &c4);
	assert_string_equal(other, "<domain><features><hyperv><vendor_id state=\"on\" value=\"NewValue\"/></hyperv>"
				   "<kvm><hidden state=\"on\"/></kvm></features></domain>\n");
}

static void hide_adds_features(void **state)
{
	_cleanup_strv_free_ char **c = NULL;
	_cleanup_free_ char *out = edit("<domain>\n\t<name>x</name>\n\t<os>\n\t\t<type>hvm</type>\n\t</os>\n</domain>", 1,
					NULL, &c);

	/* Tabs in, tabs out; <features> after <os>. */
	assert_string_equal(out, "<domain>\n\t<name>x</name>\n\t<os>\n\t\t<type>hvm</type>\n\t</os>\n"
				 "\t<features>\n\t\t<hyperv>\n\t\t\t<vendor_id state=\"on\" value=\"vfiokit\"/>\n"
				 "\t\t</hyperv>\n\t\t<kvm>\n\t\t\t<hidden state=\"on\"/>\n\t\t</kvm>\n\t</features>\n"
				 "</domain>\n");
}

static void refusals(void **state)
{
	struct vk_domxml *d = NULL;
	char **c = NULL;
	static const char pt[] = "<domain><features><hyperv mode='passthrough'/></features></domain>";

	assert_int_equal(vk_domxml_parse("<domain>", 8, &d), -EBADMSG);
	assert_non_null(strstr(vk_domxml_error(), "line 1"));
	assert_int_equal(vk_domxml_parse("<network/>", 10, &d), -EINVAL);
	assert_int_equal(vk_domxml_parse(pt, strlen(pt), &d), 0);
	assert_int_equal(vk_domxml_hide_hypervisor(d, true, NULL, &c), -ENOTSUP);
	assert_int_equal(vk_domxml_hide_hypervisor(d, true, "0123456789abc", &c), -EINVAL);
	vk_domxml_free(d);
	assert_true(vk_vendor_id_valid("0123456789ab"));
	assert_false(vk_vendor_id_valid("0123456789abc"));
	assert_false(vk_vendor_id_valid(""));
	assert_false(vk_vendor_id_valid("a,b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(built_domain),
		cmocka_unit_test(built_variants),
		cmocka_unit_test(finalize),
		cmocka_unit_test(finalize_keeps_evdev_sinks),
		cmocka_unit_test(hide_and_unhide),
		cmocka_unit_test(hide_adds_features),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

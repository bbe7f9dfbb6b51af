/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* mkinitcpio.conf MODULES and HOOKS, and the drop-in. */
#include "edit-helpers.h"

#define VFIO STRV("vfio_pci", "vfio", "vfio_iommu_type1")

static const char *mk(const char *in, const struct vk_modreq *m, struct vk_edit_result *r)
{
	return EDIT_OK(vk_edit_mkinitcpio(in, m, r), r);
}

/* Expected text, idempotence, and (when nothing was moved or removed) an exact undo. */
static void check(const char *in, const struct vk_modreq *m, const char *want)
{
	struct vk_edit_result r = {0}, r2 = {0}, r3 = {0};
	const char *out = mk(in, m, &r);

	assert_string_equal(out, want);
	assert_string_equal(mk(out, m, &r2), out);
	assert_false(r2.changed);
	if (!r.moved[0] && !r.removed[0]) {
		const struct vk_modreq undo = {.remove = (const char *const *)r.added};

		assert_string_equal(mk(out, &undo, &r3), strempty(in));
	}
	vk_edit_result_clear(&r);
	vk_edit_result_clear(&r2);
	vk_edit_result_clear(&r3);
}

static void array_and_string_syntax(void **state)
{
	const struct vk_modreq m = {.modules = VFIO};

	check("# MODULES=(usbhid)\nMODULES=()\nHOOKS=(base udev modconf block)\n", &m,
	      "# MODULES=(usbhid)\nMODULES=(vfio_pci vfio vfio_iommu_type1)\nHOOKS=(base udev modconf block)\n");
	check("MODULES=(usbhid xhci_hcd)\n", &m, "MODULES=(usbhid xhci_hcd vfio_pci vfio vfio_iommu_type1)\n");
	check("MODULES=\"\"\nHOOKS=\"base udev modconf\"\n", &m,
	      "MODULES=\"vfio_pci vfio vfio_iommu_type1\"\nHOOKS=\"base udev modconf\"\n");
	check("MODULES='btrfs'\n", &m, "MODULES='btrfs vfio_pci vfio vfio_iommu_type1'\n");
	/* Several lines, comments inside the array, quoted elements. */
	check("MODULES=(\n  usbhid # keyboard\n  \"amdgpu\"\n)\n", &m,
	      "MODULES=(\n  usbhid # keyboard\n  vfio_pci vfio vfio_iommu_type1 \"amdgpu\"\n)\n");
	/* The last assignment is the one that counts. */
	check("MODULES=(a)\nMODULES=(b)\n", &m, "MODULES=(a)\nMODULES=(b vfio_pci vfio vfio_iommu_type1)\n");
}

static void gpu_drivers_come_after(void **state)
{
	const struct vk_modreq m = {.modules = VFIO, .obsolete = STRV("vfio_virqfd")};
	struct vk_edit_result r = {0};

	check("MODULES=(amdgpu)\n", &m, "MODULES=(vfio_pci vfio vfio_iommu_type1 amdgpu)\n");
	check("MODULES=(nvidia nvidia_modeset nvidia_uvm nvidia_drm)\n", &m,
	      "MODULES=(vfio_pci vfio vfio_iommu_type1 nvidia nvidia_modeset nvidia_uvm nvidia_drm)\n");
	/* Moved ahead, not duplicated. */
	assert_string_equal(mk("MODULES=(amdgpu iwlmvm vfio_pci vfio vfio_iommu_type1)\n", &m, &r),
			    "MODULES=(vfio_pci vfio vfio_iommu_type1 amdgpu iwlmvm)\n");
	assert_strv_equal(r.moved, VFIO);
	assert_strv_equal(r.added, NOSTRV);
	vk_edit_result_clear(&r);
	/* Already ahead in another order: left as it is. */
	check("MODULES=(usbhid vfio vfio_iommu_type1 vfio_pci amdgpu)\n", &m,
	      "MODULES=(usbhid vfio vfio_iommu_type1 vfio_pci amdgpu)\n");
	/* vfio_virqfd is gone from 6.2 on (and the optional form with '?'). */
	assert_string_equal(mk("MODULES=(vfio_pci vfio vfio_iommu_type1 vfio_virqfd amdgpu)\n", &m, &r),
			    "MODULES=(vfio_pci vfio vfio_iommu_type1 amdgpu)\n");
	assert_strv_equal(r.removed, STRV("vfio_virqfd"));
	vk_edit_result_clear(&r);
	assert_string_equal(mk("MODULES=(vfio_virqfd? i915)\n", &m, &r),
			    "MODULES=(vfio_pci vfio vfio_iommu_type1 i915)\n");
	vk_edit_result_clear(&r);
	/* Dashes are underscores to modprobe. */
	check("MODULES=(vfio-pci radeon)\n", &m, "MODULES=(vfio-pci vfio vfio_iommu_type1 radeon)\n");
}

static void absent_and_notes(void **state)
{
	const struct vk_modreq m = {.modules = VFIO};
	struct vk_edit_result r = {0};

	check("HOOKS=(base udev modconf)\n", &m,
	      "HOOKS=(base udev modconf)\n" VK_EDIT_MARKER "\nMODULES=(vfio_pci vfio vfio_iommu_type1)\n");
	check("HOOKS=(base udev modconf)", &m,
	      "HOOKS=(base udev modconf)\n" VK_EDIT_MARKER "\nMODULES=(vfio_pci vfio vfio_iommu_type1)");
	assert_non_null(mk("MODULES=()\nHOOKS=(base udev autodetect block)\n", &m, &r));
	assert_int_equal(strv_length(r.notes), 1);
	vk_edit_result_clear(&r);
}

static void refuses_bad_input(void **state)
{
	const struct vk_modreq m = {.modules = VFIO};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_edit_mkinitcpio("BINARIES=()\nMODULES=(vfio amdgpu\nHOOKS=(base)\n", &m, &r), -EBADMSG);
	assert_int_equal(r.line, 2);
	assert_null(r.text);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_mkinitcpio("MODULES=\"vfio\n", &m, &r), -EBADMSG);
	assert_int_equal(r.line, 1);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_mkinitcpio("MODULES=vfio\n", &m, &r), -EBADMSG);
	vk_edit_result_clear(&r);
	{
		const struct vk_modreq bad = {.modules = STRV("a b")};

		assert_int_equal(vk_edit_mkinitcpio("MODULES=()\n", &bad, &r), -EINVAL);
		vk_edit_result_clear(&r);
	}
}

static void dropin(void **state)
{
	const struct vk_modreq m = {.modules = VFIO, .obsolete = STRV("vfio_virqfd")};
	const struct vk_modreq none = {0};
	struct vk_edit_result r = {0};

	assert_int_equal(vk_mkinitcpio_dropin("MODULES=(amdgpu)\n", &m, &r), 0);
	assert_true(endswith(r.text, "\nMODULES=(vfio_pci vfio vfio_iommu_type1 \"${MODULES[@]}\")\n"));
	assert_true(startswith(r.text, "# "));
	assert_strv_equal(r.notes, NOSTRV);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_mkinitcpio_dropin("MODULES=\"amdgpu\"\n", &m, &r), 0);
	assert_true(endswith(r.text, "\nMODULES=\"vfio_pci vfio vfio_iommu_type1 ${MODULES}\"\n"));
	vk_edit_result_clear(&r);
	/* What a drop-in cannot take away is named. */
	assert_int_equal(vk_mkinitcpio_dropin("MODULES=(vfio_virqfd)\n", &m, &r), 0);
	assert_int_equal(strv_length(r.notes), 1);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_mkinitcpio_dropin(NULL, &none, &r), 0);
	assert_null(r.text);
	vk_edit_result_clear(&r);
}

static void hooks(void **state)
{
	struct vk_edit_result r = {0};

	assert_int_equal(vk_mkinitcpio_has_hook("HOOKS=(base udev modconf)\n", "modconf", &r), 1);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_mkinitcpio_has_hook("HOOKS=\"base udev block\"\n", "modconf", &r), 0);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_mkinitcpio_has_hook("MODULES=()\n", "modconf", &r), -ENOENT);
	vk_edit_result_clear(&r);
	assert_string_equal(
	    EDIT_OK(vk_edit_mkinitcpio_hook("HOOKS=(base udev autodetect microcode kms block)\n", "modconf", &r), &r),
	    "HOOKS=(base udev autodetect microcode modconf kms block)\n");
	vk_edit_result_clear(&r);
	assert_string_equal(
	    EDIT_OK(vk_edit_mkinitcpio_hook("HOOKS=\"base systemd autodetect block\"\n", "modconf", &r), &r),
	    "HOOKS=\"base systemd autodetect modconf block\"\n");
	vk_edit_result_clear(&r);
	assert_string_equal(EDIT_OK(vk_edit_mkinitcpio_hook("HOOKS=(base block filesystems)\n", "modconf", &r), &r),
			    "HOOKS=(base modconf block filesystems)\n");
	vk_edit_result_clear(&r);
	assert_string_equal(EDIT_OK(vk_edit_mkinitcpio_hook("HOOKS=(base modconf)\n", "modconf", &r), &r),
			    "HOOKS=(base modconf)\n");
	assert_false(r.changed);
	vk_edit_result_clear(&r);
	assert_int_equal(vk_edit_mkinitcpio_hook("MODULES=()\n", "modconf", &r), -ENOENT);
	vk_edit_result_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(array_and_string_syntax),
	    cmocka_unit_test(gpu_drivers_come_after),
	    cmocka_unit_test(absent_and_notes),
	    cmocka_unit_test(refuses_bad_input),
	    cmocka_unit_test(dropin),
	    cmocka_unit_test(hooks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

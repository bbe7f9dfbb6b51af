/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Known GPU quirks that matter for passthrough. */
#pragma once

#include <stdint.h>

/*
 * AMD families with the "reset bug" (domain.md §8): they do not reset cleanly between VM
 * runs, and gnif/vendor-reset supplies a device-specific reset for them (src/device-db.h
 * there). Returns the family name ("Polaris 10", "Navi 10", ...) or NULL.
 */
const char *vk_quirk_reset_bug(int32_t vendor, int32_t device);

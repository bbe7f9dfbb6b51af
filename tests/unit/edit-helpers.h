/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the tests of the configuration editors (test-edit-*.c). */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lib/edit.h"
#include "lib/util.h"

#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NOSTRV	  ((const char *const[]){NULL})

/* The result of an editor call that must succeed; the caller frees it. */
#define EDIT_OK(call, r)                                                                                               \
	({                                                                                                             \
		int _k = (call);                                                                                       \
		if (_k < 0)                                                                                            \
			fail_msg("%s: %d %s (line %u)", #call, _k, strempty((r)->error), (r)->line);                   \
		(r)->text;                                                                                             \
	})

static inline void assert_strv_equal(char *const *got, const char *const *want)
{
	size_t n = 0;

	while (want[n])
		n++;

	assert_int_equal(strv_length(got), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want[i]);
}

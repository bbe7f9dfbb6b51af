/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Optional libraries loaded at run time (systemd's pattern). Linking libvirt costs every
 * command ~20 ms and ~12 MB of RSS (GLib, GnuTLS, ...), and libxml2 and libkmod pull in
 * ICU and libcrypto; `groups` must stay faster and leaner than `lspci -nnk`. So the
 * modules that need them declare the symbols they use and load the library on first use:
 *
 *   DLSYM_PROTOTYPE(virConnectOpen);             in a header
 *   DLSYM_DEFINE(virConnectOpen);                in one .c file
 *   static const struct vk_dlsym syms[] = { DLSYM_ARG(virConnectOpen), {} };
 *   r = vk_dlopen(&handle, "libvirt.so.0", syms); then call sym_virConnectOpen(...)
 *
 * The prototypes come from the library's own headers (typeof), so calls are type-checked.
 */
#pragma once

#define DLSYM_PROTOTYPE(symbol) extern __typeof__(symbol) *sym_##symbol
#define DLSYM_DEFINE(symbol) __typeof__(symbol) *sym_##symbol = NULL
#define DLSYM_ARG(symbol) { (void **)&sym_##symbol, #symbol }

struct vk_dlsym {
	void **ptr;
	const char *name;
};

/*
 * Loads @soname once (*handle caches it) and resolves every symbol in @syms (terminated
 * by an empty entry). Returns 0, or -EOPNOTSUPP when the library or a symbol is missing;
 * vk_dlerror() then says which, for the caller's message.
 */
int vk_dlopen(void **handle, const char *soname, const struct vk_dlsym *syms);
const char *vk_dlerror(void);

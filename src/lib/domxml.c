/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Domain XML: build, finalize, hide the hypervisor; see domxml.h. Element choices cite
 * domain.md §7 (LV:docs/formatdomain.rst) and §10. */
#include <stdarg.h>
#include <stdio.h>

#include "domxml.h"
#include "util.h"
#include "xml-dl.h"

struct vk_domxml {
	xmlDocPtr doc;
	bool built; /* ours: formatted on output; parsed: the input's layout is kept */
};

static char last_error[512];

const char *vk_domxml_error(void)
{
	return last_error;
}

void vk_domxml_free(struct vk_domxml *d)
{
	if (!d)
		return;
	if (d->doc)
		sym_xmlFreeDoc(d->doc);
	free(d);
}

/* ------------------------------------------------------------------------------------ */
/* Small helpers over libxml2's tree.                                                      */

static bool is_el(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && (!name || streq((const char *)n->name, name));
}

static xmlNodePtr first_child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr c = parent ? parent->children : NULL; c; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

/* An attribute's value as parsed (a single text child), or NULL. */
static const char *attr(xmlNodePtr n, const char *name)
{
	xmlAttrPtr a = sym_xmlHasProp(n, (const xmlChar *)name);

	if (!a || !a->children || a->children->type != XML_TEXT_NODE || a->children->next)
		return NULL;
	return (const char *)a->children->content;
}

static bool attr_is(xmlNodePtr n, const char *name, const char *value)
{
	const char *v = attr(n, name);

	return v && streq(v, value);
}

static bool is_blank_text(xmlNodePtr n)
{
	if (!n || n->type != XML_TEXT_NODE)
		return false;
	for (const xmlChar *p = n->content; p && *p; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return false;
	return true;
}

/* ------------------------------------------------------------------------------------ */
/* Building.                                                                               */

struct builder {
	xmlDocPtr doc;
	bool oom;
};

static xmlNodePtr el(struct builder *b, xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;

	if (b->oom || !parent)
		return NULL;
	n = sym_xmlNewTextChild(parent, NULL, (const xmlChar *)name, NULL);
	if (!n)
		b->oom = true;
	return n;
}

/* An element with text content; the text is escaped by libxml2 (a VM called "a<b&c"
 * stays a name, never markup). */
static xmlNodePtr text_el(struct builder *b, xmlNodePtr parent, const char *name, const char *text)
{
	xmlNodePtr n;

	if (b->oom || !parent)
		return NULL;
	n = sym_xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)text);
	if (!n)
		b->oom = true;
	return n;
}

static void set(struct builder *b, xmlNodePtr n, const char *name, const char *value)
{
	if (b->oom || !n)
		return;
	if (!sym_xmlNewProp(n, (const xmlChar *)name, (const xmlChar *)value))
		b->oom = true;
}

static void setf(struct builder *b, xmlNodePtr n, const char *name, const char *fmt, ...) _printf_(4, 5);
static void setf(struct builder *b, xmlNodePtr n, const char *name, const char *fmt, ...)
{
	_cleanup_free_ char *s = NULL;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (k < 0) {
		b->oom = true;
		return;
	}
	set(b, n, name, s);
}

static xmlNodePtr el_state(struct builder *b, xmlNodePtr parent, const char *name, const char *state)
{
	xmlNodePtr n = el(b, parent, name);

	set(b, n, "state", state);
	return n;
}

static void pci_address(struct builder *b, xmlNodePtr parent, const struct vk_pci_addr *a, bool type)
{
	xmlNodePtr n = el(b, parent, "address");

	if (type)
		set(b, n, "type", "pci");
	setf(b, n, "domain", "0x%04x", a->domain);
	setf(b, n, "bus", "0x%02x", a->bus);
	setf(b, n, "slot", "0x%02x", a->slot);
	setf(b, n, "function", "0x%x", a->function);
}

static void build_cpu(struct builder *b, xmlNodePtr dom, const struct vk_domain_spec *s, bool iothread)
{
	const struct vk_pin_plan *p = s->cpu;
	unsigned n = p ? p->n_vcpus : s->vcpus;
	xmlNodePtr vcpu, tune;
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", n);
	vcpu = text_el(b, dom, "vcpu", buf);
	set(b, vcpu, "placement", "static");
	if (iothread)
		text_el(b, dom, "iothreads", "1");
	if (!p || !p->vcpu_cpu)
		return;
	/* Guest vCPU 2k and 2k+1 are siblings; the plan puts them on one host core. */
	tune = el(b, dom, "cputune");
	for (unsigned v = 0; v < p->n_vcpus; v++) {
		xmlNodePtr pin = el(b, tune, "vcpupin");

		setf(b, pin, "vcpu", "%u", v);
		setf(b, pin, "cpuset", "%u", p->vcpu_cpu[v]);
	}
	if (p->n_host_cpus) {
		_cleanup_free_ char *set_s = format_cpulist(p->host_cpus, p->n_host_cpus);
		xmlNodePtr e;

		if (!set_s) {
			b->oom = true;
			return;
		}
		/* QEMU's own threads (and the disk's I/O thread) run on the host's core, away
		 * from the vCPUs (domain.md §10). */
		e = el(b, tune, "emulatorpin");
		set(b, e, "cpuset", set_s);
		if (iothread) {
			e = el(b, tune, "iothreadpin");
			set(b, e, "iothread", "1");
			set(b, e, "cpuset", set_s);
		}
	}
}

static void build_os(struct builder *b, xmlNodePtr dom, const struct vk_domain_spec *s)
{
	xmlNodePtr os = el(b, dom, "os"), t, fw, n;

	if (s->firmware_auto)
		set(b, os, "firmware", "efi");
	t = text_el(b, os, "type", "hvm");
	set(b, t, "arch", "x86_64");
	set(b, t, "machine", "q35");
	if (s->firmware_auto) {
		if (s->firmware_features) {
			/* Ask for what we mean: without this, libvirt takes the first matching
			 * descriptor by file name, which on Debian is a Secure Boot build with
			 * Microsoft's keys enrolled (40-edk2-x86_64-secure-enrolled.json). */
			fw = el(b, os, "firmware");
			if (s->secure_boot) {
				/* libvirt's order, so the domain reads back as written */
				n = el(b, fw, "feature");
				set(b, n, "enabled", "yes");
				set(b, n, "name", "enrolled-keys");
			}
			n = el(b, fw, "feature");
			set(b, n, "enabled", s->secure_boot ? "yes" : "no");
			set(b, n, "name", "secure-boot");
		} else if (s->secure_boot) {
			n = el(b, os, "loader");
			set(b, n, "secure", "yes");
		}
		return;
	}
	n = text_el(b, os, "loader", s->loader);
	set(b, n, "readonly", "yes");
	if (s->secure_boot)
		set(b, n, "secure", "yes");
	set(b, n, "type", "pflash");
	n = text_el(b, os, "nvram", s->nvram);
	set(b, n, "template", s->nvram_template);
}

static void build_features(struct builder *b, xmlNodePtr dom, const struct vk_domain_spec *s)
{
	xmlNodePtr f = el(b, dom, "features"), hv, n;

	el(b, f, "acpi");
	el(b, f, "apic");
	/* The Hyper-V enlightenments Windows uses (domain.md §7.3, §11). QEMU implements
	 * them only with KVM ("kernel doesn't allow setting HyperV VP_INDEX" under TCG). */
	if (s->kvm) {
		hv = el(b, f, "hyperv");
		set(b, hv, "mode", "custom");
		el_state(b, hv, "relaxed", "on");
		el_state(b, hv, "vapic", "on");
		n = el_state(b, hv, "spinlocks", "on");
		set(b, n, "retries", "8191");
		el_state(b, hv, "vpindex", "on");
		el_state(b, hv, "runtime", "on");
		el_state(b, hv, "synic", "on");
		el_state(b, hv, "stimer", "on");
		el_state(b, hv, "reset", "on");
		if (s->hide_hypervisor) {
			n = el_state(b, hv, "vendor_id", "on");
			set(b, n, "value", s->vendor_id ? s->vendor_id : VK_DEFAULT_VENDOR_ID);
		}
		el_state(b, hv, "frequencies", "on");
	}
	if (s->hide_hypervisor) {
		n = el(b, f, "kvm");
		el_state(b, n, "hidden", "on");
	}
	/* Secure Boot OVMF builds need SMM (domain.md §7.1). */
	if (s->secure_boot)
		el_state(b, f, "smm", "on");
}

static void build_clock(struct builder *b, xmlNodePtr dom, const struct vk_domain_spec *s)
{
	xmlNodePtr c = el(b, dom, "clock"), t;

	/* Windows keeps the RTC in local time. */
	set(b, c, "offset", "localtime");
	t = el(b, c, "timer");
	set(b, t, "name", "rtc");
	set(b, t, "tickpolicy", "catchup");
	t = el(b, c, "timer");
	set(b, t, "name", "pit");
	set(b, t, "tickpolicy", "delay");
	t = el(b, c, "timer");
	set(b, t, "name", "hpet");
	set(b, t, "present", "no");
	if (s->kvm) {
		t = el(b, c, "timer");
		set(b, t, "name", "hypervclock");
		set(b, t, "present", "yes");
	}
}

static void build_disks(struct builder *b, xmlNodePtr devs, const struct vk_domain_spec *s)
{
	unsigned sata = 0;
	char dev[16];

	for (size_t i = 0; i < s->n_disks; i++) {
		xmlNodePtr d = el(b, devs, "disk"), n;

		set(b, d, "type", "block");
		set(b, d, "device", "disk");
		/* io='native' needs O_DIRECT, so cache='none' (domain.md §7.3). */
		n = el(b, d, "driver");
		set(b, n, "name", "qemu");
		set(b, n, "type", "raw");
		set(b, n, "cache", "none");
		set(b, n, "io", "native");
		if (s->disk_virtio)
			set(b, n, "iothread", "1");
		n = el(b, d, "source");
		set(b, n, "dev", s->disks[i]);
		n = el(b, d, "target");
		if (s->disk_virtio)
			snprintf(dev, sizeof(dev), "vd%c", (char)('a' + i));
		else
			snprintf(dev, sizeof(dev), "sd%c", (char)('a' + sata++));
		set(b, n, "dev", dev);
		set(b, n, "bus", s->disk_virtio ? "virtio" : "sata");
		if (i == 0) {
			n = el(b, d, "boot");
			set(b, n, "order", s->n_isos ? "2" : "1");
		}
	}
	for (size_t i = 0; i < s->n_isos; i++) {
		xmlNodePtr d = el(b, devs, "disk"), n;

		set(b, d, "type", "file");
		set(b, d, "device", "cdrom");
		n = el(b, d, "driver");
		set(b, n, "name", "qemu");
		set(b, n, "type", "raw");
		n = el(b, d, "source");
		set(b, n, "file", s->isos[i]);
		n = el(b, d, "target");
		snprintf(dev, sizeof(dev), "sd%c", (char)('a' + sata++));
		set(b, n, "dev", dev);
		set(b, n, "bus", "sata");
		el(b, d, "readonly");
		if (i == 0) {
			n = el(b, d, "boot");
			set(b, n, "order", "1");
		}
	}
}

static void build_devices(struct builder *b, xmlNodePtr dom, const struct vk_domain_spec *s)
{
	xmlNodePtr devs = el(b, dom, "devices"), n, c;

	build_disks(b, devs, s);
	/* xHCI for the tablet and passed USB devices: Windows 8 and later drive it in-box. */
	n = el(b, devs, "controller");
	set(b, n, "type", "usb");
	set(b, n, "index", "0");
	set(b, n, "model", "qemu-xhci");
	set(b, n, "ports", "15");
	n = el(b, devs, "controller");
	set(b, n, "type", "pci");
	set(b, n, "index", "0");
	set(b, n, "model", "pcie-root");
	/* The GPU's functions are given explicit guest addresses on bus 1, so its root port
	 * is emitted too: libvirt adds ports only for devices without an address. */
	if (s->n_gpu) {
		n = el(b, devs, "controller");
		set(b, n, "type", "pci");
		set(b, n, "index", "1");
		set(b, n, "model", "pcie-root-port");
	}
	switch (s->net) {
	case VK_VM_NET_NETWORK:
	case VK_VM_NET_BRIDGE:
	case VK_VM_NET_USER:
		n = el(b, devs, "interface");
		set(b, n, "type", s->net == VK_VM_NET_NETWORK ? "network" : s->net == VK_VM_NET_BRIDGE ? "bridge" : "user");
		if (s->net != VK_VM_NET_USER) {
			c = el(b, n, "source");
			set(b, c, s->net == VK_VM_NET_NETWORK ? "network" : "bridge", s->net_source);
		}
		/* e1000e: Windows has the driver in-box; virtio-net would need virtio-win. */
		c = el(b, n, "model");
		set(b, c, "type", "e1000e");
		break;
	case VK_VM_NET_NONE:
		break;
	}
	if (s->graphics != VK_VM_GRAPHICS_NONE) {
		/* Install mode: an emulated screen until the GPU driver runs ('vm finalize'). */
		n = el(b, devs, "input");
		set(b, n, "type", "tablet");
		set(b, n, "bus", "usb");
		n = el(b, devs, "graphics");
		set(b, n, "type", s->graphics == VK_VM_GRAPHICS_SPICE ? "spice" : "vnc");
		if (s->graphics == VK_VM_GRAPHICS_VNC)
			set(b, n, "port", "-1");
		set(b, n, "autoport", "yes");
		c = el(b, n, "listen");
		set(b, c, "type", "address");
		set(b, c, "address", "127.0.0.1");
		n = el(b, devs, "video");
		c = el(b, n, "model");
		set(b, c, "type", s->graphics == VK_VM_GRAPHICS_SPICE ? "qxl" : "vga");
	}
	/* Every function of the GPU at one guest slot, function 0 carrying multifunction='on',
	 * so the guest sees one card as the host does (domain.md §7.3). */
	for (size_t i = 0; i < s->n_gpu; i++) {
		struct vk_pci_addr guest = { .domain = 0, .bus = 1, .slot = 0, .function = (uint8_t)i };
		xmlNodePtr a;

		n = el(b, devs, "hostdev");
		set(b, n, "mode", "subsystem");
		set(b, n, "type", "pci");
		set(b, n, "managed", "yes");
		c = el(b, n, "source");
		pci_address(b, c, &s->gpu[i], false);
		pci_address(b, n, &guest, true);
		a = n ? n->last : NULL;
		if (i == 0 && s->n_gpu > 1)
			set(b, a, "multifunction", "on");
	}
	for (size_t i = 0; i < s->n_pci; i++) {
		n = el(b, devs, "hostdev");
		set(b, n, "mode", "subsystem");
		set(b, n, "type", "pci");
		set(b, n, "managed", "yes");
		c = el(b, n, "source");
		pci_address(b, c, &s->pci[i], false);
	}
	for (size_t i = 0; i < s->n_usb; i++) {
		n = el(b, devs, "hostdev");
		set(b, n, "mode", "subsystem");
		set(b, n, "type", "usb");
		set(b, n, "managed", "yes");
		c = el(b, n, "source");
		setf(b, el(b, c, "vendor"), "id", "0x%04x", s->usb[i].vendor);
		setf(b, el(b, c, "product"), "id", "0x%04x", s->usb[i].product);
	}
	/* VFIO pins all guest memory for DMA: a balloon could never give any back. */
	n = el(b, devs, "memballoon");
	set(b, n, "model", "none");
}

int vk_domxml_build(const struct vk_domain_spec *s, struct vk_domxml **ret)
{
	struct builder b = {0};
	struct vk_domxml *d;
	xmlNodePtr dom, n;
	char buf[32];
	bool iothread = s->disk_virtio && s->n_disks > 0;
	int r;

	r = vk_xml_load();
	if (r < 0)
		return r;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->built = true;
	d->doc = b.doc = sym_xmlNewDoc((const xmlChar *)"1.0");
	dom = b.doc ? sym_xmlNewDocNode(b.doc, NULL, (const xmlChar *)"domain", NULL) : NULL;
	if (!dom) {
		vk_domxml_free(d);
		return -ENOMEM;
	}
	sym_xmlDocSetRootElement(b.doc, dom);
	set(&b, dom, "type", s->kvm ? "kvm" : "qemu");
	text_el(&b, dom, "name", s->name);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->memory_kib);
	n = text_el(&b, dom, "memory", buf);
	set(&b, n, "unit", "KiB");
	n = text_el(&b, dom, "currentMemory", buf);
	set(&b, n, "unit", "KiB");
	if (s->hugepages)
		el(&b, el(&b, dom, "memoryBacking"), "hugepages");
	build_cpu(&b, dom, s, iothread);
	build_os(&b, dom, s);
	build_features(&b, dom, s);
	/* host-passthrough gives the guest the host's CPU model; the topology mirrors the
	 * host's (sockets, cores per socket, threads per core: domain.md §10). TCG cannot pass
	 * the host's CPU through: "maximum" is its equivalent (libvirt 7.1). */
	n = el(&b, dom, "cpu");
	set(&b, n, "mode", s->kvm ? "host-passthrough" : "maximum");
	set(&b, n, "check", "none");
	if (s->kvm)
		set(&b, n, "migratable", "on");
	{
		xmlNodePtr t = el(&b, n, "topology");
		unsigned sockets = s->cpu ? s->cpu->sockets : 1, cores = s->cpu ? s->cpu->cores : s->vcpus,
			 threads = s->cpu ? s->cpu->threads : 1;

		setf(&b, t, "sockets", "%u", sockets);
		setf(&b, t, "cores", "%u", cores);
		setf(&b, t, "threads", "%u", threads);
	}
	build_clock(&b, dom, s);
	/* Suspending a guest that owns a GPU rarely resumes it. */
	n = el(&b, dom, "pm");
	set(&b, el(&b, n, "suspend-to-mem"), "enabled", "no");
	set(&b, el(&b, n, "suspend-to-disk"), "enabled", "no");
	build_devices(&b, dom, s);
	if (b.oom) {
		vk_domxml_free(d);
		return -ENOMEM;
	}
	*ret = d;
	return 0;
}

/* ------------------------------------------------------------------------------------ */
/* Parsing and output.                                                                     */

int vk_domxml_parse(const char *text, size_t len, struct vk_domxml **ret)
{
	struct vk_domxml *d;
	xmlNodePtr root;
	int r;

	last_error[0] = '\0';
	r = vk_xml_load();
	if (r < 0)
		return r;
	if (len > INT32_MAX)
		return -EFBIG;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	sym_xmlResetLastError();
	/* No network, no entity expansion: a domain file is data, not a fetcher. Whitespace is
	 * kept so that an edited file differs from its input only where it was edited. */
	d->doc = sym_xmlReadMemory(text, (int)len, NULL, NULL, XML_PARSE_NONET);
	if (!d->doc) {
		const xmlError *e = sym_xmlGetLastError();

		snprintf(last_error, sizeof(last_error), "line %d: %s", e ? e->line : 0,
			 e && e->message ? e->message : "not well-formed XML");
		strip_trailing_newlines(last_error);
		free(d);
		return -EBADMSG;
	}
	root = sym_xmlDocGetRootElement(d->doc);
	if (!is_el(root, "domain")) {
		snprintf(last_error, sizeof(last_error), "the root element is <%s>, not <domain>",
			 root ? (const char *)root->name : "");
		vk_domxml_free(d);
		return -EINVAL;
	}
	*ret = d;
	return 0;
}

int vk_domxml_format(struct vk_domxml *d, char **ret)
{
	xmlBufferPtr buf;
	xmlSaveCtxtPtr ctx;
	_cleanup_strbuf_ struct strbuf s = STRBUF_INIT;
	int opts = XML_SAVE_NO_DECL | (d->built ? XML_SAVE_FORMAT : 0);

	buf = sym_xmlBufferCreate();
	if (!buf)
		return -ENOMEM;
	ctx = sym_xmlSaveToBuffer(buf, "UTF-8", opts);
	if (!ctx) {
		sym_xmlBufferFree(buf);
		return -ENOMEM;
	}
	if (sym_xmlSaveDoc(ctx, d->doc) < 0) {
		sym_xmlSaveClose(ctx);
		sym_xmlBufferFree(buf);
		return -EIO;
	}
	sym_xmlSaveClose(ctx);
	strbuf_add(&s, (const char *)sym_xmlBufferContent(buf), (size_t)sym_xmlBufferLength(buf));
	sym_xmlBufferFree(buf);
	if (!s.s)
		return -ENOMEM;
	if (s.len == 0 || s.s[s.len - 1] != '\n')
		strbuf_addc(&s, '\n');
	*ret = strbuf_detach(&s);
	return *ret ? 0 : -ENOMEM;
}

const char *vk_domxml_name(struct vk_domxml *d)
{
	xmlNodePtr n = first_child(sym_xmlDocGetRootElement(d->doc), "name");

	if (!n || !n->children || n->children->type != XML_TEXT_NODE)
		return NULL;
	return (const char *)n->children->content;
}

/* ------------------------------------------------------------------------------------ */
/* Editing parsed documents, keeping their layout.                                         */

/* The indentation of @n: the text after the last newline of the blank text before it. */
static const char *indent_of(xmlNodePtr n, size_t *len)
{
	const char *t, *nl;

	if (!n || !is_blank_text(n->prev)) {
		*len = 0;
		return "";
	}
	t = (const char *)n->prev->content;
	nl = strrchr(t, '\n');
	if (!nl) {
		*len = 0;
		return "";
	}
	*len = strlen(nl + 1);
	return nl + 1;
}

/* Whether the document is laid out with newlines (then edits add their own), or written
 * on one line (then they add none). */
static bool pretty(xmlNodePtr n)
{
	for (; n; n = n->parent)
		for (xmlNodePtr c = n->children; c; c = c->next)
			if (is_blank_text(c) && strchr((const char *)c->content, '\n'))
				return true;
	return false;
}

static int add_blank(xmlNodePtr before, const char *indent, size_t len)
{
	_cleanup_free_ char *s = NULL;
	xmlNodePtr t;

	s = malloc(len + 2);
	if (!s)
		return -ENOMEM;
	s[0] = '\n';
	memcpy(s + 1, indent, len);
	s[len + 1] = '\0';
	t = sym_xmlNewText((const xmlChar *)s);
	if (!t)
		return -ENOMEM;
	if (!sym_xmlAddPrevSibling(before, t)) {
		sym_xmlFreeNode(t);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Inserts @n into @parent, after @after (NULL: as the last element), indented like its
 * siblings, or one step (two spaces, or the step the document uses) deeper than @parent
 * when it has no element children yet.
 */
static int insert(xmlNodePtr parent, xmlNodePtr n, xmlNodePtr after)
{
	xmlNodePtr first = first_child(parent, NULL), last = NULL;
	_cleanup_free_ char *ind = NULL;
	size_t plen, len;
	const char *pind;
	bool fmt = pretty(parent);

	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (is_el(c, NULL))
			last = c;
	if (!after)
		after = last;
	pind = indent_of(parent, &plen);
	if (first) {
		const char *ci = indent_of(first, &len);

		ind = xstrndup(ci, len);
	} else {
		/* The step between @parent and its parent, else two spaces. */
		size_t gplen = 0, step = 2;

		if (parent->parent && parent->parent->type == XML_ELEMENT_NODE) {
			indent_of(parent->parent, &gplen);
			if (plen > gplen)
				step = plen - gplen;
		}
		ind = malloc(plen + step + 1);
		if (ind) {
			memcpy(ind, pind, plen);
			memset(ind + plen, pind[0] == '\t' ? '\t' : ' ', step);
			ind[plen + step] = '\0';
		}
	}
	if (!ind)
		return -ENOMEM;
	len = strlen(ind);
	if (after) {
		if (!sym_xmlAddNextSibling(after, n))
			return -ENOMEM;
		return fmt ? add_blank(n, ind, len) : 0;
	}
	/* No element child: "<parent>" + "\n" + ind + n + "\n" + pind + "</parent>". */
	if (!sym_xmlAddChild(parent, n))
		return -ENOMEM;
	if (!fmt)
		return 0;
	if (n->prev && is_blank_text(n->prev)) {
		/* <parent>\n  </parent> had only blanks: reuse them as the closing indent. */
		xmlNodePtr blank = n->prev;

		sym_xmlUnlinkNode(blank);
		sym_xmlFreeNode(blank);
	}
	if (add_blank(n, ind, len) < 0)
		return -ENOMEM;
	{
		_cleanup_free_ char *s = malloc(plen + 2);
		xmlNodePtr t;

		if (!s)
			return -ENOMEM;
		s[0] = '\n';
		memcpy(s + 1, pind, plen);
		s[plen + 1] = '\0';
		t = sym_xmlNewText((const xmlChar *)s);
		if (!t || !sym_xmlAddNextSibling(n, t))
			return -ENOMEM;
	}
	return 0;
}

/* Removes @n and the blank text before it (its line's indentation), so the document
 * reads as if it had never been there. */
static void remove_node(xmlNodePtr n)
{
	if (is_blank_text(n->prev)) {
		xmlNodePtr blank = n->prev;

		sym_xmlUnlinkNode(blank);
		sym_xmlFreeNode(blank);
	}
	sym_xmlUnlinkNode(n);
	sym_xmlFreeNode(n);
}

static int new_el(const char *name, xmlNodePtr *ret)
{
	*ret = sym_xmlNewNode(NULL, (const xmlChar *)name);
	return *ret ? 0 : -ENOMEM;
}

static int set_attr(xmlNodePtr n, const char *name, const char *value)
{
	return sym_xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)value) ? 0 : -ENOMEM;
}

/* "graphics type='spice'": what went, for the report. */
static int describe(char ***l, xmlNodePtr n)
{
	const char *type = attr(n, "type"), *bus = attr(n, "bus");
	_cleanup_strbuf_ struct strbuf s = STRBUF_INIT;

	strbuf_adds(&s, (const char *)n->name);
	if (is_el(n, "video")) {
		xmlNodePtr m = first_child(n, "model");

		type = m ? attr(m, "type") : NULL;
	}
	if (type)
		strbuf_addf(&s, " type='%s'", type);
	if (bus)
		strbuf_addf(&s, " bus='%s'", bus);
	if (!s.s)
		return -ENOMEM;
	return strv_push(l, strbuf_detach(&s));
}

/* Whether host keyboard and mouse reach the guest through evdev (an <input type='evdev'>,
 * or QEMU's input-linux objects on the command line): their events arrive through the
 * emulated keyboard and mouse, which then must stay. */
static bool uses_evdev(xmlNodePtr dom)
{
	for (xmlNodePtr n = first_child(first_child(dom, "devices"), NULL); n; n = n->next)
		if (is_el(n, "input") && attr_is(n, "type", "evdev"))
			return true;
	for (xmlNodePtr c = dom->children; c; c = c->next) {
		if (!is_el(c, "commandline"))
			continue;
		for (xmlNodePtr a = c->children; a; a = a->next) {
			const char *v = is_el(a, "arg") ? attr(a, "value") : NULL;

			if (v && strstr(v, "input-linux"))
				return true;
		}
	}
	return false;
}

static bool finalize_removes(xmlNodePtr n, bool evdev)
{
	const char *type = attr(n, "type"), *bus = attr(n, "bus");

	if (is_el(n, "graphics") || is_el(n, "video"))
		return true;
	/* The text console: pty consoles and the pty serial port behind them (libvirt adds a
	 * console back for a remaining first serial port). */
	if ((is_el(n, "console") || is_el(n, "serial")) && type && streq(type, "pty"))
		return true;
	if (is_el(n, "input")) {
		if (type && streq(type, "tablet"))
			return true;
		/* PS/2 is part of the machine (libvirt re-adds it); passthrough and evdev inputs
		 * are host devices, not emulated ones; with evdev, the emulated ones carry it. */
		return !evdev && type && (streq(type, "mouse") || streq(type, "keyboard")) && bus &&
		       (streq(bus, "usb") || streq(bus, "virtio"));
	}
	/* What works only through SPICE: its agent channel, USB redirection and smartcard,
	 * and its audio backend ("Spice audio is not supported without spice graphics"). */
	if (type && streq(type, "spicevmc") &&
	    (is_el(n, "channel") || is_el(n, "redirdev") || is_el(n, "smartcard")))
		return true;
	return is_el(n, "audio") && type && streq(type, "spice");
}

int vk_domxml_finalize(struct vk_domxml *d, char ***removed)
{
	xmlNodePtr dom = sym_xmlDocGetRootElement(d->doc), devs = first_child(dom, "devices"), next;
	bool evdev = uses_evdev(dom);
	_cleanup_strv_free_ char **l = calloc(1, sizeof(char *)), **gone_audio = calloc(1, sizeof(char *));

	if (!l || !gone_audio)
		return -ENOMEM;
	for (xmlNodePtr n = devs ? devs->children : NULL; n; n = next) {
		next = n->next;
		if (!is_el(n, NULL) || !finalize_removes(n, evdev))
			continue;
		if (describe(&l, n) < 0)
			return -ENOMEM;
		if (is_el(n, "audio") && attr(n, "id") && strv_extend(&gone_audio, attr(n, "id")) < 0)
			return -ENOMEM;
		remove_node(n);
	}
	/* Sound cards that named a removed audio backend fall back to libvirt's default. */
	for (xmlNodePtr n = devs ? devs->children : NULL; n && gone_audio[0]; n = n->next) {
		xmlNodePtr a;

		if (!is_el(n, "sound"))
			continue;
		a = first_child(n, "audio");
		if (a && attr(a, "id") && strv_contains(gone_audio, attr(a, "id"))) {
			_cleanup_free_ char *what = xasprintf("sound audio id='%s'", attr(a, "id"));

			if (!what || strv_push(&l, TAKE_PTR(what)) < 0)
				return -ENOMEM;
			remove_node(a);
		}
	}
	*removed = TAKE_PTR(l);
	return 0;
}

bool vk_vendor_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 12)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e || *p == ',')
			return false;
	return true;
}

static int push_change(char ***l, const char *fmt, ...) _printf_(2, 3);
static int push_change(char ***l, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	return strv_push(l, s);
}

/* Finds <name> under @parent, or creates it after @after (NULL: last). */
static int ensure_child(xmlNodePtr parent, const char *name, xmlNodePtr after, xmlNodePtr *ret, bool *created)
{
	xmlNodePtr n = first_child(parent, name);
	int r;

	*created = false;
	if (n) {
		*ret = n;
		return 0;
	}
	r = new_el(name, &n);
	if (r < 0)
		return r;
	r = insert(parent, n, after);
	if (r < 0)
		return r;
	*created = true;
	*ret = n;
	return 0;
}

int vk_domxml_hide_hypervisor(struct vk_domxml *d, bool hide, const char *vendor_id, char ***changes)
{
	xmlNodePtr dom = sym_xmlDocGetRootElement(d->doc), features, hv, kvm, n;
	_cleanup_strv_free_ char **l = calloc(1, sizeof(char *));
	bool created;
	int r;

	if (!l)
		return -ENOMEM;
	if (vendor_id && !vk_vendor_id_valid(vendor_id))
		return -EINVAL;
	features = first_child(dom, "features");
	if (!hide) {
		hv = first_child(features, "hyperv");
		n = first_child(hv, "vendor_id");
		if (n) {
			remove_node(n);
			if (push_change(&l, _("removed <hyperv><vendor_id>")) < 0)
				return -ENOMEM;
		}
		kvm = first_child(features, "kvm");
		n = first_child(kvm, "hidden");
		if (n) {
			remove_node(n);
			if (push_change(&l, _("removed <kvm><hidden>")) < 0)
				return -ENOMEM;
		}
		if (kvm && !first_child(kvm, NULL)) {
			remove_node(kvm);
			if (push_change(&l, _("removed the empty <kvm>")) < 0)
				return -ENOMEM;
		}
		*changes = TAKE_PTR(l);
		return 0;
	}

	if (!features) {
		/* After <os>, where libvirt writes it. */
		r = ensure_child(dom, "features", first_child(dom, "os"), &features, &created);
		if (r < 0)
			return r;
		if (push_change(&l, _("added <features>")) < 0)
			return -ENOMEM;
	}
	hv = first_child(features, "hyperv");
	if (hv && attr_is(hv, "mode", "passthrough"))
		return -ENOTSUP; /* mode='passthrough' takes no vendor_id (domaincommon.rng) */
	if (!hv) {
		r = ensure_child(features, "hyperv", NULL, &hv, &created);
		if (r < 0)
			return r;
		if (push_change(&l, _("added <hyperv>")) < 0)
			return -ENOMEM;
	}
	r = ensure_child(hv, "vendor_id", NULL, &n, &created);
	if (r < 0)
		return r;
	{
		const char *old = attr(n, "value");
		const char *want = vendor_id ? vendor_id : old && vk_vendor_id_valid(old) ? old : VK_DEFAULT_VENDOR_ID;

		if (!attr_is(n, "state", "on")) {
			if (set_attr(n, "state", "on") < 0)
				return -ENOMEM;
			if (!created && push_change(&l, _("set <hyperv><vendor_id> state='on'")) < 0)
				return -ENOMEM;
		}
		if (!old || !streq(old, want)) {
			if (set_attr(n, "value", want) < 0 || push_change(&l, _("set <hyperv><vendor_id> value='%s'"), want) < 0)
				return -ENOMEM;
		}
	}
	kvm = first_child(features, "kvm");
	if (!kvm) {
		r = ensure_child(features, "kvm", hv, &kvm, &created);
		if (r < 0)
			return r;
	}
	r = ensure_child(kvm, "hidden", NULL, &n, &created);
	if (r < 0)
		return r;
	if (!attr_is(n, "state", "on")) {
		if (set_attr(n, "state", "on") < 0 || push_change(&l, _("set <kvm><hidden> state='on'")) < 0)
			return -ENOMEM;
	}
	*changes = TAKE_PTR(l);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the configuration editors share: results, byte-exact splices, line helpers, the kernel
 * parameter engine and the module list planner. */
#include <ctype.h>
#include <stdarg.h>

#include "cmdline.h"
#include "edit-internal.h"

/* ---------------------------------------------------------------- results */

void vk_edit_result_clear(struct vk_edit_result *r)
{
	free(r->text);
	strv_free(r->added);
	strv_free(r->removed);
	strv_free(r->moved);
	strv_free(r->notes);
	free(r->error);
	*r = (struct vk_edit_result){0};
}

char *vk_edit_result_message(const struct vk_edit_result *r)
{
	if (r->line > 0)
		return xasprintf(_("line %u: %s"), r->line, strempty(r->error));
	return strdup(strempty(r->error));
}

int edit_begin(struct vk_edit_result *r)
{
	*r = (struct vk_edit_result){0};
	r->added = calloc(1, sizeof(char *));
	r->removed = calloc(1, sizeof(char *));
	r->moved = calloc(1, sizeof(char *));
	r->notes = calloc(1, sizeof(char *));
	if (!r->added || !r->removed || !r->moved || !r->notes) {
		vk_edit_result_clear(r);
		return -ENOMEM;
	}
	return 0;
}

int edit_fail(struct vk_edit_result *r, int err, unsigned line, const char *fmt, ...)
{
	va_list ap;
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	va_start(ap, fmt);
	(void)strbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	vk_edit_result_clear(r);
	r->line = line;
	r->error = strbuf_detach(&b);
	return err;
}

int edit_note(struct vk_edit_result *r, const char *fmt, ...)
{
	va_list ap;
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	int k;

	va_start(ap, fmt);
	k = strbuf_vaddf(&b, fmt, ap);
	va_end(ap);
	if (k < 0)
		return -ENOMEM;
	return strv_push(&r->notes, strbuf_detach(&b));
}

unsigned line_at(const char *text, size_t off)
{
	unsigned l = 1;

	for (size_t i = 0; i < off && text[i]; i++)
		if (text[i] == '\n')
			l++;
	return l;
}

/* ---------------------------------------------------------------- splices */

int splice_add(struct splices *s, size_t off, size_t len, int prio, const char *text)
{
	struct splice *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	v[s->n] = (struct splice){.off = off, .len = len, .prio = prio, .seq = s->n, .text = strdup(text)};
	if (!v[s->n].text)
		return -ENOMEM;
	s->n++;
	return 0;
}

void splices_free(struct splices *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].text);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int cmp_splice(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	/* At one offset, insertions come before the deletion that starts there. */
	if ((x->len == 0) != (y->len == 0))
		return x->len == 0 ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int splices_apply(const char *text, const struct splices *s, char **ret)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	size_t len = strlen(text), pos = 0;

	if (s->n > 1)
		qsort(s->v, s->n, sizeof(struct splice), cmp_splice);
	for (size_t i = 0; i < s->n; i++) {
		const struct splice *x = &s->v[i];

		/* Overlapping edits would be a bug in an editor: refuse rather than guess. */
		if (x->off < pos || x->off + x->len > len)
			return -EINVAL;
		if (strbuf_add(&b, text + pos, x->off - pos) < 0 || strbuf_adds(&b, x->text) < 0)
			return -ENOMEM;
		pos = x->off + x->len;
	}
	if (strbuf_add(&b, text + pos, len - pos) < 0)
		return -ENOMEM;
	*ret = strbuf_detach(&b);
	return *ret ? 0 : -ENOMEM;
}

int edit_finish_text(struct vk_edit_result *r, const char *orig, char *text)
{
	free(r->text);
	r->text = text;
	if (!orig || !text)
		r->changed = !orig != !text || (orig && !text);
	else
		r->changed = !streq(orig, text);
	return 0;
}

int edit_finish(struct vk_edit_result *r, const char *orig, const struct splices *s)
{
	char *t = NULL;
	int k = splices_apply(strempty(orig), s, &t);

	if (k < 0)
		return edit_fail(r, k, 0, "%s", _("internal error: overlapping edits"));
	return edit_finish_text(r, orig, t);
}

/* ---------------------------------------------------------------- lines */

int split_lines(const char *text, struct line **ret, size_t *ret_n)
{
	struct line *l = NULL;
	size_t n = 0, p = 0, len = strlen(strempty(text));

	while (p < len) {
		const char *nl = memchr(text + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - text) : len;
		struct line *nv = realloc(l, (n + 1) * sizeof(*l));

		if (!nv) {
			free(l);
			return -ENOMEM;
		}
		l = nv;
		l[n++] = (struct line){.start = p, .end = e, .nl = nl != NULL};
		p = nl ? e + 1 : len;
	}
	*ret = l;
	*ret_n = n;
	return 0;
}

int splice_delete_lines(struct splices *s, const struct line *l, size_t n, const bool *del)
{
	for (size_t i = 0; i < n; i++) {
		size_t j = i, start, end;

		if (!del[i])
			continue;
		while (j + 1 < n && del[j + 1])
			j++;
		start = l[i].start;
		end = l[j].end + (l[j].nl ? 1 : 0);
		/* The last line had no newline: take the one before, unless that is the file's start. */
		if (!l[j].nl && start > 0)
			start--;
		if (splice_add(s, start, end - start, 0, "") < 0)
			return -ENOMEM;
		i = j;
	}
	return 0;
}

char *append_line_text(const char *text, const char *line)
{
	if (isempty(text) || endswith(text, "\n"))
		return xasprintf("%s\n", line);
	return xasprintf("\n%s", line);
}

int drop_marked_lines(char **text, const char *line)
{
	_cleanup_free_ struct line *l = NULL;
	_cleanup_free_ bool *del = NULL;
	_cleanup_splices_ struct splices s = {0};
	size_t n = 0, ml = strlen(VK_EDIT_MARKER), ll = strlen(line);
	bool any = false;
	char *t = NULL;
	int k;

	if (split_lines(*text, &l, &n) < 0)
		return -ENOMEM;
	del = calloc(n + 1, sizeof(bool));
	if (!del)
		return -ENOMEM;
	for (size_t i = 1; i < n; i++) {
		if (l[i - 1].end - l[i - 1].start == ml && strneq(*text + l[i - 1].start, VK_EDIT_MARKER, ml) &&
		    l[i].end - l[i].start == ll && strneq(*text + l[i].start, line, ll)) {
			del[i - 1] = del[i] = true;
			any = true;
		}
	}
	if (!any)
		return 0;
	if (splice_delete_lines(&s, l, n, del) < 0)
		return -ENOMEM;
	k = splices_apply(*text, &s, &t);
	if (k < 0)
		return k;
	free(*text);
	*text = t;
	return 1;
}

/* ---------------------------------------------------------------- kernel parameters */

static bool kp_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The name of a parameter (without a leading kernel quote), malloc'ed. */
static char *kp_name(const char *lit)
{
	const char *s = lit[0] == '"' ? lit + 1 : lit;

	return xstrndup(s, strcspn(s, "=\""));
}

/* The value with the kernel's double quotes removed, or NULL for a flag. */
static char *kp_value(const char *lit)
{
	const char *eq = strchr(lit, '=');
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	if (!eq)
		return NULL;
	for (const char *p = eq + 1; *p; p++)
		if (*p != '"' && strbuf_addc(&b, *p) < 0)
			return NULL;
	return strbuf_detach(&b);
}

static bool kp_name_matches(const char *lit, const char *name)
{
	_cleanup_free_ char *a = kp_name(lit), *b = kp_name(name);

	return a && b && vk_cmdline_name_eq(a, b);
}

bool kp_param_eq(const char *a, const char *b)
{
	_cleanup_free_ char *va = NULL, *vb = NULL;

	if (!kp_name_matches(a, b))
		return false;
	va = kp_value(a);
	vb = kp_value(b);
	if (!va || !vb)
		return !strchr(a, '=') && !strchr(b, '=');
	return streq(va, vb);
}

/* A removal entry: a name removes any value, a whole parameter only itself. */
static bool kp_remove_matches(const char *entry, const char *lit)
{
	if (strchr(entry, '='))
		return kp_param_eq(entry, lit);
	return kp_name_matches(lit, entry);
}

char *kp_encode(const char *lit, enum kp_quote q, int *err)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	*err = 0;
	for (const char *p = lit; *p; p++) {
		switch (q) {
		case KP_SH_DQ:
			if (strchr("$`\"\\", *p) && strbuf_addc(&b, '\\') < 0)
				return NULL;
			break;
		case KP_SH_SQ:
			if (*p == '\'') {
				*err = -EINVAL;
				return NULL;
			}
			break;
		case KP_REFIND:
			if (*p == '"') {
				*err = -EINVAL;
				return NULL;
			}
			break;
		case KP_PLAIN:
			break;
		}
		if (strbuf_addc(&b, *p) < 0)
			return NULL;
	}
	return strbuf_detach(&b);
}

static char *kp_decode(const char *raw, size_t n, enum kp_quote q)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (q == KP_SH_DQ && raw[i] == '\\' && i + 1 < n && strchr("$`\"\\\n", raw[i + 1])) {
			i++;
			if (raw[i] == '\n')
				continue;
		}
		if (strbuf_addc(&b, raw[i]) < 0)
			return NULL;
	}
	return strbuf_detach(&b);
}

int kp_validate(const struct vk_kparams *p, struct vk_edit_result *r)
{
	for (const char *const *a = p->add; a && *a; a++) {
		bool quoted = false;

		if (isempty(*a) || streq(*a, "--"))
			return edit_fail(r, -EINVAL, 0, _("invalid kernel parameter '%s'"), *a);
		for (const char *c = *a; *c; c++) {
			if (*c == '"')
				quoted = !quoted;
			if (*c == '\n' || *c == '\r' || (!quoted && kp_space(*c)))
				return edit_fail(r, -EINVAL, 0, _("invalid kernel parameter '%s'"), *a);
		}
	}
	for (const char *const *a = p->remove; a && *a; a++) {
		bool quoted = false;

		if (isempty(*a))
			return edit_fail(r, -EINVAL, 0, _("invalid kernel parameter '%s'"), *a);
		for (const char *c = *a; *c; c++) {
			if (*c == '"')
				quoted = !quoted;
			if (*c == '\n' || *c == '\r' || (!quoted && kp_space(*c)))
				return edit_fail(r, -EINVAL, 0, _("invalid kernel parameter '%s'"), *a);
		}
	}
	return 0;
}

/* Skips a shell $(...), ${...} or `...` inside a double-quoted region; returns the end. */
static size_t kp_skip_subst(const char *t, size_t i, size_t end)
{
	if (t[i] == '`') {
		for (i++; i < end && t[i] != '`'; i++)
			if (t[i] == '\\')
				i++;
		return MIN(i + 1, end);
	}
	{
		char open = t[i + 1], close = open == '(' ? ')' : '}';
		int depth = 0;

		for (i++; i < end; i++) {
			if (t[i] == '\\')
				i++;
			else if (t[i] == open)
				depth++;
			else if (t[i] == close && --depth == 0)
				return i + 1;
		}
		return end;
	}
}

struct kp_tok {
	size_t off, len;
	char *lit;
	int region;
	bool del, init;
	const char *replace; /* the add that takes its place */
};

static int kp_tokenize(const char *t, const struct kp_region *rg, int ri, struct kp_tok **v, size_t *n)
{
	size_t i = rg->start, end = rg->end;
	bool init = false;

	while (i < end) {
		size_t s;
		bool kq = false;

		while (i < end &&
		       (kp_space(t[i]) || (rg->q == KP_SH_DQ && t[i] == '\\' && i + 1 < end && t[i + 1] == '\n')))
			i += t[i] == '\\' ? 2 : 1;
		if (i >= end)
			break;
		s = i;
		while (i < end && (kq || !kp_space(t[i]))) {
			if (rg->q == KP_SH_DQ && t[i] == '\\' && i + 1 < end) {
				if (t[i + 1] == '\n')
					break;
				if (t[i + 1] == '"')
					kq = !kq;
				i += 2;
				continue;
			}
			if (rg->q == KP_SH_DQ &&
			    (t[i] == '`' || (t[i] == '$' && i + 1 < end && strchr("({", t[i + 1])))) {
				i = kp_skip_subst(t, i, end);
				continue;
			}
			if (t[i] == '"' && rg->q != KP_SH_DQ)
				kq = !kq;
			i++;
		}
		{
			struct kp_tok *nv = realloc(*v, (*n + 1) * sizeof(**v));
			char *lit = kp_decode(t + s, i - s, rg->q);

			if (!nv || !lit) {
				free(lit);
				if (nv)
					*v = nv;
				return -ENOMEM;
			}
			*v = nv;
			/* Everything after a bare "--" is for init, not the kernel (kernel/params.c). */
			if (streq(lit, "--"))
				init = true;
			nv[(*n)++] = (struct kp_tok){.off = s, .len = i - s, .lit = lit, .region = ri, .init = init};
		}
	}
	return 0;
}

static void kp_toks_free(struct kp_tok *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].lit);
	free(v);
}

int kp_edit(const char *text, struct kp_region *rg, size_t nr, const struct vk_kparams *p, struct splices *s,
	    struct vk_edit_result *r, char ***ret_pending)
{
	struct kp_tok *tk = NULL;
	size_t nt = 0, na = cstrv_length(p->add);
	_cleanup_free_ bool *sat = calloc(na + 1, sizeof(bool));
	int k = 0, last_target = -1;
	_cleanup_strv_free_ char **pending = calloc(1, sizeof(char *));

	if (!sat || !pending)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		rg[i].changed = false;
		rg[i].tokens_after = 0;
		if (rg[i].target)
			last_target = (int)i;
		k = kp_tokenize(text, &rg[i], (int)i, &tk, &nt);
		if (k < 0)
			goto out;
	}

	/* Removals; a parameter that is also to be added stays (once). */
	for (size_t i = 0; i < nt; i++) {
		bool rm = false;

		if (tk[i].init)
			continue;
		for (const char *const *e = p->remove; e && *e && !rm; e++)
			rm = (!rg[tk[i].region].names_only || !strchr(*e, '=')) && kp_remove_matches(*e, tk[i].lit);
		for (size_t a = 0; a < na; a++) {
			if (!kp_param_eq(p->add[a], tk[i].lit) || !rg[tk[i].region].counts)
				continue;
			if (rm && sat[a])
				break; /* a second copy of a parameter being replaced: goes */
			sat[a] = true;
			rm = false;
			break;
		}
		if (rm) {
			tk[i].del = true;
			if ((k = strv_extend(&r->removed, tk[i].lit)) < 0)
				goto out;
		}
	}
	/* A replacement takes the place of the first parameter of that name it removes. */
	for (size_t a = 0; a < na; a++) {
		if (sat[a])
			continue;
		for (size_t i = 0; i < nt; i++) {
			if (!tk[i].del || tk[i].replace || !rg[tk[i].region].target ||
			    !kp_name_matches(tk[i].lit, p->add[a]))
				continue;
			tk[i].replace = p->add[a];
			sat[a] = true;
			if ((k = strv_extend(&r->added, p->add[a])) < 0)
				goto out;
			break;
		}
	}
	for (size_t a = 0; a < na; a++) {
		if (sat[a])
			continue;
		if (last_target < 0) {
			if ((k = strv_extend(&pending, p->add[a])) < 0)
				goto out;
			continue;
		}
		if ((k = strv_extend(&r->added, p->add[a])) < 0)
			goto out;
	}

	/* Splices, region by region. */
	for (size_t ri = 0; ri < nr; ri++) {
		size_t consumed = rg[ri].start, last_survivor_end = (size_t)-1, first_del = (size_t)-1,
		       init_off = (size_t)-1;
		bool any_tok = false;
		_cleanup_strbuf_ struct strbuf add = STRBUF_INIT;

		for (size_t i = 0; i < nt; i++) {
			struct kp_tok *x = &tk[i];

			if (x->region != (int)ri)
				continue;
			any_tok = true;
			if (x->init) {
				if (init_off == (size_t)-1)
					init_off = x->off;
				continue;
			}
			if (x->replace) {
				_cleanup_free_ char *enc = kp_encode(x->replace, rg[ri].q, &k);

				if (!enc) {
					k = k ?: -ENOMEM;
					goto encode_fail;
				}
				if ((k = splice_add(s, x->off, x->len, 0, enc)) < 0)
					goto out;
				rg[ri].changed = true;
				rg[ri].tokens_after++;
				last_survivor_end = x->off + x->len;
				consumed = x->off + x->len;
				continue;
			}
			if (!x->del) {
				rg[ri].tokens_after++;
				last_survivor_end = x->off + x->len;
				consumed = x->off + x->len;
				continue;
			}
			/* Take one blank before it (the one an append put there), else one after. */
			{
				size_t a = x->off, b = x->off + x->len;

				if (a > rg[ri].start && a - 1 >= consumed && kp_space(text[a - 1]))
					a--;
				else if (b < rg[ri].end && kp_space(text[b]))
					b++;
				if (first_del == (size_t)-1)
					first_del = a;
				if ((k = splice_add(s, a, b - a, 0, "")) < 0)
					goto out;
				consumed = b;
				rg[ri].changed = true;
			}
		}
		if ((int)ri != last_target)
			continue;
		for (size_t a = 0; a < na; a++) {
			_cleanup_free_ char *enc = NULL;

			if (sat[a])
				continue;
			enc = kp_encode(p->add[a], rg[ri].q, &k);
			if (!enc) {
				k = k ?: -ENOMEM;
				goto encode_fail;
			}
			if ((add.len > 0 && strbuf_addc(&add, ' ') < 0) || strbuf_adds(&add, enc) < 0) {
				k = -ENOMEM;
				goto out;
			}
			rg[ri].tokens_after++;
		}
		if (add.len == 0)
			continue;
		rg[ri].changed = true;
		if (last_survivor_end != (size_t)-1) {
			_cleanup_free_ char *t = xasprintf(" %s", add.s);

			k = t ? splice_add(s, last_survivor_end, 0, 0, t) : -ENOMEM;
		} else if (init_off != (size_t)-1) {
			_cleanup_free_ char *t = xasprintf("%s ", add.s);

			k = t ? splice_add(s, init_off, 0, 0, t) : -ENOMEM;
		} else if (first_del != (size_t)-1)
			k = splice_add(s, first_del, 0, 0, add.s);
		else if (!any_tok && rg[ri].end > rg[ri].start) {
			_cleanup_free_ char *t = xasprintf(" %s", add.s);

			k = t ? splice_add(s, rg[ri].end, 0, 0, t) : -ENOMEM;
		} else
			k = splice_add(s, rg[ri].start, 0, 0, add.s);
		if (k < 0)
			goto out;
	}
	if (ret_pending)
		*ret_pending = TAKE_PTR(pending);
	k = 0;
	goto out;

encode_fail:
	kp_toks_free(tk, nt);
	if (k == -EINVAL)
		return edit_fail(r, k, 0, _("a kernel parameter cannot be written in this file's quoting"));
	return k;
out:
	kp_toks_free(tk, nt);
	return k;
}

/* ---------------------------------------------------------------- modules */

static void mod_norm(const char *s, char *buf, size_t size)
{
	size_t i = 0;

	for (; s[i] && i + 1 < size; i++)
		buf[i] = s[i] == '-' ? '_' : s[i];
	buf[i] = '\0';
	/* mkinitcpio: a trailing '?' marks an optional module. */
	if (i > 0 && buf[i - 1] == '?')
		buf[i - 1] = '\0';
}

bool mod_name_eq(const char *a, const char *b)
{
	char x[256], y[256];

	mod_norm(a, x, sizeof(x));
	mod_norm(b, y, sizeof(y));
	return streq(x, y);
}

bool vk_module_is_gpu_driver(const char *name)
{
	static const char *const gpu[] = {"amdgpu", "radeon", "nouveau", "i915", "xe"};
	char n[256];

	mod_norm(name, n, sizeof(n));
	if (startswith(n, "nvidia"))
		return true;
	for (size_t i = 0; i < ELEMENTSOF(gpu); i++)
		if (streq(n, gpu[i]))
			return true;
	return false;
}

int vk_vfio_modules(const char *kernel_release, char ***ret_modules, char ***ret_obsolete)
{
	_cleanup_strv_free_ char **mods = NULL, **obs = NULL;
	unsigned long major = 0, minor = 0;
	const char *p = kernel_release;
	int k;

	if (!p || !isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p) && major < 1000)
		major = major * 10 + (unsigned long)(*p++ - '0');
	if (*p++ != '.' || !isdigit((unsigned char)*p))
		return -EINVAL;
	while (isdigit((unsigned char)*p) && minor < 1000)
		minor = minor * 10 + (unsigned long)(*p++ - '0');
	if (isdigit((unsigned char)*p))
		return -EINVAL;

	k = strv_split("vfio_pci vfio vfio_iommu_type1", " ", &mods);
	if (k < 0)
		return k;
	obs = calloc(1, sizeof(char *));
	if (!obs)
		return -ENOMEM;
	/* vfio_virqfd.ko was folded into vfio.ko in 6.2 (commit e2d55709398e). */
	if (major < 6 || (major == 6 && minor < 2))
		k = strv_extend(&mods, "vfio_virqfd");
	else
		k = strv_extend(&obs, "vfio_virqfd");
	if (k < 0)
		return k;
	*ret_modules = TAKE_PTR(mods);
	if (ret_obsolete)
		*ret_obsolete = TAKE_PTR(obs);
	return 0;
}

void mod_plan_free(struct mod_plan *p)
{
	free(p->del);
	strv_free(p->insert);
	*p = (struct mod_plan){0};
}

void mod_items_free(struct mod_item *it, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(it[i].name);
	free(it);
}

int mod_plan_make(const char *text, const struct mod_item *it, size_t n, const struct vk_modreq *m, struct mod_plan *p,
		  struct vk_edit_result *r)
{
	size_t gpu = n;
	int k;

	*p = (struct mod_plan){0};
	p->del = calloc(n + 1, sizeof(bool));
	p->insert = calloc(1, sizeof(char *));
	if (!p->del || !p->insert)
		return -ENOMEM;
	for (const char *const *x = m->modules; x && *x; x++)
		if (isempty(*x) || strpbrk(*x, " \t\n\r,\"'#()"))
			return edit_fail(r, -EINVAL, 0, _("invalid module name '%s'"), *x);

	for (size_t i = 0; i < n; i++) {
		bool wanted = false;

		for (const char *const *x = m->modules; x && *x && !wanted; x++)
			wanted = mod_name_eq(*x, it[i].name);
		for (int l = 0; l < 2 && !wanted && !p->del[i]; l++)
			for (const char *const *x = l == 0 ? m->remove : m->obsolete; x && *x; x++)
				if (mod_name_eq(*x, it[i].name)) {
					p->del[i] = true;
					if ((k = strv_extend(&r->removed, it[i].name)) < 0)
						return k;
					break;
				}
		if (!p->del[i] && gpu == n && vk_module_is_gpu_driver(it[i].name))
			gpu = i;
	}
	p->insert_at = gpu;
	for (const char *const *x = m->modules; x && *x; x++) {
		bool before = false, after = false;
		size_t first_after = n;

		for (size_t i = 0; i < n; i++) {
			if (p->del[i] || !mod_name_eq(*x, it[i].name))
				continue;
			if (i < gpu)
				before = true;
			else {
				if (!after)
					first_after = i;
				after = true;
			}
		}
		if (before) {
			/* Copies after a GPU driver are redundant and misleading: they go. */
			for (size_t i = gpu; after && i < n; i++)
				if (!p->del[i] && mod_name_eq(*x, it[i].name))
					p->del[i] = true;
			continue;
		}
		if (after) {
			for (size_t i = gpu; i < n; i++)
				if (!p->del[i] && mod_name_eq(*x, it[i].name))
					p->del[i] = true;
			if ((k = strv_push(&p->insert, xstrndup(text + it[first_after].off, it[first_after].len))) <
				0 ||
			    (k = strv_extend(&r->moved, *x)) < 0)
				return k;
			continue;
		}
		if ((k = strv_extend(&p->insert, *x)) < 0 || (k = strv_extend(&r->added, *x)) < 0)
			return k;
	}
	return 0;
}

static bool sep_space(char c, char sep)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == sep;
}

int seplist_render(const char *text, const struct mod_item *it, size_t n, const struct mod_plan *p, char sep,
		   const size_t *rstart, const size_t *rend, int append_region, struct splices *s)
{
	_cleanup_free_ char *joined = NULL;
	char sepstr[2] = {sep, '\0'};
	size_t consumed = 0, first_del = (size_t)-1;
	int cur = -1, k;

	if (p->insert[0]) {
		joined = strv_join((const char *const *)p->insert, sepstr);
		if (!joined)
			return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		size_t a = it[i].off, b = it[i].off + it[i].len, rs = rstart[it[i].region], re = rend[it[i].region];

		if (it[i].region != cur) {
			cur = it[i].region;
			consumed = rs;
		}
		if (i == p->insert_at && joined) {
			_cleanup_free_ char *t = xasprintf("%s%c", joined, sep);

			if (!t || (k = splice_add(s, a, 0, 0, t)) < 0)
				return -ENOMEM;
		}
		if (!p->del[i]) {
			consumed = b;
			continue;
		}
		if (sep == ',') {
			/* The comma before it (and blanks), else the comma after it (and blanks). */
			size_t q = a;

			while (q > consumed && (text[q - 1] == ' ' || text[q - 1] == '\t'))
				q--;
			if (q > consumed && text[q - 1] == ',')
				a = q - 1;
			else {
				size_t e = b;

				while (e < re && (text[e] == ' ' || text[e] == '\t'))
					e++;
				if (e < re && text[e] == ',') {
					e++;
					while (e < re && (text[e] == ' ' || text[e] == '\t'))
						e++;
					b = e;
				}
			}
		} else if (a > rs && a - 1 >= consumed && sep_space(text[a - 1], sep))
			a--;
		else if (b < re && sep_space(text[b], sep))
			b++;
		if (it[i].region == append_region && first_del == (size_t)-1)
			first_del = a;
		if ((k = splice_add(s, a, b - a, 0, "")) < 0)
			return k;
		consumed = b;
	}
	if (joined && p->insert_at >= n) {
		/* Append after the last item that stays in the region, or into an empty region. */
		size_t at = (size_t)-1, rs = rstart[append_region], re = rend[append_region];
		bool blank = true;
		_cleanup_free_ char *t = NULL;

		for (size_t i = 0; i < n; i++)
			if (it[i].region == append_region && !p->del[i])
				at = it[i].off + it[i].len;
		for (size_t i = rs; i < re; i++)
			if (!sep_space(text[i], sep))
				blank = false;
		if (at != (size_t)-1)
			t = xasprintf("%c%s", sep, joined);
		else if (blank && re > rs && sep == ' ') {
			at = re;
			t = xasprintf(" %s", joined);
		} else {
			at = first_del != (size_t)-1 ? first_del : rs;
			t = strdup(joined);
		}
		if (!t || (k = splice_add(s, at, 0, 0, t)) < 0)
			return -ENOMEM;
	}
	return 0;
}

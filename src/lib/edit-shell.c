/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Just enough of the POSIX shell grammar (and bash's NAME=( ... ) arrays) to find the variable
 * assignments of /etc/default/grub, mkinitcpio.conf and dracut.conf, which their tools source
 * with sh or bash. Quotes, backslashes, $( ), ${ }, backquotes and comments are followed so that
 * a '#' or a newline inside a string is not taken for what it is outside, and an unbalanced one
 * is reported with the line where it opened.
 */
#include <ctype.h>

#include "edit-internal.h"

struct lexer {
	const char *t;
	size_t len;
	struct vk_edit_result *r;
};

static int lex_fail(struct lexer *x, size_t at, const char *what)
{
	return edit_fail(x->r, -EBADMSG, line_at(x->t, at), "%s", what);
}

static int skip_dq(struct lexer *x, size_t *p);
static int skip_subst(struct lexer *x, size_t *p);

static int skip_sq(struct lexer *x, size_t *p)
{
	size_t open = *p;
	const char *e = memchr(x->t + open + 1, '\'', x->len - open - 1);

	if (!e)
		return lex_fail(x, open, _("unterminated single quote"));
	*p = (size_t)(e - x->t) + 1;
	return 0;
}

static int skip_bq(struct lexer *x, size_t *p)
{
	size_t open = *p, i = open + 1;

	for (; i < x->len; i++) {
		if (x->t[i] == '\\')
			i++;
		else if (x->t[i] == '`') {
			*p = i + 1;
			return 0;
		}
	}
	return lex_fail(x, open, _("unterminated backquote"));
}

/* $( ... ), $(( ... )) or ${ ... } starting at *p (the '$'). */
static int skip_subst(struct lexer *x, size_t *p)
{
	size_t open = *p, i = open + 1;
	char o = x->t[i], c = o == '(' ? ')' : '}';
	int depth = 0, k;

	for (; i < x->len;) {
		char ch = x->t[i];

		if (ch == '\\') {
			i += 2;
			continue;
		}
		if (ch == '\'' && o == '(') {
			if ((k = skip_sq(x, &i)) < 0)
				return k;
			continue;
		}
		if (ch == '"') {
			if ((k = skip_dq(x, &i)) < 0)
				return k;
			continue;
		}
		if (ch == '`') {
			if ((k = skip_bq(x, &i)) < 0)
				return k;
			continue;
		}
		if (ch == '$' && i + 1 < x->len && (x->t[i + 1] == '(' || x->t[i + 1] == '{')) {
			if ((k = skip_subst(x, &i)) < 0)
				return k;
			continue;
		}
		if (ch == o)
			depth++;
		else if (ch == c && --depth == 0) {
			*p = i + 1;
			return 0;
		}
		i++;
	}
	return lex_fail(x, open, o == '(' ? _("unterminated $( substitution") : _("unterminated ${ expansion"));
}

/* "..." starting at *p (the opening quote). */
static int skip_dq(struct lexer *x, size_t *p)
{
	size_t open = *p, i = open + 1;
	int k;

	while (i < x->len) {
		char ch = x->t[i];

		if (ch == '\\') {
			i += 2;
			continue;
		}
		if (ch == '"') {
			*p = i + 1;
			return 0;
		}
		if (ch == '`') {
			if ((k = skip_bq(x, &i)) < 0)
				return k;
			continue;
		}
		if (ch == '$' && i + 1 < x->len && (x->t[i + 1] == '(' || x->t[i + 1] == '{')) {
			if ((k = skip_subst(x, &i)) < 0)
				return k;
			continue;
		}
		i++;
	}
	return lex_fail(x, open, _("unterminated double quote"));
}

static bool is_meta(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' ||
	       c == '<' || c == '>';
}

/* One word from *p; *p is left at its end. */
static int skip_word(struct lexer *x, size_t *p)
{
	size_t i = *p;
	int k;

	while (i < x->len && !is_meta(x->t[i])) {
		char ch = x->t[i];

		if (ch == '\\')
			i = MIN(i + 2, x->len);
		else if (ch == '\'') {
			if ((k = skip_sq(x, &i)) < 0)
				return k;
		} else if (ch == '"') {
			if ((k = skip_dq(x, &i)) < 0)
				return k;
		} else if (ch == '`') {
			if ((k = skip_bq(x, &i)) < 0)
				return k;
		} else if (ch == '$' && i + 1 < x->len && (x->t[i + 1] == '(' || x->t[i + 1] == '{')) {
			if ((k = skip_subst(x, &i)) < 0)
				return k;
		} else
			i++;
	}
	*p = i;
	return 0;
}

/* NAME= or NAME+= at the start of [s, e): the length of NAME, 0 if it is not an assignment. */
static size_t assignment_name(const char *t, size_t s, size_t e, bool *append)
{
	size_t i = s;

	if (i >= e || !(isalpha((unsigned char)t[i]) || t[i] == '_'))
		return 0;
	while (i < e && (isalnum((unsigned char)t[i]) || t[i] == '_'))
		i++;
	*append = i + 1 < e && t[i] == '+' && t[i + 1] == '=';
	if (*append || (i < e && t[i] == '='))
		return i - s;
	return 0;
}

static bool word_is(const char *t, size_t s, size_t e, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == e - s && strneq(t + s, *list, e - s))
			return true;
	return false;
}

void sh_assigns_free(struct sh_assign *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].name);
		free(a[i].elems);
	}
	free(a);
}

static int push_assign(struct sh_assign **v, size_t *n, struct sh_assign a)
{
	struct sh_assign *nv = realloc(*v, (*n + 1) * sizeof(a));

	if (!nv) {
		free(a.name);
		free(a.elems);
		return -ENOMEM;
	}
	*v = nv;
	nv[(*n)++] = a;
	return 0;
}

static int parse_array(struct lexer *x, size_t open, struct sh_assign *a, size_t *end)
{
	size_t i = open + 1;
	int k;

	for (;;) {
		struct sh_word *nw;
		size_t s;

		while (i < x->len && (x->t[i] == ' ' || x->t[i] == '\t' || x->t[i] == '\n'))
			i++;
		if (i + 1 < x->len && x->t[i] == '\\' && x->t[i + 1] == '\n') {
			i += 2;
			continue;
		}
		if (i >= x->len)
			return lex_fail(x, open, _("unterminated array: no closing parenthesis"));
		if (x->t[i] == '#') {
			while (i < x->len && x->t[i] != '\n')
				i++;
			continue;
		}
		if (x->t[i] == ')') {
			a->vend = i;
			*end = i + 1;
			return 0;
		}
		if (is_meta(x->t[i]))
			return edit_fail(
			    x->r, -EBADMSG, line_at(x->t, open),
			    _("unterminated array: unexpected '%c' on line %u before the closing parenthesis"), x->t[i],
			    line_at(x->t, i));
		s = i;
		if ((k = skip_word(x, &i)) < 0)
			return k;
		nw = realloc(a->elems, (a->n_elems + 1) * sizeof(*nw));
		if (!nw)
			return -ENOMEM;
		a->elems = nw;
		nw[a->n_elems++] = (struct sh_word){s, i};
	}
}

int sh_parse(const char *text, bool bash, struct sh_assign **ret, size_t *ret_n, struct vk_edit_result *r)
{
	static const char *const reserved[] = {"if",  "then", "else", "elif", "fi", "do", "done", "while", "until",
					       "for", "case", "esac", "!",    "{",  "}",  "time", NULL};
	static const char *const decl[] = {"export", "readonly", "local", "declare", "typeset", NULL};
	struct lexer x = {.t = strempty(text), .len = strlen(strempty(text)), .r = r};
	struct sh_assign *v = NULL;
	size_t n = 0, p = 0;
	bool cmd_start = true, in_decl = false;
	int k;

	while (p < x.len) {
		char c = x.t[p];
		size_t s;
		bool append;
		size_t nl;

		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
			continue;
		}
		if (c == '\\' && p + 1 < x.len && x.t[p + 1] == '\n') {
			p += 2;
			continue;
		}
		if (c == '#') {
			while (p < x.len && x.t[p] != '\n')
				p++;
			continue;
		}
		if (c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')') {
			cmd_start = true;
			in_decl = false;
			p++;
			continue;
		}
		if (c == '<' || c == '>') {
			p++;
			cmd_start = false;
			continue;
		}
		s = p;
		if ((k = skip_word(&x, &p)) < 0)
			goto fail;
		if (p == s) {
			p++;
			continue;
		}
		nl = (cmd_start || in_decl) ? assignment_name(x.t, s, p, &append) : 0;
		if (nl > 0) {
			struct sh_assign a = {.append = append, .start = s, .line = line_at(x.t, s)};
			size_t vs = s + nl + (append ? 2 : 1);

			a.name = xstrndup(x.t + s, nl);
			if (!a.name) {
				k = -ENOMEM;
				goto fail;
			}
			if (bash && p == vs && p < x.len && x.t[p] == '(') {
				a.array = true;
				a.vstart = p + 1;
				if ((k = parse_array(&x, p, &a, &p)) < 0) {
					free(a.name);
					free(a.elems);
					goto fail;
				}
			} else {
				a.vstart = vs;
				a.vend = p;
			}
			if ((k = push_assign(&v, &n, a)) < 0)
				goto fail;
			continue; /* more assignments, or a command, may follow */
		}
		if (cmd_start && word_is(x.t, s, p, decl)) {
			in_decl = true;
			continue;
		}
		if (in_decl && x.t[s] == '-')
			continue;
		cmd_start = word_is(x.t, s, p, reserved) && cmd_start;
		in_decl = false;
	}
	*ret = v;
	*ret_n = n;
	return 0;
fail:
	sh_assigns_free(v, n);
	return k;
}

int sh_value_region(const char *text, const struct sh_assign *a, size_t *ret_start, size_t *ret_end,
		    enum kp_quote *ret_q, bool *ret_bare, struct vk_edit_result *r)
{
	size_t s = a->vstart, e = a->vend;
	struct lexer x = {.t = text, .len = strlen(text), .r = r};

	*ret_bare = false;
	if (e > s + 1 && text[s] == '\'' && memchr(text + s + 1, '\'', e - s - 1) == text + e - 1) {
		*ret_start = s + 1;
		*ret_end = e - 1;
		*ret_q = KP_SH_SQ;
		return 0;
	}
	if (e > s + 1 && text[s] == '"') {
		size_t p = s;
		int k = skip_dq(&x, &p);

		if (k < 0)
			return k;
		if (p == e) {
			*ret_start = s + 1;
			*ret_end = e - 1;
			*ret_q = KP_SH_DQ;
			return 0;
		}
	}
	for (size_t i = s; i < e; i++)
		if (strchr("\"'\\$`", text[i]))
			return edit_fail(
			    r, -EBADMSG, a->line,
			    _("cannot edit %s: its value mixes quoting styles or expansions outside quotes"), a->name);
	*ret_start = s;
	*ret_end = e;
	*ret_q = KP_SH_DQ;
	*ret_bare = true;
	return 0;
}

char *sh_unquote(const char *s, size_t n)
{
	_cleanup_strbuf_ struct strbuf b = STRBUF_INIT;
	char q = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!q && (c == '\'' || c == '"')) {
			q = c;
			continue;
		}
		if (q && c == q) {
			q = 0;
			continue;
		}
		if (c == '\\' && q != '\'' && i + 1 < n)
			c = s[++i];
		if (strbuf_addc(&b, c) < 0)
			return NULL;
	}
	return strbuf_detach(&b);
}

int words_in(const char *text, size_t start, size_t end, int region, struct mod_item **it, size_t *n)
{
	size_t i = start;

	while (i < end) {
		size_t s;
		struct mod_item *nv;

		while (i < end && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
			i++;
		if (i >= end)
			break;
		s = i;
		while (i < end && !(text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
			i++;
		nv = realloc(*it, (*n + 1) * sizeof(**it));
		if (!nv)
			return -ENOMEM;
		*it = nv;
		nv[*n] =
		    (struct mod_item){.off = s, .len = i - s, .name = sh_unquote(text + s, i - s), .region = region};
		if (!nv[*n].name)
			return -ENOMEM;
		(*n)++;
	}
	return 0;
}

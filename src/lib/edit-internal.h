/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the editors (edit-*.c) share: byte-exact splicing, errors, the kernel parameter engine,
 * the module list planner and a small sh/bash lexer. Not part of the library's interface. */
#pragma once

#include "edit.h"
#include "util.h"

/* strv_length() for the editors' const lists. */
static inline size_t cstrv_length(const char *const *l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

/* ---- splices: replace [off, off+len) by text; applied all at once to the original text ---- */
struct splice {
	size_t off, len;
	int prio; /* among insertions at one offset: lower first, then in the order added */
	size_t seq;
	char *text;
};
struct splices {
	struct splice *v;
	size_t n;
};
int splice_add(struct splices *s, size_t off, size_t len, int prio, const char *text);
void splices_free(struct splices *s);
#define _cleanup_splices_ _cleanup_(splices_free)

/* Sets up @r (empty lists) for an editor; call first. */
int edit_begin(struct vk_edit_result *r);
/* Applies @s to @orig (NULL: empty) and stores the result in @r. */
int edit_finish(struct vk_edit_result *r, const char *orig, const struct splices *s);
/* Stores @text (taken) as the result. */
int edit_finish_text(struct vk_edit_result *r, const char *orig, char *text);
/* Records a failure: frees any result, sets line and message, returns @err. */
int edit_fail(struct vk_edit_result *r, int err, unsigned line, const char *fmt, ...) _printf_(4, 5);
int edit_note(struct vk_edit_result *r, const char *fmt, ...) _printf_(2, 3);
unsigned line_at(const char *text, size_t off);

/* Lines of a text: [start, end) without the newline; nl tells whether one follows. */
struct line {
	size_t start, end;
	bool nl;
};
int split_lines(const char *text, struct line **ret, size_t *ret_n);
/* Deletes the lines flagged in @del (whole lines with their newline; a deleted last line that
 * had no newline takes the newline before it, so a file without a final newline stays so). */
int splice_delete_lines(struct splices *s, const struct line *l, size_t n, const bool *del);
/* The text to append a new line @line (no newline) to @text: keeps a missing final newline
 * missing, so that deleting the line again restores the file. */
char *append_line_text(const char *text, const char *line);
/* Deletes from @text every line equal to @line that directly follows a VK_EDIT_MARKER line,
 * together with that marker line. Returns true if it deleted something. */
int drop_marked_lines(char **text, const char *line);

/* ---- kernel parameters ---- */
enum kp_quote {
	KP_PLAIN,  /* a bare command line: /etc/kernel/cmdline, BLS options, limine cmdline */
	KP_SH_DQ,  /* inside a shell "...": \ escapes $ ` " \ and newline */
	KP_SH_SQ,  /* inside a shell '...': no escapes, no ' */
	KP_REFIND, /* inside a rEFInd "...": no escapes, no " */
};
struct kp_region {
	size_t start, end;
	enum kp_quote q;
	bool target;	 /* adds may go here (the last target region gets them) */
	bool counts;	 /* a parameter here counts as present */
	bool names_only; /* only removals by name (any value) apply here, not of a whole parameter */
	/* out */
	bool changed;
	size_t tokens_after;
};
/* Plans @p over the regions of @text into @s. Adds that have no target region to go to are
 * returned in @ret_pending (caller creates a place for them); may be NULL if there always is one. */
int kp_edit(const char *text, struct kp_region *rg, size_t n, const struct vk_kparams *p, struct splices *s,
	    struct vk_edit_result *r, char ***ret_pending);
/* A parameter in the form a context needs; NULL with -EINVAL in @err when impossible. */
char *kp_encode(const char *lit, enum kp_quote q, int *err);
/* Checks @p's parameters: non-empty, no newline, no whitespace outside kernel quotes. */
int kp_validate(const struct vk_kparams *p, struct vk_edit_result *r);
bool kp_param_eq(const char *a, const char *b);

/* ---- module lists ---- */
struct mod_item {
	size_t off, len; /* the raw item (a word, a line) */
	char *name;	 /* its module name, unquoted */
	int region;	 /* which region/assignment it is in */
};
struct mod_plan {
	bool *del;	  /* per item */
	size_t insert_at; /* insert before this item; == n: append */
	char **insert;	  /* the texts to insert, in order */
};
void mod_plan_free(struct mod_plan *p);
int mod_plan_make(const char *text, const struct mod_item *it, size_t n, const struct vk_modreq *m, struct mod_plan *p,
		  struct vk_edit_result *r);
bool mod_name_eq(const char *a, const char *b);
/* Renders a plan over items separated by whitespace (@sep ' ') or commas (@sep ','), in
 * regions [rstart[i], rend[i]). Appends go to region @append_region. */
int seplist_render(const char *text, const struct mod_item *it, size_t n, const struct mod_plan *p, char sep,
		   const size_t *rstart, const size_t *rend, int append_region, struct splices *s);
void mod_items_free(struct mod_item *it, size_t n);

/* ---- sh/bash ---- */
struct sh_word {
	size_t start, end;
};
struct sh_assign {
	char *name;
	bool append;	     /* NAME+= */
	bool array;	     /* NAME=( ... ) (bash) */
	size_t start;	     /* offset of NAME */
	size_t vstart, vend; /* the value word, or what is between the parentheses */
	unsigned line;
	struct sh_word *elems; /* array elements */
	size_t n_elems;
};
void sh_assigns_free(struct sh_assign *a, size_t n);
/* Finds the assignments made at the start of a command. -EBADMSG (in @r) on an unterminated
 * quote, substitution or array. */
int sh_parse(const char *text, bool bash, struct sh_assign **ret, size_t *ret_n, struct vk_edit_result *r);
/* Where the value of a scalar assignment can be edited: inside "..." (KP_SH_DQ) or '...'
 * (KP_SH_SQ), or a plain word without quotes or expansions (KP_SH_DQ, *bare = true).
 * -EBADMSG when the value mixes quoting styles. */
int sh_value_region(const char *text, const struct sh_assign *a, size_t *ret_start, size_t *ret_end,
		    enum kp_quote *ret_q, bool *ret_bare, struct vk_edit_result *r);
/* Splits a shell string value region into whitespace-separated words (module lists). */
int words_in(const char *text, size_t start, size_t end, int region, struct mod_item **it, size_t *n);
/* The unquoted text of a simple shell word ("'vfio'" -> "vfio"). */
char *sh_unquote(const char *s, size_t n);

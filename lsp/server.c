// SPDX-License-Identifier: MIT
/*
 * The language server's protocol half (lsp.h): JSON-RPC messages in and
 * out (json-c), the lifecycle (initialize, shutdown, exit), open documents
 * and their edits, diagnostics from the front end, the generated C (a
 * command, and go-to-definition through the generated program's line map),
 * formatting; completion and hover are lsp/assist.c's.
 *
 * Every document change is kept and marked; kf_lsp__serve() checks the
 * changed documents when no more input is waiting, so a burst of
 * keystrokes costs one compile. Nothing a client sends can stop the
 * server but 'exit' or the end of its input: a malformed message is
 * answered with a JSON-RPC error (or dropped, for a notification).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "btf_types.h"
#include "format.h"
#include "internal.h"
#include "ksyms.h"
#include "util.h"

/* JSON-RPC and LSP error codes */
#define ERR_PARSE		-32700
#define ERR_INVALID_REQUEST	-32600
#define ERR_METHOD_NOT_FOUND	-32601
#define ERR_INVALID_PARAMS	-32602
#define ERR_NOT_INITIALIZED	-32002
#define ERR_REQUEST_FAILED	-32803

/* Messages larger than this are read and dropped (a document is at most KF_MAX_SOURCE). */
#define MAX_MESSAGE		(64 * 1024 * 1024)

#define CMD_SHOW_C		"kfault.showGeneratedC"

/* ---- json-c, shorter ---- */

void lsp_set(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

void lsp_set_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

void lsp_set_int(json_object *o, const char *key, long long v)
{
	json_object_object_add(o, key, json_object_new_int64(v));
}

static json_object *get(json_object *o, const char *key)
{
	json_object *v;

	return o && json_object_is_type(o, json_type_object) &&
	       json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* o.key as a string, or NULL if it is not one. */
static const char *get_str(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* o.key as an int, or dflt if it is not one. */
static long long get_int(json_object *o, const char *key, long long dflt)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}

static bool get_bool(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* ---- output ---- */

static void send(struct kf_lsp *s, json_object *msg)
{
	size_t len;
	const char *body;
	char head[64];
	int n;

	lsp_set_str(msg, "jsonrpc", "2.0");
	body = json_object_to_json_string_length(msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
						 &len);
	n = snprintf(head, sizeof(head), "Content-Length: %zu\r\n\r\n", len);
	if (!s->write_err)
		s->write_err = s->opts.write(s->opts.write_ctx, head, (size_t)n);
	if (!s->write_err)
		s->write_err = s->opts.write(s->opts.write_ctx, body, len);
	json_object_put(msg);
}

static void reply(struct kf_lsp *s, json_object *id, json_object *result)
{
	json_object *m = json_object_new_object();

	lsp_set(m, "id", json_object_get(id));
	lsp_set(m, "result", result);	/* NULL is JSON null */
	send(s, m);
}

static void reply_error(struct kf_lsp *s, json_object *id, int code, const char *message)
{
	json_object *m = json_object_new_object(), *e = json_object_new_object();

	lsp_set_int(e, "code", code);
	lsp_set_str(e, "message", message);
	lsp_set(m, "id", id ? json_object_get(id) : NULL);
	lsp_set(m, "error", e);
	send(s, m);
}

static void notify(struct kf_lsp *s, const char *method, json_object *params)
{
	json_object *m = json_object_new_object();

	lsp_set_str(m, "method", method);
	lsp_set(m, "params", params);
	send(s, m);
}

/* window/showMessage: 1 error, 2 warning, 3 info. */
static void show_message(struct kf_lsp *s, int type, const char *text)
{
	json_object *p = json_object_new_object();

	lsp_set_int(p, "type", type);
	lsp_set_str(p, "message", text);
	notify(s, "window/showMessage", p);
}

/* ---- positions ---- */

/* UTF-16 code units of the UTF-8 bytes p[0..n): a 4-byte sequence is two, a stray byte one. */
static size_t utf16_units(const char *p, size_t n)
{
	size_t u = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c & 0xc0) == 0x80 && i > 0)
			continue;
		u += c >= 0xf0 && c < 0xf8 ? 2 : 1;
	}
	return u;
}

static size_t line_end(const struct lsp_doc *d, size_t line)
{
	size_t end = line + 1 < d->lines.n ? d->lines.start[line + 1] - 1 : d->len;

	if (end > d->lines.start[line] && d->text[end - 1] == '\r')
		end--;
	return end;
}

size_t lsp_offset(const struct kf_lsp *s, const struct lsp_doc *d, int line, int character)
{
	size_t start, end, off, units;

	if (line < 0)
		return 0;
	if ((size_t)line >= d->lines.n)
		return d->len;
	start = d->lines.start[line];
	end = line_end(d, (size_t)line);
	if (character <= 0)
		return start;
	if (s->utf8)
		return start + (size_t)character < end ? start + (size_t)character : end;
	for (off = start, units = 0; off < end; ) {
		size_t next = off + 1;

		while (next < end && ((unsigned char)d->text[next] & 0xc0) == 0x80)
			next++;
		units += utf16_units(d->text + off, next - off);
		if (units > (size_t)character)
			break;
		off = next;
	}
	return off;
}

json_object *lsp_position(const struct kf_lsp *s, const struct lsp_doc *d, size_t off)
{
	json_object *p = json_object_new_object();
	int line, col;
	size_t start;

	if (off > d->len)
		off = d->len;
	kf_lines__pos(&d->lines, off, &line, &col);
	start = d->lines.start[line - 1];
	lsp_set_int(p, "line", line - 1);
	lsp_set_int(p, "character", s->utf8 ? (long long)(off - start)
					    : (long long)utf16_units(d->text + start, off - start));
	return p;
}

json_object *lsp_range(const struct kf_lsp *s, const struct lsp_doc *d, size_t lo, size_t hi)
{
	json_object *r = json_object_new_object();

	lsp_set(r, "start", lsp_position(s, d, lo));
	lsp_set(r, "end", lsp_position(s, d, hi < lo ? lo : hi));
	return r;
}

/* The byte offset of a 1-based line and byte column (a struct kf_loc's), clamped to d. */
static size_t loc_offset(const struct lsp_doc *d, int line, int col)
{
	size_t start, end;

	if (line < 1)
		return 0;
	if ((size_t)line > d->lines.n)
		return d->len;
	start = d->lines.start[line - 1];
	end = line + 1 <= (int)d->lines.n && (size_t)line < d->lines.n ? d->lines.start[line] : d->len;
	if (col < 1)
		return start;
	return start + (size_t)col - 1 < end ? start + (size_t)col - 1 : end;
}

/* The bytes [*lo, *hi) of a diagnostic's location (none: the start of the file). */
static void loc_bytes(const struct lsp_doc *d, struct kf_loc loc, size_t *lo, size_t *hi)
{
	*lo = *hi = 0;
	if (!loc.first_line)
		return;
	*lo = loc_offset(d, loc.first_line, loc.first_column);
	*hi = loc_offset(d, loc.last_line, loc.last_column) + 1;
	if (*hi > d->len)
		*hi = d->len;
	if (*hi < *lo)
		*hi = *lo;
}

static json_object *position_param(json_object *params, int *line, int *character)
{
	json_object *pos = get(params, "position");

	*line = (int)get_int(pos, "line", -1);
	*character = (int)get_int(pos, "character", -1);
	return pos;
}

/* ---- documents ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A file: URI's path, percent-decoded; another URI as it is. */
static char *uri_path(const char *uri)
{
	struct kf_buf b = {0};
	const char *p;

	if (strncmp(uri, "file://", 7))
		return kf_strdup(uri);
	for (p = uri + 7; *p; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			char c = (char)(hexval(p[1]) * 16 + hexval(p[2]));

			kf_buf_putc(&b, c ? c : '?');
			p += 2;
		} else {
			kf_buf_putc(&b, *p);
		}
	}
	return b.s ? kf_buf_steal(&b) : kf_strdup("");
}

static struct lsp_doc *find_doc(struct kf_lsp *s, const char *uri)
{
	if (!uri)
		return NULL;
	for (size_t i = 0; i < s->ndocs; i++)
		if (strcmp(s->docs[i]->uri, uri) == 0)
			return s->docs[i];
	return NULL;
}

static struct lsp_doc *doc_param(struct kf_lsp *s, json_object *params)
{
	return find_doc(s, get_str(get(params, "textDocument"), "uri"));
}

static void doc_set_text(struct lsp_doc *d, char *text, size_t len)
{
	free(d->text);
	d->text = text;
	d->len = len;
	kf_lines__fini(&d->lines);
	kf_lines__init(&d->lines, d->text, d->len);
	d->dirty = true;
	if (d->compiled)
		kf_unit__fini(&d->unit);
	d->compiled = false;
}

static void doc_free(struct lsp_doc *d)
{
	if (d->compiled)
		kf_unit__fini(&d->unit);
	kf_lines__fini(&d->lines);
	free(d->text);
	free(d->path);
	free(d->uri);
	free(d);
}

/* Compile d's current text (once per version). */
static struct kf_unit *doc_unit(struct kf_lsp *s, struct lsp_doc *d)
{
	struct kf_source *src;

	if (d->compiled)
		return &d->unit;
	src = kf_source__from_string(d->path, d->text, d->len);
	if (!src)
		kf_oom();
	KF_OPTS(kf_unit_opts, uo, .btf = s->btf, .btf_path = s->btf_used, .ksyms = s->ksyms);
	/* takes src; the unit holds the diagnostics whatever it returns */
	kf_unit__compile_opts(&d->unit, src, &uo);
	d->compiled = true;
	return &d->unit;
}

static void publish(struct kf_lsp *s, struct lsp_doc *d)
{
	json_object *p = json_object_new_object(), *list = json_object_new_array();
	struct kf_unit *u = doc_unit(s, d);
	struct kf_diags *ds = &u->diags;

	kf_diags__sort(ds);
	for (size_t i = 0; i < ds->n; i++) {
		const struct kf_diag *g = &ds->v[i];
		json_object *o = json_object_new_object();
		size_t lo, hi;
		char *msg;

		loc_bytes(d, g->loc, &lo, &hi);
		lsp_set(o, "range", lsp_range(s, d, lo, hi));
		lsp_set_int(o, "severity", g->severity == KF_ERROR ? 1 : g->severity == KF_WARNING ? 2 : 3);
		lsp_set_str(o, "source", "kfault");
		msg = g->hint ? kf_strfmt("%s\nhint: %s", g->message, g->hint) : kf_strdup(g->message);
		lsp_set_str(o, "message", msg);
		free(msg);
		json_object_array_add(list, o);
	}
	if (ds->dropped) {
		json_object *o = json_object_new_object();
		char *msg = kf_strfmt("%d more diagnostics not shown (at most %d errors and %d warnings are)",
				      ds->dropped, KF_MAX_DIAGS, KF_MAX_DIAGS);

		lsp_set(o, "range", lsp_range(s, d, 0, 0));
		lsp_set_int(o, "severity", 3);
		lsp_set_str(o, "source", "kfault");
		lsp_set_str(o, "message", msg);
		free(msg);
		json_object_array_add(list, o);
	}
	lsp_set_str(p, "uri", d->uri);
	lsp_set_int(p, "version", d->version);
	lsp_set(p, "diagnostics", list);
	notify(s, "textDocument/publishDiagnostics", p);
	d->dirty = false;
}

void kf_lsp__idle(struct kf_lsp *s)
{
	for (size_t i = 0; i < s->ndocs; i++)
		if (s->docs[i]->dirty)
			publish(s, s->docs[i]);
}

static void did_open(struct kf_lsp *s, json_object *params)
{
	json_object *td = get(params, "textDocument"), *t = get(td, "text");
	const char *uri = get_str(td, "uri");
	struct lsp_doc *d;

	if (!uri || !t || !json_object_is_type(t, json_type_string))
		return;
	d = find_doc(s, uri);
	if (!d) {
		d = kf_calloc(1, sizeof(*d));
		d->uri = kf_strdup(uri);
		d->path = uri_path(uri);
		s->docs = kf_realloc_array(s->docs, s->ndocs + 1, sizeof(*s->docs));
		s->docs[s->ndocs++] = d;
	}
	d->version = get_int(td, "version", 0);
	doc_set_text(d, kf_strndup(json_object_get_string(t), (size_t)json_object_get_string_len(t)),
		     (size_t)json_object_get_string_len(t));
}

/* One change: a range replaced, or (no range) the whole text. */
static void apply_change(struct kf_lsp *s, struct lsp_doc *d, json_object *c)
{
	json_object *t = get(c, "text"), *r = get(c, "range");
	size_t lo, hi, n, len;
	char *text;

	if (!t || !json_object_is_type(t, json_type_string))
		return;
	n = (size_t)json_object_get_string_len(t);
	if (!r) {
		doc_set_text(d, kf_strndup(json_object_get_string(t), n), n);
		return;
	}
	lo = lsp_offset(s, d, (int)get_int(get(r, "start"), "line", 0),
			(int)get_int(get(r, "start"), "character", 0));
	hi = lsp_offset(s, d, (int)get_int(get(r, "end"), "line", 0),
			(int)get_int(get(r, "end"), "character", 0));
	if (hi < lo)
		hi = lo;
	len = d->len - (hi - lo) + n;
	text = malloc(len + 1);
	if (!text)
		kf_oom();
	memcpy(text, d->text, lo);
	memcpy(text + lo, json_object_get_string(t), n);
	memcpy(text + lo + n, d->text + hi, d->len - hi);
	text[len] = '\0';
	doc_set_text(d, text, len);
}

static void did_change(struct kf_lsp *s, json_object *params)
{
	struct lsp_doc *d = doc_param(s, params);
	json_object *changes = get(params, "contentChanges");

	if (!d || !changes || !json_object_is_type(changes, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(changes); i++)
		apply_change(s, d, json_object_array_get_idx(changes, i));
	d->version = get_int(get(params, "textDocument"), "version", d->version);
}

static void did_close(struct kf_lsp *s, json_object *params)
{
	struct lsp_doc *d = doc_param(s, params);
	json_object *p;

	if (!d)
		return;
	/* the editor forgets the file: so do its diagnostics */
	p = json_object_new_object();
	lsp_set_str(p, "uri", d->uri);
	lsp_set(p, "diagnostics", json_object_new_array());
	notify(s, "textDocument/publishDiagnostics", p);
	for (size_t i = 0; i < s->ndocs; i++) {
		if (s->docs[i] != d)
			continue;
		memmove(&s->docs[i], &s->docs[i + 1], (s->ndocs - i - 1) * sizeof(*s->docs));
		s->ndocs--;
		break;
	}
	doc_free(d);
}

/* ---- lifecycle ---- */

static void open_btf(struct kf_lsp *s, json_object *init_opts)
{
	const char *path = s->opts.btf_path, *from = get_str(init_opts, "btf");
	char *msg;

	if (s->opts.no_btf)
		return;
	if (!path && from && *from)
		path = from;	/* --btf wins: a setting is the editor's, the command line the user's */
	if (!path && access(KF_RUNNING_BTF, R_OK) == 0)
		path = KF_RUNNING_BTF;
	if (!path)
		return;
	s->btf_path = kf_strdup(path);
	s->btf = kf_btf__open_indexed(s->btf_path);
	if (!s->btf) {
		msg = kf_strfmt("kfault lsp: cannot read kernel BTF from %s: %s; checking without it",
				s->btf_path, kf_btf__strerror(errno));
		show_message(s, 2, msg);
		free(msg);
		return;
	}
	s->btf_used = s->btf_path;
	s->ksyms = kf_ksyms__new(s->btf, s->btf_used);
	kf_ksyms__btf_functions(s->ksyms, &s->funcs, &s->nfuncs);
	/* the symbols and the error-injection list, read now rather than at a first keystroke */
	kf_ksyms__lookup(s->ksyms, "");
	kf_ksyms__error_type(s->ksyms, "");
}

/* Whether the client's array at o names a value. */
static bool array_has(json_object *a, const char *value)
{
	if (!a || !json_object_is_type(a, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		const char *v = json_object_get_string(json_object_array_get_idx(a, i));

		if (v && strcmp(v, value) == 0)
			return true;
	}
	return false;
}

static json_object *initialize(struct kf_lsp *s, json_object *params)
{
	json_object *caps = get(params, "capabilities"), *r = json_object_new_object();
	json_object *sc = json_object_new_object(), *sync = json_object_new_object();
	json_object *comp = json_object_new_object(), *trig = json_object_new_array();
	json_object *exec = json_object_new_object(), *cmds = json_object_new_array();
	json_object *info = json_object_new_object();

	s->utf8 = array_has(get(get(caps, "general"), "positionEncodings"), "utf-8");
	s->snippets = get_bool(get(get(get(caps, "textDocument"), "completion"), "completionItem"),
			       "snippetSupport");
	s->show_document = get_bool(get(get(caps, "window"), "showDocument"), "support");
	open_btf(s, get(params, "initializationOptions"));

	lsp_set_str(sc, "positionEncoding", s->utf8 ? "utf-8" : "utf-16");
	lsp_set(sync, "openClose", json_object_new_boolean(1));
	lsp_set_int(sync, "change", 2);	/* incremental */
	lsp_set(sc, "textDocumentSync", sync);
	json_object_array_add(trig, json_object_new_string(">"));
	json_object_array_add(trig, json_object_new_string("."));
	json_object_array_add(trig, json_object_new_string(" "));
	lsp_set(comp, "triggerCharacters", trig);
	lsp_set(sc, "completionProvider", comp);
	lsp_set(sc, "hoverProvider", json_object_new_boolean(1));
	lsp_set(sc, "definitionProvider", json_object_new_boolean(1));
	lsp_set(sc, "documentFormattingProvider", json_object_new_boolean(1));
	lsp_set(sc, "codeActionProvider", json_object_new_boolean(1));
	json_object_array_add(cmds, json_object_new_string(CMD_SHOW_C));
	lsp_set(exec, "commands", cmds);
	lsp_set(sc, "executeCommandProvider", exec);
	lsp_set(r, "capabilities", sc);
	lsp_set_str(info, "name", "kfault");
	lsp_set_str(info, "version", KFAULT_VERSION);
	lsp_set(r, "serverInfo", info);
	s->initialized = true;
	return r;
}

/* ---- the generated C ---- */

/* Write d's generated C where the editor can open it: its path, or NULL and *why. */
static char *write_generated(struct kf_lsp *s, struct lsp_doc *d, const char **why)
{
	struct kf_unit *u = doc_unit(s, d);
	const char *base, *tmp;
	char *path, *name;
	size_t n;
	FILE *f;

	if (!u->prog.text) {
		*why = u->diags.errors ? "the file has errors: see its diagnostics" : "nothing was generated";
		return NULL;
	}
	if (!s->gen_dir) {
		tmp = getenv("TMPDIR");
		s->gen_dir = kf_strfmt("%s/kfault-lsp.XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(s->gen_dir)) {
			free(s->gen_dir);
			s->gen_dir = NULL;
			*why = "cannot make a directory for the generated C";
			return NULL;
		}
	}
	base = strrchr(d->path, '/');
	base = base ? base + 1 : d->path;
	n = strlen(base);
	if (n > 6 && strcmp(base + n - 6, ".fault") == 0)
		n -= 6;
	name = kf_strndup(base, n);
	for (char *c = name; *c; c++)
		if (*c == '/' || *c == '\\' || (unsigned char)*c < ' ')
			*c = '_';
	path = kf_strfmt("%s/%s.bpf.c", s->gen_dir, *name && strcmp(name, ".") && strcmp(name, "..") ?
		name : "file");
	free(name);
	f = fopen(path, "w");
	if (!f || fwrite(u->prog.text, 1, u->prog.len, f) != u->prog.len) {
		if (f)
			fclose(f);
		free(path);
		*why = "cannot write the generated C";
		return NULL;
	}
	fclose(f);
	return path;
}

static json_object *file_uri(const char *path)
{
	struct kf_buf b = {0};

	kf_buf_puts(&b, "file://");
	for (const char *p = path; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("/-._~", c))
			kf_buf_putc(&b, (char)c);
		else
			kf_buf_printf(&b, "%%%02X", c);
	}
	json_object *o = json_object_new_string(b.s);
	kf_buf_free(&b);
	return o;
}

static json_object *line_range(int first, int last)
{
	json_object *r = json_object_new_object(), *a = json_object_new_object(), *b = json_object_new_object();

	lsp_set_int(a, "line", first);
	lsp_set_int(a, "character", 0);
	lsp_set_int(b, "line", last + 1);
	lsp_set_int(b, "character", 0);
	lsp_set(r, "start", a);
	lsp_set(r, "end", b);
	return r;
}

/*
 * textDocument/definition: the generated lines that came from the DSL line
 * under the cursor (struct kf_program.line_loc), the narrowest range of
 * the DSL holding that line first: a predicate's line goes to its C, a
 * frame's to its probes, the 'inject' line to the whole injection.
 */
static json_object *definition(struct kf_lsp *s, struct lsp_doc *d, int line)
{
	struct kf_unit *u = doc_unit(s, d);
	const struct kf_program *p = &u->prog;
	json_object *list;
	const char *why;
	char *path;
	int best = INT_MAX, l = line + 1;

	if (!p->text)
		return NULL;
	for (int i = 0; i < p->nlines; i++) {
		const struct kf_loc *g = &p->line_loc[i];

		if (g->first_line && g->first_line <= l && l <= g->last_line &&
		    g->last_line - g->first_line < best)
			best = g->last_line - g->first_line;
	}
	if (best == INT_MAX)
		return NULL;
	path = write_generated(s, d, &why);
	if (!path)
		return NULL;
	list = json_object_new_array();
	for (int i = 0; i < p->nlines; i++) {
		const struct kf_loc *g = &p->line_loc[i];
		json_object *loc;
		int j = i;

		if (!(g->first_line && g->first_line <= l && l <= g->last_line &&
		      g->last_line - g->first_line == best))
			continue;
		while (j + 1 < p->nlines && p->line_loc[j + 1].first_line == g->first_line &&
		       p->line_loc[j + 1].last_line == g->last_line)
			j++;
		loc = json_object_new_object();
		lsp_set(loc, "uri", file_uri(path));
		lsp_set(loc, "range", line_range(i, j));
		json_object_array_add(list, loc);
		i = j;
	}
	free(path);
	return list;
}

/*
 * The fix-its of the diagnostics in the range asked about ("did you mean
 * 'name'?"), as quick fixes: each replaces the word with what kfault
 * suggests.
 */
static void quick_fixes(struct kf_lsp *s, struct lsp_doc *d, json_object *params, json_object *list)
{
	json_object *r = get(params, "range");
	struct kf_unit *u = doc_unit(s, d);
	size_t lo, hi;

	lo = lsp_offset(s, d, (int)get_int(get(r, "start"), "line", 0),
			(int)get_int(get(r, "start"), "character", 0));
	hi = lsp_offset(s, d, (int)get_int(get(r, "end"), "line", 0),
			(int)get_int(get(r, "end"), "character", 0));
	for (size_t i = 0; i < u->diags.n; i++) {
		const struct kf_diag *g = &u->diags.v[i];
		json_object *a, *edit, *changes, *edits, *e;
		size_t glo, ghi, flo, fhi;
		char *title;

		if (!g->fix)
			continue;
		loc_bytes(d, g->loc, &glo, &ghi);
		if (ghi < lo || glo > hi)
			continue;
		loc_bytes(d, g->fix_loc, &flo, &fhi);
		a = json_object_new_object();
		title = kf_strfmt("Replace with '%s'", g->fix);
		lsp_set_str(a, "title", title);
		free(title);
		lsp_set_str(a, "kind", "quickfix");
		lsp_set(a, "isPreferred", json_object_new_boolean(1));
		e = json_object_new_object();
		lsp_set(e, "range", lsp_range(s, d, flo, fhi));
		lsp_set_str(e, "newText", g->fix);
		edits = json_object_new_array();
		json_object_array_add(edits, e);
		changes = json_object_new_object();
		lsp_set(changes, d->uri, edits);
		edit = json_object_new_object();
		lsp_set(edit, "changes", changes);
		lsp_set(a, "edit", edit);
		json_object_array_add(list, a);
	}
}

static json_object *code_actions(struct kf_lsp *s, json_object *params)
{
	struct lsp_doc *d = doc_param(s, params);
	json_object *list = json_object_new_array(), *a, *cmd, *args;

	if (!d)
		return list;
	quick_fixes(s, d, params, list);
	a = json_object_new_object();
	cmd = json_object_new_object();
	args = json_object_new_array();
	lsp_set_str(a, "title", "Show the generated BPF C (kfault gen)");
	lsp_set_str(a, "kind", "source");
	lsp_set_str(cmd, "title", "Show the generated BPF C");
	lsp_set_str(cmd, "command", CMD_SHOW_C);
	json_object_array_add(args, json_object_new_string(d->uri));
	lsp_set(cmd, "arguments", args);
	lsp_set(a, "command", cmd);
	json_object_array_add(list, a);
	return list;
}

/*
 * workspace/executeCommand kfault.showGeneratedC URI: the generated C
 * written to a file, which the client is asked to show (window/showDocument)
 * when it can; the result is { uri, text }.
 */
static void show_generated(struct kf_lsp *s, json_object *id, json_object *params)
{
	json_object *args = get(params, "arguments"), *r, *sd;
	struct lsp_doc *d = NULL;
	const char *why = "no such document is open";
	struct kf_unit *u;
	char *path;

	if (args && json_object_is_type(args, json_type_array) && json_object_array_length(args) > 0)
		d = find_doc(s, json_object_get_string(json_object_array_get_idx(args, 0)));
	path = d ? write_generated(s, d, &why) : NULL;
	if (!path) {
		reply_error(s, id, ERR_REQUEST_FAILED, why);
		return;
	}
	u = doc_unit(s, d);
	r = json_object_new_object();
	lsp_set(r, "uri", file_uri(path));
	lsp_set(r, "text", json_object_new_string_len(u->prog.text, (int)u->prog.len));
	if (s->show_document) {
		json_object *m = json_object_new_object();

		sd = json_object_new_object();
		lsp_set(sd, "uri", file_uri(path));
		lsp_set_str(m, "method", "window/showDocument");
		lsp_set_str(m, "id", "kfault-show-c");
		lsp_set(m, "params", sd);
		send(s, m);
	}
	free(path);
	reply(s, id, r);
}

/*
 * textDocument/formatting: kf_format()'s layout (kfault fmt's), as one edit
 * of the whole text; none when it is formatted already. A file that does
 * not parse is not formatted (an error reply: its diagnostics say why).
 */
static void formatting(struct kf_lsp *s, json_object *id, struct lsp_doc *d)
{
	struct kf_source *src;
	struct kf_diags diags;
	json_object *edits, *e;
	size_t len;
	char *out;
	int err;

	if (!d) {
		reply(s, id, NULL);
		return;
	}
	src = kf_source__from_string(d->path, d->text, d->len);
	if (!src)
		kf_oom();
	kf_diags__init(&diags, src);
	err = kf_format(src, &diags, &out, &len);
	kf_diags__free(&diags);
	kf_source__free(src);
	if (err) {
		reply_error(s, id, ERR_REQUEST_FAILED, err == -EINVAL ?
			    "not formatted: the file has syntax errors (see its diagnostics)" :
			    "not formatted: the formatter failed");
		return;
	}
	edits = json_object_new_array();
	if (len != d->len || memcmp(out, d->text, len)) {
		e = json_object_new_object();
		lsp_set(e, "range", lsp_range(s, d, 0, d->len));
		lsp_set(e, "newText", json_object_new_string_len(out, (int)len));
		json_object_array_add(edits, e);
	}
	free(out);
	reply(s, id, edits);
}

/* ---- dispatch ---- */

static void request(struct kf_lsp *s, const char *method, json_object *id, json_object *params)
{
	struct lsp_doc *d;
	int line, character;

	if (strcmp(method, "initialize") == 0) {
		if (s->initialized) {
			reply_error(s, id, ERR_INVALID_REQUEST, "initialize was sent already");
			return;
		}
		reply(s, id, initialize(s, params));
		return;
	}
	if (!s->initialized) {
		reply_error(s, id, ERR_NOT_INITIALIZED, "initialize first");
		return;
	}
	if (s->shutdown) {
		reply_error(s, id, ERR_INVALID_REQUEST, "the server is shutting down");
		return;
	}
	if (strcmp(method, "shutdown") == 0) {
		s->shutdown = true;
		reply(s, id, NULL);
		return;
	}
	if (strcmp(method, "workspace/executeCommand") == 0) {
		const char *cmd = get_str(params, "command");

		if (cmd && strcmp(cmd, CMD_SHOW_C) == 0)
			show_generated(s, id, params);
		else
			reply_error(s, id, ERR_INVALID_PARAMS, "unknown command");
		return;
	}
	if (strcmp(method, "textDocument/codeAction") == 0) {
		reply(s, id, code_actions(s, params));
		return;
	}
	if (strncmp(method, "textDocument/", 13)) {
		reply_error(s, id, ERR_METHOD_NOT_FOUND, "unknown method");
		return;
	}
	d = doc_param(s, params);
	position_param(params, &line, &character);
	if (strcmp(method, "textDocument/completion") == 0) {
		reply(s, id, d ? lsp_complete(s, d, lsp_offset(s, d, line, character)) : NULL);
	} else if (strcmp(method, "textDocument/hover") == 0) {
		reply(s, id, d ? lsp_hover(s, d, lsp_offset(s, d, line, character)) : NULL);
	} else if (strcmp(method, "textDocument/formatting") == 0) {
		formatting(s, id, d);
	} else if (strcmp(method, "textDocument/definition") == 0) {
		reply(s, id, d && line >= 0 ? definition(s, d, line) : NULL);
	} else {
		reply_error(s, id, ERR_METHOD_NOT_FOUND, "unknown method");
	}
}

static void notification(struct kf_lsp *s, const char *method, json_object *params)
{
	if (strcmp(method, "exit") == 0) {
		s->exited = true;
		return;
	}
	if (!s->initialized || s->shutdown)
		return;
	if (strcmp(method, "textDocument/didOpen") == 0)
		did_open(s, params);
	else if (strcmp(method, "textDocument/didChange") == 0)
		did_change(s, params);
	else if (strcmp(method, "textDocument/didClose") == 0)
		did_close(s, params);
	/* initialized, didSave, $/cancelRequest, settings...: nothing to do */
}

void kf_lsp__handle(struct kf_lsp *s, const char *msg, size_t len)
{
	struct json_tokener *tok;
	json_object *m, *id, *params;
	const char *method;

	if (s->exited)
		return;
	tok = json_tokener_new_ex(64);
	if (!tok)
		kf_oom();
	m = len <= INT_MAX ? json_tokener_parse_ex(tok, msg, (int)len) : NULL;
	if (!m || json_tokener_get_parse_end(tok) < len) {
		/* trailing bytes after the object: not one message */
		json_object_put(m);
		json_tokener_free(tok);
		reply_error(s, NULL, ERR_PARSE, "not a JSON message");
		return;
	}
	json_tokener_free(tok);
	id = get(m, "id");
	method = get_str(m, "method");
	params = get(m, "params");
	if (!method) {
		/* a response (to window/showDocument), or nonsense: nothing to answer */
		if (!id && !get(m, "result") && !get(m, "error"))
			reply_error(s, NULL, ERR_INVALID_REQUEST, "no method");
	} else if (id && (json_object_is_type(id, json_type_int) ||
			  json_object_is_type(id, json_type_string))) {
		request(s, method, id, params);
	} else if (id) {
		reply_error(s, NULL, ERR_INVALID_REQUEST, "an id is a number or a string");
	} else {
		notification(s, method, params);
	}
	json_object_put(m);
}

bool kf_lsp__exited(const struct kf_lsp *s, int *status)
{
	if (status)
		*status = s->shutdown ? 0 : 1;
	return s->exited;
}

/* ---- framing ---- */

struct reader {
	int fd;
	char buf[65536];
	size_t pos, len;
	bool eof;
};

static int fill(struct reader *r)
{
	ssize_t n;

	if (r->pos == r->len)
		r->pos = r->len = 0;
	if (r->len == sizeof(r->buf)) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	do
		n = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		r->eof = true;
		return -1;
	}
	r->len += (size_t)n;
	return 0;
}

/* A header line (without CR LF) into line[size]; -1 at the end of the input. */
static int read_line(struct reader *r, char *line, size_t size)
{
	size_t n = 0;

	for (;;) {
		char c;

		if (r->pos == r->len && fill(r))
			return -1;
		c = r->buf[r->pos++];
		if (c == '\n')
			break;
		if (c != '\r' && n + 1 < size)
			line[n++] = c;
	}
	line[n] = '\0';
	return 0;
}

static int read_body(struct reader *r, char *body, size_t len)
{
	size_t got = 0;

	while (got < len) {
		size_t n;

		if (r->pos == r->len && fill(r))
			return -1;
		n = r->len - r->pos < len - got ? r->len - r->pos : len - got;
		if (body)
			memcpy(body + got, r->buf + r->pos, n);
		r->pos += n;
		got += n;
	}
	return 0;
}

/* Whether more input is waiting, so that diagnostics can wait for it. */
static bool input_waiting(struct reader *r)
{
	struct pollfd p = { .fd = r->fd, .events = POLLIN };

	return r->pos < r->len || poll(&p, 1, 0) > 0;
}

int kf_lsp__serve(struct kf_lsp *s, int in)
{
	struct reader *r = kf_calloc(1, sizeof(*r));
	int status = 1;

	r->fd = in;
	while (!s->exited && !s->write_err) {
		char line[256];
		long long length = -1;
		char *body;

		if (!input_waiting(r))
			kf_lsp__idle(s);
		/* headers: Content-Length (and Content-Type, ignored), an empty line */
		for (;;) {
			if (read_line(r, line, sizeof(line)))
				goto out;
			if (!line[0])
				break;
			if (strncasecmp(line, "Content-Length:", 15) == 0) {
				char *end;

				errno = 0;
				length = strtoll(line + 15, &end, 10);
				if (errno || end == line + 15 || length < 0)
					length = -1;
			}
		}
		if (length < 0) {
			reply_error(s, NULL, ERR_PARSE, "a message needs a Content-Length header");
			continue;
		}
		if (length > MAX_MESSAGE) {
			if (read_body(r, NULL, (size_t)length))
				goto out;
			reply_error(s, NULL, ERR_PARSE, "message too long");
			continue;
		}
		body = malloc((size_t)length + 1);
		if (!body)
			kf_oom();
		if (read_body(r, body, (size_t)length)) {
			free(body);
			goto out;
		}
		body[length] = '\0';
		kf_lsp__handle(s, body, (size_t)length);
		free(body);
	}
out:
	if (s->exited && !s->write_err)
		kf_lsp__exited(s, &status);
	free(r);
	return status;
}

/* ---- the server ---- */

struct kf_lsp *kf_lsp__new(const struct kf_lsp_opts *opts)
{
	struct kf_lsp *s;

	if (!opts || !kf_opts_valid(opts, sizeof(*opts)) || !KF_OPTS_GET(opts, write, NULL)) {
		errno = EINVAL;
		return NULL;
	}
	s = kf_calloc(1, sizeof(*s));
	memcpy(&s->opts, opts, opts->sz < sizeof(s->opts) ? opts->sz : sizeof(s->opts));
	s->opts.sz = sizeof(s->opts);
	return s;
}

/* The directory of generated C and the files in it (all ours). */
static void remove_gen_dir(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;

	while (dp && (e = readdir(dp))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlinkat(dirfd(dp), e->d_name, 0);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

void kf_lsp__free(struct kf_lsp *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndocs; i++)
		doc_free(s->docs[i]);
	free(s->docs);
	free(s->injectable);
	free(s->matched);
	free(s->matched_word);
	kf_ksyms__free(s->ksyms);
	kf_btf__free(s->btf);
	free(s->btf_path);
	if (s->gen_dir)
		remove_gen_dir(s->gen_dir);
	free(s->gen_dir);
	free(s);
}

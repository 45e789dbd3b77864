// SPDX-License-Identifier: MIT
/*
 * Diagnostics for machines (diag.h): JSON lines, one object per diagnostic,
 * and a SARIF 2.1.0 log, as GCC 13 and clang write them for CI code
 * scanning. json-c builds and escapes the JSON (docs/editors.md says why
 * json-c).
 *
 * Locations are those of the text form, in the file the user wrote (a
 * KernelChaos YAML file, an inject.py spec: kf_diags__origin() mapped
 * them already). JSON lines give 1-based byte columns, as the text does;
 * SARIF gives Unicode code points (its "columnKind"). Both end a range one
 * past its last column, as SARIF and LSP do.
 */
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "diag.h"
#include "util.h"

int kf_diag_format_parse(const char *name, enum kf_diag_format *fmt)
{
	static const char *const names[] = {
		[KF_DIAG_TEXT] = "text", [KF_DIAG_JSON] = "json", [KF_DIAG_SARIF] = "sarif",
	};

	for (size_t i = 0; i < KF_ARRAY_SIZE(names); i++) {
		if (strcmp(name, names[i]) == 0) {
			*fmt = (enum kf_diag_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *severity_word(enum kf_severity s)
{
	return s == KF_ERROR ? "error" : s == KF_WARNING ? "warning" : "note";
}

/* A message as the text form prints it (control bytes and bad UTF-8 escaped). */
static json_object *message(const char *m)
{
	struct kf_buf b = {0};
	json_object *o;

	kf_diag_put_message(&b, m);
	o = json_object_new_string_len(b.s ? b.s : "", (int)b.len);
	kf_buf_free(&b);
	return o;
}

static void add(json_object *o, const char *key, json_object *value)
{
	json_object_object_add(o, key, value);
}

static json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static json_object *num(int n)
{
	return json_object_new_int(n);
}

/* ---- JSON lines ---- */

static json_object *position(int line, int column)
{
	json_object *o = json_object_new_object();

	add(o, "line", num(line));
	add(o, "column", num(column));
	return o;
}

/* {"start": {line, column}, "end": {line, column}}, the end one past the last byte. */
static json_object *range(struct kf_loc loc)
{
	json_object *o = json_object_new_object();
	int last_line = loc.last_line >= loc.first_line ? loc.last_line : loc.first_line;
	int last_col = loc.last_line >= loc.first_line ? loc.last_column : loc.first_column;

	add(o, "start", position(loc.first_line, loc.first_column));
	add(o, "end", position(last_line, last_col + 1));
	return o;
}

static int print_line(json_object *o, FILE *out)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						      JSON_C_TO_STRING_NOSLASHESCAPE);
	int err = fprintf(out, "%s\n", s) < 0 ? -EIO : 0;

	json_object_put(o);
	return err;
}

static int print_json(const struct kf_diags *d, FILE *out)
{
	int err = 0;

	for (size_t i = 0; i < d->n && !err; i++) {
		const struct kf_diag *g = &d->v[i];
		json_object *o = json_object_new_object();

		add(o, "file", str(d->src->path));
		add(o, "severity", str(severity_word(g->severity)));
		add(o, "message", message(g->message));
		if (g->loc.first_line)
			add(o, "range", range(g->loc));
		if (g->hint)
			add(o, "hint", message(g->hint));
		if (g->fix) {
			json_object *fixes = json_object_new_array(), *fix = json_object_new_object();

			add(fix, "range", range(g->fix_loc));
			add(fix, "replacement", str(g->fix));
			json_object_array_add(fixes, fix);
			add(o, "fixes", fixes);
		}
		err = print_line(o, out);
	}
	if (!err && d->dropped) {
		json_object *o = json_object_new_object();
		char *m = kf_strfmt(KF_DROPPED_FMT, d->dropped, KF_MAX_DIAGS, KF_MAX_DIAGS);

		add(o, "file", str(d->src->path));
		add(o, "severity", str("note"));
		add(o, "message", str(m));
		free(m);
		err = print_line(o, out);
	}
	return err;
}

/* ---- SARIF 2.1.0 ---- */

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* A path as a relative URI reference: bytes other than unreserved ones and '/' percent-encoded. */
static json_object *uri(const char *path)
{
	struct kf_buf b = {0};
	json_object *o;

	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr("-._~/", *c))
			kf_buf_putc(&b, (char)*c);
		else
			kf_buf_printf(&b, "%%%02X", *c);
	}
	o = str(b.s ? b.s : "");
	kf_buf_free(&b);
	return o;
}

/* The code point column of byte column col of line (1-based both), in src. */
static int code_point_column(const struct kf_source *src, const struct kf_lines *lines, int line,
			     int col)
{
	size_t start, end;
	int cp = 1;

	if (line < 1 || (size_t)line > lines->n)
		return col;
	start = lines->start[line - 1];
	end = start + (size_t)(col > 1 ? col - 1 : 0);
	if (end > src->len)
		end = src->len;
	for (size_t i = start; i < end; i++)
		cp += ((unsigned char)src->text[i] & 0xc0) != 0x80;
	return cp + (int)(start + (size_t)(col > 1 ? col - 1 : 0) - end);
}

static json_object *region(const struct kf_source *src, const struct kf_lines *lines, struct kf_loc loc)
{
	json_object *o = json_object_new_object();
	int last_line = loc.last_line >= loc.first_line ? loc.last_line : loc.first_line;
	int last_col = loc.last_line >= loc.first_line ? loc.last_column : loc.first_column;

	add(o, "startLine", num(loc.first_line));
	add(o, "startColumn", num(code_point_column(src, lines, loc.first_line, loc.first_column)));
	add(o, "endLine", num(last_line));
	add(o, "endColumn", num(code_point_column(src, lines, last_line, last_col + 1)));
	return o;
}

static json_object *artifact_location(const struct kf_diags *d)
{
	json_object *o = json_object_new_object();

	add(o, "uri", uri(d->src->path));
	add(o, "index", num(0));
	return o;
}

/* The rules: one per severity (kfault's diagnostics have no ids of their own). */
static json_object *rules(void)
{
	static const char *const text[] = {
		[KF_ERROR] = "an error: the file cannot be compiled",
		[KF_WARNING] = "a warning: the file compiles, but may not do what is meant",
		[KF_NOTE] = "a note",
	};
	json_object *a = json_object_new_array();

	for (int s = KF_ERROR; s <= KF_NOTE; s++) {
		json_object *r = json_object_new_object(), *desc = json_object_new_object();
		json_object *conf = json_object_new_object();
		char *id = kf_strfmt("kfault/%s", severity_word((enum kf_severity)s));

		add(r, "id", str(id));
		add(desc, "text", str(text[s]));
		add(r, "shortDescription", desc);
		add(conf, "level", str(severity_word((enum kf_severity)s)));
		add(r, "defaultConfiguration", conf);
		json_object_array_add(a, r);
		free(id);
	}
	return a;
}

static json_object *result(const struct kf_diags *d, const struct kf_lines *lines,
			   enum kf_severity sev, const char *msg, const struct kf_diag *g)
{
	json_object *r = json_object_new_object(), *m = json_object_new_object();
	json_object *locs = json_object_new_array(), *loc = json_object_new_object();
	json_object *phys = json_object_new_object();
	char *id = kf_strfmt("kfault/%s", severity_word(sev));

	add(r, "ruleId", str(id));
	add(r, "ruleIndex", num((int)sev));
	add(r, "level", str(severity_word(sev)));
	add(m, "text", message(msg));
	add(r, "message", m);
	add(phys, "artifactLocation", artifact_location(d));
	if (g && g->loc.first_line)
		add(phys, "region", region(d->src, lines, g->loc));
	add(loc, "physicalLocation", phys);
	json_object_array_add(locs, loc);
	add(r, "locations", locs);
	if (g && g->fix) {
		json_object *fixes = json_object_new_array(), *fix = json_object_new_object();
		json_object *desc = json_object_new_object(), *changes = json_object_new_array();
		json_object *change = json_object_new_object(), *repls = json_object_new_array();
		json_object *repl = json_object_new_object(), *ins = json_object_new_object();

		add(desc, "text", message(g->hint ? g->hint : g->fix));
		add(fix, "description", desc);
		add(change, "artifactLocation", artifact_location(d));
		add(repl, "deletedRegion", region(d->src, lines, g->fix_loc));
		add(ins, "text", str(g->fix));
		add(repl, "insertedContent", ins);
		json_object_array_add(repls, repl);
		add(change, "replacements", repls);
		json_object_array_add(changes, change);
		add(fix, "artifactChanges", changes);
		json_object_array_add(fixes, fix);
		add(r, "fixes", fixes);
	}
	if (g && g->hint) {
		json_object *props = json_object_new_object();

		add(props, "hint", message(g->hint));
		add(r, "properties", props);
	}
	free(id);
	return r;
}

static int print_sarif(const struct kf_diags *d, FILE *out)
{
	json_object *log = json_object_new_object(), *runs = json_object_new_array();
	json_object *run = json_object_new_object(), *tool = json_object_new_object();
	json_object *driver = json_object_new_object(), *results = json_object_new_array();
	json_object *artifacts = json_object_new_array(), *art = json_object_new_object();
	json_object *art_loc = json_object_new_object(), *invs = json_object_new_array();
	json_object *inv = json_object_new_object();
	struct kf_lines lines;
	const char *s;
	int err;

	kf_lines__init(&lines, d->src->text, d->src->len);
	add(log, "$schema", str(SARIF_SCHEMA));
	add(log, "version", str("2.1.0"));
	add(driver, "name", str("kfault"));
	add(driver, "version", str(KFAULT_VERSION));
	add(driver, "rules", rules());
	add(tool, "driver", driver);
	add(run, "tool", tool);
	add(inv, "executionSuccessful", json_object_new_boolean(d->errors == 0));
	json_object_array_add(invs, inv);
	add(run, "invocations", invs);
	add(art_loc, "uri", uri(d->src->path));
	add(art, "location", art_loc);
	json_object_array_add(artifacts, art);
	add(run, "artifacts", artifacts);
	add(run, "columnKind", str("unicodeCodePoints"));
	for (size_t i = 0; i < d->n; i++)
		json_object_array_add(results, result(d, &lines, d->v[i].severity, d->v[i].message,
						      &d->v[i]));
	if (d->dropped) {
		char *m = kf_strfmt(KF_DROPPED_FMT, d->dropped, KF_MAX_DIAGS, KF_MAX_DIAGS);

		json_object_array_add(results, result(d, &lines, KF_NOTE, m, NULL));
		free(m);
	}
	add(run, "results", results);
	json_object_array_add(runs, run);
	add(log, "runs", runs);
	s = json_object_to_json_string_ext(log, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
					   JSON_C_TO_STRING_NOSLASHESCAPE);
	err = fprintf(out, "%s\n", s) < 0 ? -EIO : 0;
	json_object_put(log);
	kf_lines__fini(&lines);
	return err;
}

int kf_diags__print_as(struct kf_diags *d, enum kf_diag_format fmt, FILE *out)
{
	switch (fmt) {
	case KF_DIAG_JSON:
		kf_diags__sort(d);
		return print_json(d, out);
	case KF_DIAG_SARIF:
		kf_diags__sort(d);
		return print_sarif(d, out);
	default:
		kf_diags__print(d, out);
		return 0;
	}
}

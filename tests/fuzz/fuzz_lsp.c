// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the language server (lsp/), an input typed into an editor.
 *
 * The input is a document. It is opened empty and typed in: a didChange
 * for each of a dozen growing prefixes of it (each an incremental edit
 * appending the next piece), and at each, what an editor asks while a
 * file is typed: diagnostics, completion and hover at the cursor, the
 * definition of its line; then the whole text replaced at once, and
 * completion and hover at positions all over it, the generated C, and the
 * document closed. A server that crashes, leaks, hangs or answers with
 * anything but a well-framed JSON message fails.
 *
 * With $KFAULT_BTF (as ctest's replay runs it: scripts/test.sh sets it)
 * the server has that kernel's BTF, so completion and hover go through
 * BTF (members, prototypes); without, they check what needs none. One
 * server serves every input, as one serves an editor's session.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every message the server writes: a header, then a JSON body of that length. */
struct sink {
	char head[64];
	size_t nhead;
	size_t body_left;
	struct json_tokener *tok;
};

static int sink_write(void *ctx, const char *data, size_t len)
{
	struct sink *k = ctx;

	if (!k->body_left) {
		unsigned long n;

		if (len >= sizeof(k->head) || sscanf(data, "Content-Length: %lu\r\n\r\n", &n) != 1 ||
		    strncmp(data + len - 4, "\r\n\r\n", 4)) {
			fprintf(stderr, "fuzz_lsp: a header that is not one: %.*s\n", (int)len, data);
			abort();
		}
		k->body_left = n;
		return 0;
	}
	if (len != k->body_left) {
		fprintf(stderr, "fuzz_lsp: a body of %zu bytes, its header said %zu\n", len, k->body_left);
		abort();
	}
	json_tokener_reset(k->tok);
	json_object *o = json_tokener_parse_ex(k->tok, data, (int)len);
	if (!o) {
		fprintf(stderr, "fuzz_lsp: not JSON: %.*s\n", (int)len, data);
		abort();
	}
	json_object_put(o);
	k->body_left = 0;
	return 0;
}

static struct sink sink;
static struct kf_lsp *server;
static int next_id = 1;

static void send(json_object *m)
{
	size_t len;
	const char *s = json_object_to_json_string_length(m, JSON_C_TO_STRING_PLAIN, &len);

	kf_lsp__handle(server, s, len);
	json_object_put(m);
}

static json_object *message(const char *method, json_object *params, bool request)
{
	json_object *m = json_object_new_object();

	json_object_object_add(m, "jsonrpc", json_object_new_string("2.0"));
	if (request)
		json_object_object_add(m, "id", json_object_new_int(next_id++));
	json_object_object_add(m, "method", json_object_new_string(method));
	json_object_object_add(m, "params", params);
	return m;
}

static json_object *text_document(const char *uri)
{
	json_object *td = json_object_new_object();

	json_object_object_add(td, "uri", json_object_new_string(uri));
	return td;
}

static json_object *position(int line, int character)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "line", json_object_new_int(line));
	json_object_object_add(p, "character", json_object_new_int(character));
	return p;
}

/* The line and UTF-16-ish column of offset off of data (bytes: the server clamps). */
static void line_col(const uint8_t *data, size_t off, int *line, int *col)
{
	*line = 0;
	*col = 0;
	for (size_t i = 0; i < off; i++) {
		if (data[i] == '\n') {
			(*line)++;
			*col = 0;
		} else {
			(*col)++;
		}
	}
}

static void at(const char *method, const char *uri, const uint8_t *data, size_t off)
{
	json_object *p = json_object_new_object();
	int line, col;

	line_col(data, off, &line, &col);
	json_object_object_add(p, "textDocument", text_document(uri));
	json_object_object_add(p, "position", position(line, col));
	send(message(method, p, true));
}

/* Append data[lo..hi) at the end of the document (which holds data[0..lo)). */
static void append(const char *uri, int version, const uint8_t *data, size_t lo, size_t hi)
{
	json_object *p = json_object_new_object(), *td = text_document(uri);
	json_object *changes = json_object_new_array(), *c = json_object_new_object();
	json_object *r = json_object_new_object();
	int line, col;

	json_object_object_add(td, "version", json_object_new_int(version));
	json_object_object_add(p, "textDocument", td);
	line_col(data, lo, &line, &col);
	json_object_object_add(r, "start", position(line, col));
	json_object_object_add(r, "end", position(line, col));
	json_object_object_add(c, "range", r);
	json_object_object_add(c, "text", json_object_new_string_len((const char *)data + lo, (int)(hi - lo)));
	json_object_array_add(changes, c);
	json_object_object_add(p, "contentChanges", changes);
	send(message("textDocument/didChange", p, false));
}

static void start(void)
{
	const char *btf = getenv("KFAULT_BTF");
	json_object *p = json_object_new_object(), *caps = json_object_new_object();

	sink.tok = json_tokener_new();
	struct kf_lsp_opts o = { .sz = sizeof(o), .btf_path = btf && *btf ? btf : NULL,
				 .no_btf = !(btf && *btf), .write = sink_write, .write_ctx = &sink };
	server = kf_lsp__new(&o);
	if (!server)
		abort();
	json_object_object_add(p, "capabilities", caps);
	send(message("initialize", p, true));
	send(message("initialized", json_object_new_object(), false));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char uri[] = "file:///fuzz/input.fault";
	json_object *p, *td;
	size_t step = size / 12 + 1, prev = 0;
	int version = 1;

	if (!server)
		start();
	p = json_object_new_object();
	td = text_document(uri);
	json_object_object_add(td, "version", json_object_new_int(version));
	json_object_object_add(td, "text", json_object_new_string(""));
	json_object_object_add(p, "textDocument", td);
	send(message("textDocument/didOpen", p, false));
	/* typed, piece by piece */
	for (size_t n = step < size ? step : size; ; n = n + step < size ? n + step : size) {
		append(uri, ++version, data, prev, n);
		prev = n;
		kf_lsp__idle(server);
		at("textDocument/completion", uri, data, n);
		at("textDocument/hover", uri, data, n ? n - 1 : 0);
		at("textDocument/definition", uri, data, n);
		if (n == size)
			break;
	}
	/* then asked about all over */
	for (size_t off = 0; off < size; off += size / 16 + 1) {
		at("textDocument/completion", uri, data, off);
		at("textDocument/hover", uri, data, off);
	}
	p = json_object_new_object();
	json_object *args = json_object_new_array();
	json_object_array_add(args, json_object_new_string(uri));
	json_object_object_add(p, "command", json_object_new_string("kfault.showGeneratedC"));
	json_object_object_add(p, "arguments", args);
	send(message("workspace/executeCommand", p, true));
	p = json_object_new_object();
	json_object_object_add(p, "textDocument", text_document(uri));
	send(message("textDocument/didClose", p, false));
	/* the input as a message of its own: nonsense is answered, never fatal */
	kf_lsp__handle(server, (const char *)data, size);
	return 0;
}

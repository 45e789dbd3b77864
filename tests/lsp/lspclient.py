# SPDX-License-Identifier: MIT
"""A small Language Server Protocol client for kfault lsp's tests and
benchmark: starts the server, frames JSON-RPC messages, waits for replies
and notifications with a timeout (a server that hangs fails the test)."""
import json
import os
import select
import subprocess
import time


class ServerError(Exception):
    pass


class Client:
    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env)
        self.buf = b""
        self.next_id = 1
        self.pending = []       # notifications and requests not yet consumed

    # ---- framing ----
    def send(self, msg):
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def _read_message(self, deadline):
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end >= 0:
                length = None
                for line in self.buf[:head_end].split(b"\r\n"):
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length":
                        length = int(v)
                if length is None:
                    raise ServerError("a message without Content-Length: %r" % self.buf[:head_end])
                if len(self.buf) >= head_end + 4 + length:
                    body = self.buf[head_end + 4:head_end + 4 + length]
                    self.buf = self.buf[head_end + 4 + length:]
                    return json.loads(body)
            left = deadline - time.monotonic()
            if left <= 0:
                raise ServerError("timed out waiting for the server")
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if not r:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
            if not chunk:
                raise ServerError("the server closed its output (exit status %s)" % self.proc.poll())
            self.buf += chunk

    def wait(self, pred, timeout=10.0):
        """The first message (pending or new) for which pred is true."""
        for i, m in enumerate(self.pending):
            if pred(m):
                return self.pending.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            m = self._read_message(deadline)
            if pred(m):
                return m
            self.pending.append(m)

    # ---- requests and notifications ----
    def request_async(self, method, params=None):
        i = self.next_id
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": i, "method": method, "params": params})
        return i

    def response(self, i, timeout=10.0):
        m = self.wait(lambda m: m.get("id") == i and "method" not in m, timeout)
        return m

    def request(self, method, params=None, timeout=10.0):
        m = self.response(self.request_async(method, params), timeout)
        if "error" in m:
            raise ServerError("%s: %s" % (method, m["error"]))
        return m.get("result")

    def notify(self, method, params=None):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri, version=None, timeout=10.0):
        def match(m):
            return (m.get("method") == "textDocument/publishDiagnostics" and
                    m["params"]["uri"] == uri and
                    (version is None or m["params"].get("version") == version))
        return self.wait(match, timeout)["params"]["diagnostics"]

    # ---- a session ----
    def initialize(self, init_options=None, capabilities=None):
        caps = capabilities if capabilities is not None else {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}},
        }
        r = self.request("initialize", {"processId": os.getpid(), "rootUri": None,
                                        "capabilities": caps,
                                        "initializationOptions": init_options or {}},
                         timeout=60.0)
        self.notify("initialized", {})
        return r

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "kfault", "version": version, "text": text}})

    def change(self, uri, version, text, rng=None):
        change = {"text": text}
        if rng is not None:
            change["range"] = rng
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [change]})

    def at(self, method, uri, line, character, timeout=10.0):
        return self.request(method, {"textDocument": {"uri": uri},
                                     "position": {"line": line, "character": character}},
                            timeout=timeout)

    def shutdown(self, timeout=10.0):
        self.request("shutdown", None)
        self.notify("exit", None)
        try:
            return self.proc.wait(timeout)
        finally:
            self.proc.stdin.close()
            self.proc.stdout.close()


def rng(l1, c1, l2, c2):
    return {"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}}

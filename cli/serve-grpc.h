/* SPDX-License-Identifier: MIT */
/*
 * The gRPC server of kfault serve (serve-grpc.cpp, the one C++ file of the
 * command line): bpfki's service (bpfki.proto), each RPC handed to
 * bpfki.h, and gRPC's standard health service.
 */
#ifndef KFAULT_CLI_SERVE_GRPC_H
#define KFAULT_CLI_SERVE_GRPC_H

#include <stddef.h>

#include "bpfki.h"

#ifdef __cplusplus
extern "C" {
#endif

struct serve_grpc;

/*
 * Listen on addr ("0.0.0.0:50051"; "unix:PATH" too) and serve d's RPCs on
 * gRPC's threads. NULL when it cannot listen (err says why).
 */
struct serve_grpc *serve_grpc__start(struct bpfki_daemon *d, const char *addr, char *err, size_t len);
/* The port it listens on (addr's, or the one chosen for port 0). */
int serve_grpc__port(const struct serve_grpc *s);
/* Stop taking calls, wait (at most grace_ms) for those under way, and free. */
void serve_grpc__stop(struct serve_grpc *s, int grace_ms);

#ifdef __cplusplus
}
#endif

#endif

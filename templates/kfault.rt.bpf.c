// SPDX-License-Identifier: MIT
/*
 * The runtime half of every kfault program: the maps, the helpers every
 * probe calls and the housekeeping programs (kfault.bpf.h says which is
 * which). Compiled once when kfault is built, embedded in it, and linked by
 * 'kfault build' into each object it makes, so that a build compiles only
 * the generated program's own probes.
 */
#define KF_RUNTIME_PART
#include "kfault.bpf.h"

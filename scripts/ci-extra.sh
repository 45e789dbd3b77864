#!/usr/bin/env bash
# CI for hostile input (issue 8; docs/testing.md, "Sanitizers" and "Fuzzing"):
#
#   0. Debug and Release builds, with -Werror (the suites run in the
#      RelWithDebInfo build of scripts/test.sh);
#   1. a build with AddressSanitizer, UndefinedBehaviorSanitizer and
#      LeakSanitizer (build-asan/, -DKFAULT_SANITIZE=ON), and the unit, golden
#      and error suites run in it: any memory error, leak or undefined
#      behaviour fails the test it happens in;
#   2. every fuzz target (tests/fuzz) for a short while: about five
#      minutes in all (KFAULT_FUZZ_SECONDS sets the frontend target's share,
#      default 110; cron, injectpy and btfindex get a third of it each,
#      kernelchaos and lsp half).
#
# Exits non-zero if anything fails, and ends with "N passed, N failed" (one
# count per step). Build directories are reused when present.
#
#   scripts/ci-extra.sh
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
jobs=$(nproc)
fuzz_secs=${KFAULT_FUZZ_SECONDS:-110}
passed=0 failed=0
start=$(date +%s)

step() {
	local name=$1 t0=$(date +%s)
	shift
	echo "ci-extra: $name"
	if "$@"; then
		passed=$((passed + 1))
		echo "ci-extra: $name: ok ($(( $(date +%s) - t0 )) s)"
	else
		failed=$((failed + 1))
		echo "ci-extra: $name: FAILED ($(( $(date +%s) - t0 )) s)"
	fi
}

# Shared libLLVM: linking each LLVM user statically, with ASan, costs minutes
# of a CI run for nothing the sanitizers look at (LLVM itself is not
# instrumented either way). make -k: a target that cannot be built with ASan
# (tests/e2e's static victim: -static and -fsanitize=address do not mix) is
# no reason to stop; a test whose program did not build fails below.
sanitizer_build() {
	cmake -S "$src" -B build-asan -DKFAULT_SANITIZE=ON -DKFAULT_LLVM_STATIC=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DKFAULT_WERROR=ON >/dev/null || return 1
	if ! cmake --build build-asan -j"$jobs" -- -k >build-asan/build.log 2>&1; then
		echo "ci-extra: some targets did not build (tests that need them fail below):"
		grep -E '^g?make\[[0-9]+\]: \*\*\*' build-asan/build.log |
			grep -oE '[A-Za-z0-9_.+-]+\.dir/' | sed 's/^/  /; s/\.dir\/$//' | sort -u
		grep -E 'error:' build-asan/build.log | head -n 10
	fi
	return 0
}

sanitizer_tests() {
	# The golden compile and hostile tests read kernel BTF: the test kernel's
	# when scripts/test.sh has set KFAULT_BTF, else the running kernel's.
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LSAN_OPTIONS=suppressions="$src/tests/fuzz/lsan.supp":print_suppressions=0 \
		ctest --test-dir build-asan -L 'unit|golden|errors' --output-on-failure -j"$jobs"
}

# The other build types compile too, warning-free (issue 16: a user's
# Release build once stopped at a -Wmaybe-uninitialized that only -O3 sees).
# Compile only, against the shared libLLVM (linking is the same in each).
build_type() {
	local dir=build-$(echo "$1" | tr 'A-Z' 'a-z')
	cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE="$1" -DKFAULT_WERROR=ON -DKFAULT_LLVM_STATIC=OFF \
		-DKFAULT_SYMBOL_ORDER=OFF >/dev/null &&
		cmake --build "$dir" -j"$jobs" >"$dir.log" 2>&1 || { grep -E 'error|warning' "$dir.log" | head -n 20; return 1; }
}

step "Debug build" build_type Debug
step "Release build" build_type Release
step "sanitizer build (build-asan)" sanitizer_build
step "unit, golden and error tests under ASan, UBSan and LSan" sanitizer_tests
step "fuzz_frontend for ${fuzz_secs} s" tests/fuzz/run-fuzzers "$fuzz_secs" frontend
step "fuzz_cron for $((fuzz_secs / 3)) s" tests/fuzz/run-fuzzers "$((fuzz_secs / 3))" cron
step "fuzz_kernelchaos for $((fuzz_secs / 2)) s" tests/fuzz/run-fuzzers "$((fuzz_secs / 2))" kernelchaos
step "fuzz_injectpy for $((fuzz_secs / 3)) s" tests/fuzz/run-fuzzers "$((fuzz_secs / 3))" injectpy
step "fuzz_btfindex for $((fuzz_secs / 3)) s" tests/fuzz/run-fuzzers "$((fuzz_secs / 3))" btfindex
step "fuzz_lsp for $((fuzz_secs / 2)) s" tests/fuzz/run-fuzzers "$((fuzz_secs / 2))" lsp

echo "ci-extra: done in $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

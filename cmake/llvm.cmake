# LLVM/clang 19 for the in-process BPF compiler, and kfault's two libraries
# that sit next to it:
#   kfault_clang      compiler/clang_compile.cpp (C API over clang's C++ API)
#   kfault_btf_types  compiler/btf_types.c (minimal vmlinux.h from BTF)
#
# Include from the top-level CMakeLists.txt after PkgConfig::LIBBPF and
# KFAULT_WARNINGS are defined.
#
# Debian quirks handled here:
# - find_package(LLVM 19) rejects 19.1.x (LLVMConfigVersion wants the minor
#   to match too), so we ask for no version and check the major ourselves.
# - llvm-14's config is installed too; the config dirs are pinned with
#   NO_DEFAULT_PATH so it can never be picked up instead.
# - LLVMConfig/ClangConfig import targets for every static component library
#   and for tools/plugins (Polly, MLIR...) that may not be installed. Debian
#   disables CMake's "imported file exists" check, and we use only the
#   targets named below, so the missing ones do not matter.
# - Debian's clang static library targets link against the libLLVM dylib, so
#   the static build names clang's .a files directly (see below).
# - Debian links Polly into its LLVM tools (LLVM_STATIC_EXTENSIONS), so
#   clang's static CodeGen calls getPollyPluginInfo(), which no installed
#   static library defines: clang_compile.cpp defines a no-op one.
#
# Static or shared LLVM (KFAULT_LLVM_STATIC). Loading libLLVM.so and
# libclang-cpp.so costs a process ~560k relative relocations and ~3500 page
# faults before main(): ~90 ms of CPU on the 2-core CI VM, where a page
# fault costs ~20 us, more than the whole `kfault build` budget. Linked
# statically into a non-PIE executable, only the BPF backend and the clang
# libraries used are there, relocated at link time: ~19 ms and ~700 faults.
# The price is a ~15 s link and a ~100 MB executable for each program using
# kfault_clang. Turn it off for quicker edit-build cycles.
option(KFAULT_LLVM_STATIC "Link LLVM/clang statically (fast start, slow link)" ON)

set(KFAULT_LLVM_PREFIX /usr/lib/llvm-19 CACHE PATH "Install prefix of LLVM/clang 19")

find_package(LLVM CONFIG REQUIRED
	PATHS ${KFAULT_LLVM_PREFIX}/lib/cmake/llvm NO_DEFAULT_PATH)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
	message(FATAL_ERROR "kfault needs LLVM 19, found ${LLVM_PACKAGE_VERSION} in ${LLVM_DIR}")
endif()
find_package(Clang CONFIG REQUIRED
	PATHS ${KFAULT_LLVM_PREFIX}/lib/cmake/clang NO_DEFAULT_PATH)
if(NOT KFAULT_LLVM_STATIC AND (NOT TARGET LLVM OR NOT TARGET clang-cpp))
	message(FATAL_ERROR "LLVM ${LLVM_PACKAGE_VERSION} has no libLLVM/libclang-cpp "
		"shared library targets (Debian: llvm-19-dev, libclang-cpp19-dev)")
endif()
message(STATUS "kfault: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}, "
	"static: ${KFAULT_LLVM_STATIC}")

# Clang's resource directory (stddef.h, ...), as `clang -print-resource-dir`
# would say; checked again at run time, overridable there by
# $KFAULT_CLANG_RESOURCE_DIR.
set(KFAULT_CLANG_RESOURCE_DIR "${LLVM_LIBRARY_DIR}/clang/${LLVM_VERSION_MAJOR}")
if(NOT EXISTS "${KFAULT_CLANG_RESOURCE_DIR}/include/stddef.h")
	message(WARNING "clang resource dir ${KFAULT_CLANG_RESOURCE_DIR} has no "
		"include/stddef.h (libclang-common-19-dev missing?)")
endif()

get_filename_component(KFAULT_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

add_library(kfault_clang STATIC ${KFAULT_SOURCE_ROOT}/compiler/clang_compile.cpp)
target_include_directories(kfault_clang PUBLIC ${KFAULT_SOURCE_ROOT}/compiler)
# runtime/opts.h (clang_compile.h includes it): options structs declared and
# checked as every kfault library does
target_include_directories(kfault_clang PUBLIC ${KFAULT_SOURCE_ROOT}/runtime)
# SYSTEM: LLVM's headers are not -Wextra -Werror clean.
target_include_directories(kfault_clang SYSTEM PRIVATE
	${LLVM_INCLUDE_DIRS} ${CLANG_INCLUDE_DIRS})
target_compile_definitions(kfault_clang PRIVATE
	KF_CLANG_RESOURCE_DIR="${KFAULT_CLANG_RESOURCE_DIR}"
	KF_CLANG_EXECUTABLE="${LLVM_TOOLS_BINARY_DIR}/clang"
	_GNU_SOURCE __STDC_CONSTANT_MACROS __STDC_FORMAT_MACROS __STDC_LIMIT_MACROS)
target_compile_options(kfault_clang PRIVATE ${KFAULT_WARNINGS})
# C executables using this static library get linked by the C++ driver
# automatically (CMake sees the CXX static dependency).
if(KFAULT_LLVM_STATIC)
	# What clang's frontend and CodeGen need, and the BPF backend only.
	set(kf_clang_libs clangCodeGen clangFrontend clangDriver clangSerialization
		clangParse clangSema clangAPINotes clangAnalysis clangASTMatchers
		clangEdit clangAST clangSupport clangLex clangBasic)
	list(TRANSFORM kf_clang_libs PREPEND ${LLVM_LIBRARY_DIR}/lib)
	list(TRANSFORM kf_clang_libs APPEND .a)
	list(JOIN kf_clang_libs "," kf_clang_group)
	llvm_map_components_to_libnames(kf_llvm_libs
		bpfcodegen bpfasmparser bpfdesc bpfinfo
		passes coverage lto extensions linker irreader option
		frontenddriver frontendhlsl frontendopenmp windowsdriver)
	# The clang libraries depend on each other in cycles: one group,
	# rescanned. LLVM's own targets bring their dependencies in order.
	target_link_libraries(kfault_clang PUBLIC
		"$<LINK_GROUP:RESCAN,${kf_clang_group}>" ${kf_llvm_libs})
	# A PIE would need ~250k relative relocations at every start.
	target_link_options(kfault_clang INTERFACE -no-pie)
	# A shared libstdc++ would need ~6300 symbol relocations at every
	# start (LLVM's vtables and type_info point into it), each a write
	# to a page of .data.rel.ro; linked in, they are resolved at link time.
	if(NOT KFAULT_SANITIZE)
		target_link_options(kfault_clang INTERFACE -static-libstdc++ -static-libgcc)
	endif()
	# Which plugins the LLVM build linked into its tools (LLVMConfig
	# does not load this itself).
	include(${LLVM_CMAKE_DIR}/LLVMConfigExtensions.cmake OPTIONAL)
	if("Polly" IN_LIST LLVM_STATIC_EXTENSIONS)
		# libPolly.a is not installed: LLVMLTO -> LLVMExtensions must
		# not pull it in, and the one symbol clang wants is stubbed.
		set_property(TARGET LLVMExtensions PROPERTY INTERFACE_LINK_LIBRARIES LLVMSupport)
		target_compile_definitions(kfault_clang PRIVATE KF_STUB_POLLY_PLUGIN)
	endif()
else()
	target_link_libraries(kfault_clang PUBLIC clang-cpp LLVM)
endif()

add_library(kfault_btf_types STATIC ${KFAULT_SOURCE_ROOT}/compiler/btf_types.c)
target_include_directories(kfault_btf_types PUBLIC ${KFAULT_SOURCE_ROOT}/compiler)
target_compile_options(kfault_btf_types PRIVATE ${KFAULT_WARNINGS})
target_link_libraries(kfault_btf_types PUBLIC PkgConfig::LIBBPF)

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
#   disables CMake's "imported file exists" check, and we link only the two
#   shared libraries (targets LLVM and clang-cpp), so nothing else matters.

set(KFAULT_LLVM_PREFIX /usr/lib/llvm-19 CACHE PATH "Install prefix of LLVM/clang 19")

find_package(LLVM CONFIG REQUIRED
	PATHS ${KFAULT_LLVM_PREFIX}/lib/cmake/llvm NO_DEFAULT_PATH)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
	message(FATAL_ERROR "kfault needs LLVM 19, found ${LLVM_PACKAGE_VERSION} in ${LLVM_DIR}")
endif()
find_package(Clang CONFIG REQUIRED
	PATHS ${KFAULT_LLVM_PREFIX}/lib/cmake/clang NO_DEFAULT_PATH)
if(NOT TARGET LLVM OR NOT TARGET clang-cpp)
	message(FATAL_ERROR "LLVM ${LLVM_PACKAGE_VERSION} has no libLLVM/libclang-cpp "
		"shared library targets (Debian: llvm-19-dev, libclang-cpp19-dev)")
endif()
message(STATUS "kfault: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

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
# SYSTEM: LLVM's headers are not -Wextra -Werror clean.
target_include_directories(kfault_clang SYSTEM PRIVATE
	${LLVM_INCLUDE_DIRS} ${CLANG_INCLUDE_DIRS})
target_compile_definitions(kfault_clang PRIVATE
	KF_CLANG_RESOURCE_DIR="${KFAULT_CLANG_RESOURCE_DIR}"
	KF_CLANG_EXECUTABLE="${LLVM_TOOLS_BINARY_DIR}/clang"
	_GNU_SOURCE __STDC_CONSTANT_MACROS __STDC_FORMAT_MACROS __STDC_LIMIT_MACROS)
target_compile_options(kfault_clang PRIVATE ${KFAULT_WARNINGS})
# Only the two shared libraries: linking them is fast, and the C
# executables that use this static library get linked by the C++ driver
# automatically (CMake sees the CXX static dependency).
target_link_libraries(kfault_clang PUBLIC clang-cpp LLVM)

add_library(kfault_btf_types STATIC ${KFAULT_SOURCE_ROOT}/compiler/btf_types.c)
target_include_directories(kfault_btf_types PUBLIC ${KFAULT_SOURCE_ROOT}/compiler)
target_compile_options(kfault_btf_types PRIVATE ${KFAULT_WARNINGS})
target_link_libraries(kfault_btf_types PUBLIC PkgConfig::LIBBPF)

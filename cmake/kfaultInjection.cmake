# kfault_add_injection(): .fault files to BPF objects (or skeleton headers)
# at build time. Part of kfault's CMake package (find_package(kfault));
# needs the imported executable kfault::kfault.
#
#   kfault_add_injection(TARGET name SOURCES a.fault [b.fault ...]
#                        [SKELETON] [BTF vmlinux] [OUTPUT_DIRECTORY dir])
#
# For each SOURCE x.fault, runs at build time
#   kfault build x.fault -o DIR/x.bpf.o --depfile DIR/x.bpf.o.d [--btf BTF]
# or with SKELETON
#   kfault build x.fault -o DIR/x.skel.h --emit skel --depfile DIR/x.skel.h.d [--btf BTF]
# (DIR: OUTPUT_DIRECTORY, default the current binary directory). The
# dependency file lists the .fault file and what it pulls in, so make and
# ninja rebuild an output exactly when one of those, the BTF file or kfault
# itself changed.
#
# BTF: the kernel types to check and build against (a vmlinux with .BTF, or
# raw BTF). Default: the KFAULT_BTF variable, else the KFAULT_BTF
# environment variable at configure time, else the build machine's running
# kernel (/sys/kernel/btf/vmlinux). The objects are CO-RE: they load on
# other kernels whose types fit.
#
# TARGET: if `name` is an existing target, the outputs are built before it;
# with SKELETON, the headers' directory is added to its include path and it
# is linked with kfault::libkfault (the runtime the skeletons call). If no
# such target exists, a custom target `name`, built by default, is created.
# Either way the target's KFAULT_OUTPUTS property lists the outputs (for
# install(FILES) or add_test()).
if(CMAKE_VERSION VERSION_LESS 3.20)
	message(FATAL_ERROR "kfault_add_injection() needs CMake 3.20 (DEPFILE with every generator)")
endif()

function(kfault_add_injection)
	cmake_parse_arguments(KF "SKELETON" "TARGET;BTF;OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
	if(NOT KF_TARGET)
		message(FATAL_ERROR "kfault_add_injection: TARGET name is required")
	endif()
	if(NOT KF_SOURCES)
		message(FATAL_ERROR "kfault_add_injection(${KF_TARGET}): SOURCES is empty")
	endif()
	if(KF_UNPARSED_ARGUMENTS)
		message(FATAL_ERROR "kfault_add_injection(${KF_TARGET}): unknown arguments "
			"${KF_UNPARSED_ARGUMENTS}")
	endif()
	if(NOT TARGET kfault::kfault)
		message(FATAL_ERROR "kfault_add_injection: no kfault::kfault (find_package(kfault) first)")
	endif()

	if(NOT KF_BTF)
		if(KFAULT_BTF)
			set(KF_BTF "${KFAULT_BTF}")
		elseif(DEFINED ENV{KFAULT_BTF} AND NOT "$ENV{KFAULT_BTF}" STREQUAL "")
			set(KF_BTF "$ENV{KFAULT_BTF}")
		endif()
	endif()
	set(btf_args)
	set(btf_dep)
	if(KF_BTF)
		get_filename_component(KF_BTF "${KF_BTF}" ABSOLUTE)
		set(btf_args --btf "${KF_BTF}")
		set(btf_dep "${KF_BTF}")
	endif()

	if(NOT KF_OUTPUT_DIRECTORY)
		set(KF_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
	endif()
	get_filename_component(KF_OUTPUT_DIRECTORY "${KF_OUTPUT_DIRECTORY}" ABSOLUTE
		BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
	file(MAKE_DIRECTORY "${KF_OUTPUT_DIRECTORY}")

	if(KF_SKELETON AND NOT KFAULT_HAS_SKELETON)
		message(FATAL_ERROR "kfault_add_injection(${KF_TARGET}): ${KFAULT_EXECUTABLE} "
			"cannot write skeletons (no --emit skel)")
	endif()

	set(outputs)
	foreach(src IN LISTS KF_SOURCES)
		get_filename_component(src "${src}" ABSOLUTE)
		get_filename_component(stem "${src}" NAME_WE)
		if(KF_SKELETON)
			set(out "${KF_OUTPUT_DIRECTORY}/${stem}.skel.h")
			set(emit --emit skel)
			set(what "skeleton")
		else()
			set(out "${KF_OUTPUT_DIRECTORY}/${stem}.bpf.o")
			set(emit)
			set(what "BPF object")
		endif()
		if(out IN_LIST outputs)
			message(FATAL_ERROR "kfault_add_injection(${KF_TARGET}): two sources "
				"make ${out}")
		endif()
		# A kfault without dependency files: the .fault file is
		# still a dependency, only what it pulls in is not.
		set(depfile_args)
		set(depfile_opt)
		if(KFAULT_HAS_DEPFILE)
			set(depfile_args --depfile "${out}.d")
			set(depfile_opt DEPFILE "${out}.d")
		endif()
		add_custom_command(
			OUTPUT "${out}"
			COMMAND kfault::kfault build "${src}" -o "${out}" ${emit}
				${depfile_args} ${btf_args}
			DEPENDS "${src}" kfault::kfault ${btf_dep}
			${depfile_opt}
			COMMENT "kfault: ${what} ${stem} from ${src}"
			VERBATIM)
		list(APPEND outputs "${out}")
	endforeach()

	if(TARGET ${KF_TARGET})
		set(gen ${KF_TARGET}_kfault)
		add_custom_target(${gen} DEPENDS ${outputs})
		add_dependencies(${KF_TARGET} ${gen})
		if(KF_SKELETON)
			target_include_directories(${KF_TARGET} PRIVATE "${KF_OUTPUT_DIRECTORY}")
			target_link_libraries(${KF_TARGET} PRIVATE kfault::libkfault)
		endif()
	else()
		add_custom_target(${KF_TARGET} ALL DEPENDS ${outputs})
	endif()
	set_property(TARGET ${KF_TARGET} APPEND PROPERTY KFAULT_OUTPUTS ${outputs})
endfunction()

# kfault_add_test(): a CTest test that runs a command under an injection,
# "my tool survives ENOMEM in mount" in three lines:
#
#   enable_testing()
#   kfault_add_test(NAME name FAULT x.fault|x.bpf.o|x.yaml
#                   COMMAND cmd [arg ...] [VM AUTO|ON|OFF])
#
# adds the test `name`:
#   kfault run [--vm | --vm=auto] FAULT -- cmd arg...
# which passes when cmd exits 0 (kfault exits with cmd's status; 125 when
# the test VM, not cmd, went wrong: a kernel oops, panic or WARNING). VM:
# AUTO (the default) runs cmd on the test machine when its kernel and user
# can inject, else in kfault's test VM (no root needed; its kernel is built
# on the first run, about 25 minutes, then cached); ON always in the VM;
# OFF never (the test then needs root and a kernel that can inject). A
# relative FAULT is taken from the current source directory; cmd runs in
# the current binary directory. Other test properties: set_tests_properties().
function(kfault_add_test)
	cmake_parse_arguments(PARSE_ARGV 0 KF "" "NAME;FAULT;VM" "COMMAND")
	if(NOT KF_NAME OR NOT KF_FAULT OR NOT KF_COMMAND)
		message(FATAL_ERROR "kfault_add_test: NAME, FAULT and COMMAND are required")
	endif()
	if(KF_UNPARSED_ARGUMENTS)
		message(FATAL_ERROR "kfault_add_test(${KF_NAME}): unexpected arguments: ${KF_UNPARSED_ARGUMENTS}")
	endif()
	if(NOT KF_VM)
		set(KF_VM AUTO)
	endif()
	if(KF_VM STREQUAL "AUTO")
		set(vm --vm=auto)
	elseif(KF_VM STREQUAL "ON")
		set(vm --vm)
	elseif(KF_VM STREQUAL "OFF")
		set(vm)
	else()
		message(FATAL_ERROR "kfault_add_test(${KF_NAME}): VM is AUTO, ON or OFF, not '${KF_VM}'")
	endif()
	get_filename_component(fault "${KF_FAULT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
	add_test(NAME ${KF_NAME}
		COMMAND kfault::kfault run ${vm} "${fault}" -- ${KF_COMMAND}
		WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
endfunction()

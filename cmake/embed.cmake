# kfault_embed(OUTPUT out.c NAME symbol FILES a b ...)
#
# Turns text files into a C source holding one table of {name, data, size}
# entries, so the kfault binary carries its templates and never reads the
# source tree at run time. (xxd is not part of a base Debian install and C23
# #embed is not in GCC 12, hence this small script.)
function(kfault_embed)
	cmake_parse_arguments(E "" "OUTPUT;NAME" "FILES" ${ARGN})
	add_custom_command(
		OUTPUT ${E_OUTPUT}
		COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DNAME=${E_NAME}
			"-DFILES=${E_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/embed-run.cmake
		DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed-run.cmake
		COMMENT "Embedding ${E_NAME}"
		VERBATIM)
endfunction()

# cmake -P lib/prelink.cmake: make libkfault.a (see lib/CMakeLists.txt).
#
#   -DOUTPUT=libkfault.a -DSHARED=libkfault.so -DWHOLE="a.o|b.a" -DARCHIVES="c.a|d.a"
#   -DLD=ld -DNM=nm -DOBJCOPY=objcopy -DAR=ar
#
# Links WHOLE (every member) and what they need from ARCHIVES into one
# relocatable object (ld -r), makes every global symbol of it local except
# the ones the shared library exports (the same public API), and archives
# that single object. A program linking libkfault.a then sees only the API:
# nothing of kfault's internals or of LLVM can clash with its own symbols.
foreach(v OUTPUT SHARED WHOLE ARCHIVES LD NM OBJCOPY AR)
	if(NOT DEFINED ${v})
		message(FATAL_ERROR "prelink.cmake: -D${v}= is missing")
	endif()
endforeach()

string(REPLACE "|" ";" WHOLE "${WHOLE}")
string(REPLACE "|" ";" ARCHIVES "${ARCHIVES}")
set(obj ${OUTPUT}.o)
set(keep ${OUTPUT}.syms)
execute_process(COMMAND ${LD} -r -o ${obj} --whole-archive ${WHOLE} --no-whole-archive
		--start-group ${ARCHIVES} --end-group
	COMMAND_ERROR_IS_FATAL ANY)

# The exported API: the shared library's defined dynamic symbols.
execute_process(COMMAND ${NM} -D --defined-only ${SHARED}
	OUTPUT_VARIABLE syms COMMAND_ERROR_IS_FATAL ANY)
string(REGEX MATCHALL "[^\n]+" lines "${syms}")
set(list "")
foreach(l IN LISTS lines)
	if(l MATCHES "^[0-9a-f]+ T ([A-Za-z_0-9]+)")
		string(APPEND list "${CMAKE_MATCH_1}\n")
	endif()
endforeach()
if(list STREQUAL "")
	message(FATAL_ERROR "prelink.cmake: ${SHARED} exports nothing")
endif()
file(WRITE ${keep} "${list}")

execute_process(COMMAND ${OBJCOPY} --keep-global-symbols=${keep} ${obj}
	COMMAND_ERROR_IS_FATAL ANY)
file(REMOVE ${OUTPUT})
execute_process(COMMAND ${AR} qcs ${OUTPUT} ${obj} COMMAND_ERROR_IS_FATAL ANY)
file(REMOVE ${obj})

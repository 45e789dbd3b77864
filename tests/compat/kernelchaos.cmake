# KernelChaos YAML compatibility (docs/compat.md; included from
# tests/CMakeLists.txt): each YAML generates the same program as the native
# file written by hand, converts to native text that compiles to it too and
# converts to itself; the near-miss cases must be told apart. Label golden.
set(kc_dir ${CMAKE_CURRENT_LIST_DIR})
set(kc_cases
	"docs|${kc_dir}/kernelchaos-docs.yaml|${kc_dir}/kernelchaos-docs.fault|"
	"docs-flow|${kc_dir}/kernelchaos-docs-flow.yaml|${kc_dir}/kernelchaos-docs.fault|"
	"example|${PROJECT_SOURCE_DIR}/examples/kernelchaos.yaml|${kc_dir}/kernelchaos-bananas.fault|"
	"several|${kc_dir}/kernelchaos-several.yaml|${kc_dir}/kernelchaos-several.fault|"
	"schedule|${kc_dir}/kernelchaos-schedule.yaml|${kc_dir}/kernelchaos-schedule.fault|"
	"workflow|${kc_dir}/kernelchaos-workflow.yaml|${kc_dir}/kernelchaos-workflow.fault|"
	"near-miss|${PROJECT_SOURCE_DIR}/examples/kernelchaos.yaml|${kc_dir}/kernelchaos-near-miss.fault|--expect-differ"
	"other-program|${kc_dir}/kernelchaos-docs.yaml|${kc_dir}/kernelchaos-bananas.fault|--expect-differ")
foreach(case ${kc_cases})
	string(REPLACE "|" ";" parts "${case}")
	list(GET parts 0 name)
	list(GET parts 1 yaml)
	list(GET parts 2 fault)
	list(GET parts 3 mode)
	file(RELATIVE_PATH yaml ${PROJECT_SOURCE_DIR} ${yaml})
	file(RELATIVE_PATH fault ${PROJECT_SOURCE_DIR} ${fault})
	add_test(NAME compat-kernelchaos-${name}
		COMMAND ${kc_dir}/kernelchaos-check $<TARGET_FILE:kfault> ${PROJECT_SOURCE_DIR}
			${yaml} ${fault} ${mode})
	set_tests_properties(compat-kernelchaos-${name} PROPERTIES LABELS golden)
endforeach()

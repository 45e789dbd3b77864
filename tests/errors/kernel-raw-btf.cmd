# A BTF file that is not a vmlinux has no error-injection list: check says
# once, at the first 'inject function', that it is checked when it runs, and
# passes. (The BTF is the test kernel's .BTF section, copied out.)
want=0
. tests/errors/test-btf
raw=$(mktemp)
trap 'rm -f "$raw" "${actual:-}"' EXIT
read -r off size < <(readelf -SW "$KFAULT_BTF" | sed -E 's/^ *\[ *[0-9]+\] *//' |
	awk '$1 == ".BTF" { print $4, $5 }')
tail -c +"$((0x$off + 1))" "$KFAULT_BTF" | head -c "$((0x$size))" >"$raw" || true
args=(check --btf "$raw" tests/errors/kernel-raw-btf.input)

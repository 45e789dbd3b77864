" SPDX-License-Identifier: MIT
" Vim syntax file for kfault's language (.fault files; docs/language.md).
" Installed to share/vim/vimfiles/syntax; docs/editors.md says how to use it.
" tests/editors/check-vim checks that it names every word of the language
" (tests/docs/source-words keywords) and highlights the examples.
if exists('b:current_syntax')
  finish
endif
let s:cpo_save = &cpo
set cpo&vim

" Comments: '#' and '//' to the end of the line, and C's block comments.
syn keyword kfaultTodo contained TODO FIXME XXX NOTE
syn match kfaultComment "#.*$" contains=kfaultTodo,@Spell
syn match kfaultComment "//.*$" contains=kfaultTodo,@Spell
syn region kfaultComment start="/\*" end="\*/" contains=kfaultTodo,@Spell

" An injection, and the words that start statements.
syn keyword kfaultKeyword inject when returns
syn keyword kfaultKeyword function nextgroup=kfaultFuncName skipwhite skipnl
syn keyword kfaultStatement headers header probability times nth duration schedule target
syn keyword kfaultStatement call nextgroup=kfaultFuncName skipwhite skipnl
syn keyword kfaultStatement with per
syn match kfaultFuncName "\h\w*" contained

" Failure kinds, target kinds and the words statements take.
syn keyword kfaultKind slab page bio
syn keyword kfaultConstant pid comm cgroup children unlimited decision
syn keyword kfaultBoolean true false NULL
syn match kfaultErrno "\<E[A-Z][A-Z0-9]*\>"

" Predicates: C's types, the kernel typedefs a cast may name, the string builtins.
syn keyword kfaultType struct union enum const volatile unsigned signed int long short char void _Bool
syn keyword kfaultType u8 u16 u32 u64 s8 s16 s32 s64 __u8 __u16 __u32 __u64 __s8 __s16 __s32 __s64
syn keyword kfaultType bool size_t ssize_t gfp_t loff_t pid_t uid_t gid_t umode_t dev_t sector_t
syn keyword kfaultType blk_opf_t uintptr_t fmode_t atomic_t atomic64_t phys_addr_t dma_addr_t slab_flags_t
syn keyword kfaultBuiltin STRNCMP STRCMP
syn match kfaultOperator "->\|[!=<>]=\|&&\|||\|<<\|>>\|[-+*/%&|^!~<>]"

" Literals: durations (30s, 1h30m), percentages, C's integers, decimals.
syn match kfaultNumber "\<\d\+\%(\.\d\+\)\=\%(ms\|s\|m\|h\|d\)\%(\d\+\%(\.\d\+\)\=\%(ms\|s\|m\|h\|d\)\)*\>"
syn match kfaultNumber "\<\d*\.\=\d\+%"
syn match kfaultNumber "\<0[xX]\x\+\%([uU]\=\%(l\|L\|ll\|LL\)\=\|\%(l\|L\|ll\|LL\)[uU]\=\)\>"
syn match kfaultNumber "\<\d\+\%([uU]\=\%(l\|L\|ll\|LL\)\=\|\%(l\|L\|ll\|LL\)[uU]\=\)\>"
syn match kfaultNumber "\<\d*\.\d\+\>"
syn match kfaultEscape contained "\\\%(x\x\+\|\o\{1,3}\|.\)"
syn region kfaultString start=+"+ skip=+\\\\\|\\"+ end=+"+ end=+$+ contains=kfaultEscape
syn match kfaultChar "'\%([^'\\]\|\\\%(x\x\+\|\o\{1,3}\|.\)\)'" contains=kfaultEscape

hi def link kfaultTodo Todo
hi def link kfaultComment Comment
hi def link kfaultKeyword Keyword
hi def link kfaultStatement Statement
hi def link kfaultFuncName Function
hi def link kfaultKind Type
hi def link kfaultConstant Constant
hi def link kfaultBoolean Boolean
hi def link kfaultErrno Constant
hi def link kfaultType Type
hi def link kfaultBuiltin Function
hi def link kfaultOperator Operator
hi def link kfaultNumber Number
hi def link kfaultEscape SpecialChar
hi def link kfaultString String
hi def link kfaultChar Character

let b:current_syntax = 'kfault'
let &cpo = s:cpo_save
unlet s:cpo_save

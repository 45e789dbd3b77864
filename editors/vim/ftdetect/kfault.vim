" SPDX-License-Identifier: MIT
" kfault: .fault files are kfault source (docs/editors.md).
autocmd BufNewFile,BufRead *.fault setfiletype kfault

" SPDX-License-Identifier: MIT
" kfault: comments start with '#'; :KfaultFmt formats the buffer with
" 'kfault fmt', and leaves it as it is (the diagnostics shown) when the file
" has errors.
if exists('b:did_ftplugin')
  finish
endif
let b:did_ftplugin = 1
setlocal commentstring=#\ %s comments=:#,://
let b:undo_ftplugin = 'setlocal commentstring< comments<'

if !exists('*s:KfaultFmt')
  function s:KfaultFmt() abort
    let l:out = systemlist('kfault fmt -', getline(1, '$'))
    if v:shell_error
      echohl ErrorMsg
      echo join(l:out, "\n")
      echohl None
      return
    endif
    if l:out ==# getline(1, '$')
      return
    endif
    let l:view = winsaveview()
    call setline(1, l:out)
    if line('$') > len(l:out)
      silent execute (len(l:out) + 1) . ',$delete _'
    endif
    call winrestview(l:view)
  endfunction
endif
command! -buffer KfaultFmt call s:KfaultFmt()

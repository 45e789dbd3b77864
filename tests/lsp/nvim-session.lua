-- SPDX-License-Identifier: MIT
-- A Neovim session with kfault lsp, as a user has it (tests/lsp/test-neovim
-- runs it headless): open an example, read its diagnostics, introduce an
-- error and see it at the right range, complete after 'call d_alloc_p' and
-- accept the function (its parameters come with it), complete after
-- 'name->', hover a function, show the generated C, format the file. Neovim 0.7's client
-- (vim.lsp.start_client, buf_attach_client, buf_request_sync).
local kfault, btf, file = os.getenv('KFAULT'), os.getenv('KFAULT_BTF'), os.getenv('FILE')
local failures = 0

local function log(...)
  io.stdout:write(table.concat({ ... }, ' ') .. '\n')
end

local function check(cond, what)
  if not cond then
    failures = failures + 1
    log('FAIL: ' .. what)
  else
    log('ok: ' .. what)
  end
end

-- count what the server publishes, per buffer version
local published = 0
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  default_publish(err, result, ctx, config)
  published = published + 1
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local client_id = vim.lsp.start_client({
  name = 'kfault',
  cmd = { kfault, 'lsp' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
  init_options = { btf = btf },
  flags = { debounce_text_changes = 0 },
})
check(client_id ~= nil, 'the server starts')
vim.lsp.buf_attach_client(buf, client_id)

local function wait_published(n)
  return vim.wait(20000, function() return published >= n end, 10)
end

check(wait_published(1), 'diagnostics of the example arrive')
check(#vim.diagnostic.get(buf) == 0, 'the example has no diagnostics')

-- an error: nmae for name in the predicate
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local pred, frame
for i, l in ipairs(lines) do
  if l:find('name->name', 1, true) then pred = i - 1 end
  if l:find('call d_alloc_parallel', 1, true) then frame = i - 1 end
end
local col = lines[pred + 1]:find('name->name', 1, true) - 1
vim.api.nvim_buf_set_text(buf, pred, col, pred, col + 4, { 'nmae' })
check(wait_published(2), 'diagnostics after the change arrive')
local d = vim.diagnostic.get(buf)
check(#d == 1, 'one diagnostic: ' .. vim.inspect(d))
if d[1] then
  check(d[1].lnum == pred and d[1].col == col and d[1].end_lnum == pred and d[1].end_col == col + 4,
    'at nmae: ' .. d[1].lnum .. ':' .. d[1].col .. '-' .. d[1].end_col)
  check(d[1].severity == vim.diagnostic.severity.ERROR, 'an error')
  check(d[1].message:find("undeclared identifier 'nmae'", 1, true) ~= nil, 'its message: ' .. d[1].message)
end
vim.api.nvim_buf_set_text(buf, pred, col, pred, col + 4, { 'name' })
check(wait_published(3), 'fixed again')

local function complete(line, character)
  local params = { textDocument = vim.lsp.util.make_text_document_params(buf),
                   position = { line = line, character = character } }
  local r = vim.lsp.buf_request_sync(buf, 'textDocument/completion', params, 10000)
  local res = r and r[client_id] and r[client_id].result
  return res and (res.items or res) or {}
end

local function find(items, label)
  for _, it in ipairs(items) do
    if it.label == label then return it end
  end
end

-- completion after 'call d_alloc_p', and accepting d_alloc_parallel
vim.api.nvim_buf_set_lines(buf, frame, frame + 1, false, { '    call d_alloc_p' })
local items = complete(frame, #'    call d_alloc_p')
local it = find(items, 'd_alloc_parallel')
check(it ~= nil, 'd_alloc_parallel offered after call d_alloc_p')
if it then
  vim.lsp.util.apply_text_edits({ it.textEdit }, buf, 'utf-16')
  local l = vim.api.nvim_buf_get_lines(buf, frame, frame + 1, false)[1]
  check(l == '    call d_alloc_parallel(struct dentry *parent, const struct qstr *name, wait_queue_head_t *wq)',
    'accepted with its parameters: ' .. l)
end

-- completion after 'name->'
local pl = vim.api.nvim_buf_get_lines(buf, pred, pred + 1, false)[1]
local cut = pl:find('name->', 1, true) + #'name->' - 1
vim.api.nvim_buf_set_lines(buf, pred, pred + 1, false, { pl:sub(1, cut) })
items = complete(pred, cut)
local labels = {}
for _, i in ipairs(items) do table.insert(labels, i.label) end
table.sort(labels)
check(table.concat(labels, ',') == 'hash,hash_len,len,name', "struct qstr's members after name->: " ..
  table.concat(labels, ','))
vim.api.nvim_buf_set_lines(buf, pred, pred + 1, false, { pl })

-- hover the function
local fl = vim.api.nvim_buf_get_lines(buf, frame, frame + 1, false)[1]
local r = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
  textDocument = vim.lsp.util.make_text_document_params(buf),
  position = { line = frame, character = fl:find('d_alloc_parallel', 1, true) + 2 } }, 10000)
local hover = r and r[client_id] and r[client_id].result
local text = hover and hover.contents and hover.contents.value or ''
check(text:find('struct dentry *d_alloc_parallel(struct dentry *parent, const struct qstr *name, wait_queue_head_t *wq)',
  1, true) ~= nil, 'hover shows the prototype: ' .. text)
check(text:find('error-injection list', 1, true) ~= nil, 'and whether it can fail')

-- the generated C, through the command a code action runs
r = vim.lsp.buf_request_sync(buf, 'workspace/executeCommand', {
  command = 'kfault.showGeneratedC', arguments = { vim.uri_from_bufnr(buf) } }, 10000)
local gen = r and r[client_id] and r[client_id].result
check(gen and gen.text and gen.text:find('d_alloc_parallel', 1, true) ~= nil, 'the generated C')

-- formatting: badly laid out lines, formatted back (the example is formatted)
local orig = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local tl
for i, l in ipairs(orig) do if l:find('^%s*times') then tl = i - 1 end end
vim.api.nvim_buf_set_lines(buf, tl, tl + 1, false, { 'times     10 ;' })
vim.lsp.buf.formatting_sync(nil, 10000)
local now = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
check(table.concat(now, '\n') == table.concat(orig, '\n'), 'formatting restores the layout: ' ..
  table.concat(now, '\n'))

vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 10)
log(failures == 0 and 'all passed' or (failures .. ' failures'))
vim.cmd(failures == 0 and 'qall!' or 'cquit! 1')

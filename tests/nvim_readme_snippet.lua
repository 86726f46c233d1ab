-- Runs the README's Neovim block as a user's init.lua ($SNIPPET), opens each file of
-- $FILES ("|" between them), waits until every buffer has diagnostics and writes them to
-- $OUT_FILE, one per line:   FILE CODE line:col SEVERITY ROOTS
-- (ROOTS: the root folder of each client attached to the buffer, "-" for a client with none)
vim.cmd("filetype on")
dofile(vim.env.SNIPPET)

local files = vim.split(vim.env.FILES, "|", { plain = true })
for _, path in ipairs(files) do
  vim.cmd("edit " .. vim.fn.fnameescape(path))
end

local function clients_of(bufnr)
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = bufnr }) end  -- 0.10+
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end

local function finish(lines, code)
  vim.fn.writefile(lines, vim.env.OUT_FILE)
  vim.cmd(code == 0 and "qall!" or "cquit! " .. code)
end

local waited, timer = 0, vim.loop.new_timer()
timer:start(200, 200, vim.schedule_wrap(function()
  waited = waited + 200
  local ready = 0
  for _, path in ipairs(files) do
    if #vim.diagnostic.get(vim.fn.bufnr(path)) > 0 then ready = ready + 1 end
  end
  if ready == #files then
    timer:stop()
    local lines = {}
    for _, path in ipairs(files) do
      local bufnr = vim.fn.bufnr(path)
      local clients = clients_of(bufnr)
      local roots = {}
      for _, client in ipairs(clients) do table.insert(roots, client.config.root_dir or "-") end
      local root = #roots > 0 and table.concat(roots, ",") or "NONE"
      for _, d in ipairs(vim.diagnostic.get(bufnr)) do
        local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
        table.insert(lines, string.format("%s %s %d:%d %d %s", vim.fn.fnamemodify(path, ":t"), code,
          d.lnum, d.col, d.severity, root))
      end
    end
    finish(lines, 0)
  elseif waited > 90000 then
    timer:stop()
    finish({ "TIMEOUT" }, 3)
  end
end))

-- Headless Neovim (0.7+, built-in LSP client) starts `empathy-lint lsp`, opens a
-- draft and writes the diagnostics it received to $OUT_FILE, one per line:
--   CODE startline:startcol-endline:endcol SEVERITY message
-- Then it checks that Neovim's own diagnostic store holds them too.
local out_file = vim.env.OUT_FILE
local done = false

local function finish(lines, code)
  if done then return end
  done = true
  vim.fn.writefile(lines, out_file)
  vim.cmd(code == 0 and "qall!" or "cquit! " .. code)
end

local client_id = vim.lsp.start_client({
  name = "empathy-lint",
  cmd = { vim.env.EMPATHY_PYTHON, "-m", "empathy_lint", "lsp" },
  root_dir = vim.env.TEST_DIR,
  handlers = {
    ["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
      vim.lsp.handlers["textDocument/publishDiagnostics"](err, result, ctx, config)
      if err or #result.diagnostics == 0 then return end
      local lines = {}
      for _, d in ipairs(result.diagnostics) do
        table.insert(lines, string.format("%s %d:%d-%d:%d %d %s", d.code,
          d.range.start.line, d.range.start.character, d.range["end"].line, d.range["end"].character,
          d.severity, d.message))
      end
      local bufnr = vim.uri_to_bufnr(result.uri)
      table.insert(lines, "NVIM_STORE " .. #vim.diagnostic.get(bufnr))
      finish(lines, 0)
    end,
  },
})

if not client_id then
  finish({ "START_FAILED" }, 2)
end

vim.cmd("edit " .. vim.fn.fnameescape(vim.env.DRAFT))
vim.lsp.buf_attach_client(0, client_id)
vim.defer_fn(function() finish({ "TIMEOUT" }, 3) end, 90000)

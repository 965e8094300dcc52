#!/usr/bin/env bash
# Tries the Neovim 0.7 snippet of docs/editors.md against the real server: the snippet is
# taken from the page as init.lua, `ddr` is put on the PATH, and `nvim --headless` opens a
# design with one known finding. Prints what vim.diagnostic.get() holds and the first line
# of a hover, and fails unless the DLV001 finding and the hover arrive.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
command -v nvim >/dev/null || { echo "nvim is not installed (apt-get install -y neovim)" >&2; exit 3; }
[ -f out/server/src/lsp/server.js ] || npm run build >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/config/nvim" "$tmp/data" "$tmp/state" "$tmp/work"
printf '#!/bin/sh\nexec node %q "$@"\n' "$root/bin/ddr.js" > "$tmp/bin/ddr"
chmod +x "$tmp/bin/ddr"
# The snippet exactly as the page shows it.
awk '/<!-- snippet:nvim-0.7 -->/{on=1; next} on && /^```lua/{code=1; next} on && code && /^```/{exit} on && code{print}' docs/editors.md > "$tmp/config/nvim/init.lua"
[ -s "$tmp/config/nvim/init.lua" ] || { echo "no nvim-0.7 snippet in docs/editors.md" >&2; exit 1; }
grep -v '^    delivery: at-least-once$' examples/checkout.design.yaml > "$tmp/work/orders.design.yaml"

cat > "$tmp/check.lua" <<'LUA'
local out = io.stdout
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 100)
if not ok then
  out:write('no diagnostics arrived\n')
  vim.cmd('cquit 1')
end
for _, d in ipairs(vim.diagnostic.get(0)) do
  out:write(string.format('diagnostic %d:%d %s %s %s\n', d.lnum + 1, d.col + 1, tostring(d.code), d.source or '', d.message))
end
-- A hover on the channel's name: the finding's rule, with the link to its page.
local params = { textDocument = { uri = vim.uri_from_bufnr(0) }, position = { line = 138, character = 12 } }
local res = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 10000)
for _, r in pairs(res or {}) do
  if r.result and r.result.contents then
    out:write('hover ' .. vim.split(r.result.contents.value, '\n')[1] .. '\n')
  end
end
vim.cmd('qall!')
LUA

cd "$tmp/work"
PATH="$tmp/bin:$PATH" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" XDG_STATE_HOME="$tmp/state" \
  timeout 60 nvim --headless orders.design.yaml -c "luafile $tmp/check.lua" > "$tmp/out.txt" 2> "$tmp/err.txt" || true
cat "$tmp/out.txt"
grep -q '^diagnostic 139:11 DLV001 ddr channel `order-events` does not declare its delivery guarantee' "$tmp/out.txt" || { echo "--- stderr"; cat "$tmp/err.txt"; exit 1; }
grep -q '^hover \*\*DLV001 delivery-undeclared\*\* · \[DLV001 documentation\](' "$tmp/out.txt" || { echo "no hover"; cat "$tmp/err.txt"; exit 1; }
echo "neovim $(nvim --version | head -1 | cut -d' ' -f2): the snippet shows the server's diagnostics and hovers"

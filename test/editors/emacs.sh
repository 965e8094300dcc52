#!/usr/bin/env bash
# Tries the eglot snippet of docs/editors.md against the real server: the snippet is taken
# from the page as init.el, `ddr` is put on the PATH, and `emacs --batch` opens a design with
# one known finding. Prints what Flymake holds, and fails unless the DLV001 finding arrives.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
command -v emacs >/dev/null || { echo "emacs is not installed (apt-get install -y emacs-nox elpa-eglot)" >&2; exit 3; }
[ -f out/server/src/lsp/server.js ] || npm run build >/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/work"
printf '#!/bin/sh\nexec node %q "$@"\n' "$root/bin/ddr.js" > "$tmp/bin/ddr"
chmod +x "$tmp/bin/ddr"
awk '/<!-- snippet:eglot -->/{on=1; next} on && /^```elisp/{code=1; next} on && code && /^```/{exit} on && code{print}' docs/editors.md > "$tmp/init.el"
[ -s "$tmp/init.el" ] || { echo "no eglot snippet in docs/editors.md" >&2; exit 1; }
grep -v '^    delivery: at-least-once$' examples/checkout.design.yaml > "$tmp/work/orders.design.yaml"
git -C "$tmp/work" init -q   # a project root for eglot

cat > "$tmp/check.el" <<'ELISP'
(setq eglot-sync-connect t)
(find-file "orders.design.yaml")
;; eglot-ensure connects from post-command-hook, which batch mode never runs by itself.
(run-hooks 'post-command-hook)
(let ((deadline (+ (float-time) 30)))
  (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
    (accept-process-output nil 0.2)))
(dolist (d (flymake-diagnostics))
  (princ (format "diagnostic %d %s\n" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-text d))))
(kill-emacs (if (flymake-diagnostics) 0 1))
ELISP

cd "$tmp/work"
PATH="$tmp/bin:$PATH" HOME="$tmp" timeout 90 emacs --batch -l "$tmp/init.el" -l "$tmp/check.el" > "$tmp/out.txt" 2> "$tmp/err.txt" || true
cat "$tmp/out.txt"
grep -q '^diagnostic 139 .*channel `order-events` does not declare its delivery guarantee' "$tmp/out.txt" || { echo "--- stderr"; tail -30 "$tmp/err.txt"; exit 1; }
echo "$(emacs --version | head -1) with eglot: the snippet shows the server's diagnostics"

#!/usr/bin/env bash
# The payload budget: what a browser downloads to run the app (html + js +
# wasm + css), compressed with brotli and gzip. Fails when over the budget.
# The built-in profiles are fetched one at a time (the chosen contest's
# profiles/ID.json): the largest one is counted, as the one a visit loads.
# The budget is on what a first visit loads. The tools worker (the remux and
# the PDF writer: tools_loader.js, tools.js, tools_bg.wasm) is loaded only
# when a fix or a combined PDF is asked for: listed apart ("on demand"), with
# the total of both.
set -euo pipefail
dist="${1:-dist}"
budget_br=$((300 * 1024))
files=(index.html boot.js app.js app_bg.wasm worker_loader.js style.css manifest.webmanifest icon.svg sw.js)
largest=$(cd "$dist" && ls -S profiles/*.json 2>/dev/null | head -n 1) || true
[ -n "$largest" ] || { echo "missing $dist/profiles/*.json" >&2; exit 2; }
files+=("$largest")
printf '%-36s %10s %10s %10s\n' file raw gzip brotli
tr=0; tg=0; tb=0
for f in "${files[@]}"; do
  p="$dist/$f"
  [ -f "$p" ] || { echo "missing $p" >&2; exit 2; }
  r=$(stat -c%s "$p"); g=$(gzip -9c "$p" | wc -c); b=$(brotli -cZ "$p" | wc -c)
  tr=$((tr + r)); tg=$((tg + g)); tb=$((tb + b))
  printf '%-36s %10d %10d %10d\n' "$f" "$r" "$g" "$b"
done
printf '%-36s %10d %10d %10d\n' total "$tr" "$tg" "$tb"
on_demand=(tools_loader.js tools.js tools_bg.wasm)
dr=0; dg=0; db=0
for f in "${on_demand[@]}"; do
  p="$dist/$f"
  [ -f "$p" ] || { echo "missing $p" >&2; exit 2; }
  r=$(stat -c%s "$p"); g=$(gzip -9c "$p" | wc -c); b=$(brotli -cZ "$p" | wc -c)
  dr=$((dr + r)); dg=$((dg + g)); db=$((db + b))
  printf '%-36s %10d %10d %10d\n' "$f (on demand)" "$r" "$g" "$b"
done
printf '%-36s %10d %10d %10d\n' "on demand" "$dr" "$dg" "$db"
printf '%-36s %10d %10d %10d\n' "first visit + on demand" $((tr + dr)) $((tg + dg)) $((tb + db))
printf 'budget (first visit): %d bytes brotli; used %d (%d%%)\n' "$budget_br" "$tb" $((tb * 100 / budget_br))
if [ "$tb" -gt "$budget_br" ]; then
  echo "OVER BUDGET by $((tb - budget_br)) bytes brotli" >&2
  exit 1
fi

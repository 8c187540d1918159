#!/bin/sh
# Stamp one build (Trunk's post_build hook; $1 is the staging folder). Its id, a
# hash of the files' contents, goes into app.js (self.PREFLIGHT_BUILD, read by
# the page and by each worker), sw.js (the name of the build's cache) and
# index.html (boot.js?v=ID, which boot.js passes on to app.js and the wasm).
# sw.js also gets the list of profiles/*.json, which it keeps for offline use.
set -eu
d="$1"
# The profiles travel without the indentation they are written with (about
# 0.2 KB of the payload's brotli for the largest).
for f in "$d"/profiles/*.json; do
  python3 -c 'import json, sys
p = sys.argv[1]
with open(p, encoding="utf-8") as f:
    d = json.load(f)
with open(p, "w", encoding="utf-8") as f:
    f.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")))' "$f"
done
list=$(cd "$d" && ls profiles/*.json | sed "s/.*/'&'/" | paste -sd, -)
[ -n "$list" ] || { echo "stamp-build.sh: no profiles/*.json" >&2; exit 1; }
sed -i "s|/\*__PROFILES__\*/\[\]|[$list]|" "$d/sw.js"
grep -q "'profiles/" "$d/sw.js" || { echo "stamp-build.sh: no profile list in sw.js" >&2; exit 1; }
# What the browser downloads carries no comments (the sources keep theirs):
# whole-line // comments and /** … */ blocks of the scripts, <!-- … --> of
# the page. About 2 KB of the payload's brotli.
for f in boot.js sw.js worker_loader.js app.js embed.js tools_loader.js tools.js; do
  perl -0pi -e 's{^[ \t]*/\*\*.*?\*/[ \t]*\n}{}gms; s{^[ \t]*//[^\n]*\n}{}gm' "$d/$f"
done
perl -0pi -e 's{[ \t]*<!--.*?-->[ \t]*\n?}{}gs; s{^[ \t]*<link data-trunk[^>]*>[ \t]*\n}{}gm; s{\n([ \t]*\n)+}{\n}g' "$d/index.html"
perl -0pi -e 's{/\*.*?\*/}{}gs' "$d/style.css"
python3 -c 'import json, sys
p = sys.argv[1]
with open(p, encoding="utf-8") as f:
    d = json.load(f)
with open(p, "w", encoding="utf-8") as f:
    f.write(json.dumps(d, ensure_ascii=False, separators=(",", ":")))' "$d/manifest.webmanifest"
# The scripts (the wasm-bindgen glue app.js and tools.js, the page's boot.js,
# the tools worker's loader) minified by terser (installed by ./dev into
# tests/e2e/node_modules): about 1.6 KB of the payload's brotli. Top-level
# names stay (app.js declares the global `wasm_bindgen`).
terser=tests/e2e/node_modules/.bin/terser
[ -x "$terser" ] || { echo "stamp-build.sh: no $terser (run ./dev setup)" >&2; exit 1; }
for f in app.js embed.js tools.js boot.js tools_loader.js; do
  "$terser" "$d/$f" --compress --mangle -o "$d/$f.min"
  mv "$d/$f.min" "$d/$f"
done
# sw.js too, its strings in single quotes (the build id and the profiles'
# names are found in it as 'NAME').
"$terser" "$d/sw.js" --compress --mangle --format quote_style=1 -o "$d/sw.js.min"
mv "$d/sw.js.min" "$d/sw.js"
id=$(cd "$d" && cat app_bg.wasm app.js embed_bg.wasm embed.js worker_loader.js tools_bg.wasm tools.js tools_loader.js boot.js style.css index.html manifest.webmanifest icon.svg sw.js profiles/*.json | sha256sum | cut -c1-16)
printf '\nself.PREFLIGHT_BUILD = "%s";\n' "$id" >> "$d/app.js"
printf '\nself.PREFLIGHT_BUILD = "%s";\n' "$id" >> "$d/embed.js"
sed -i "s/__BUILD__/$id/g" "$d/sw.js"
sed -i "s|src=\"boot.js\"|src=\"boot.js?v=$id\"|" "$d/index.html"
grep -q "boot.js?v=$id" "$d/index.html" || { echo "stamp-build.sh: no boot.js in index.html" >&2; exit 1; }
echo "build $id"

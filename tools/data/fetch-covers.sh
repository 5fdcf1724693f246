#!/usr/bin/env bash
# Download the Debian packages whose images are our clean covers and unpack them into
# .cache/covers/<package>/ (no installation). Keep to these sources: other image sets stay free
# for independent evaluation. Usage: fetch-covers.sh [dest [package...]] (other packages: the
# held-out evaluation, tools/data/heldout.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dest="$(realpath -m "${1:-$root/.cache/covers}")"  # absolute: the extraction below runs from $dest/debs
pkgs=(adwaita-icon-theme gnome-icon-theme tango-icon-theme gimp-data gimp-data-extras
      extremetuxracer-data neverball-data hedgewars-data supertux-data frozen-bubble-data freeciv-data)
if [ $# -gt 1 ]; then pkgs=("${@:2}"); fi
mkdir -p "$dest/debs"
cd "$dest/debs"
for p in "${pkgs[@]}"; do
  if [ -d "$dest/$p" ]; then continue; fi
  ls "${p}"_*.deb >/dev/null 2>&1 || apt-get download "$p" >/dev/null
  mkdir -p "$dest/$p.tmp" && dpkg-deb -x "${p}"_*.deb "$dest/$p.tmp" && mv "$dest/$p.tmp" "$dest/$p"
done
find "$dest" -path "$dest/debs" -prune -o -type f \( -name '*.png' -o -name '*.jpg' -o -name '*.jpeg' -o -name '*.gif' -o -name '*.pat' \) -print | wc -l

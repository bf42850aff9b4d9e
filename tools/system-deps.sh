#!/usr/bin/env bash
# Make sure the system programs a target needs are here.
#   tools/system-deps.sh pdf    TeX Live (xelatex, latexmk), fonts with Hangul
#   tools/system-deps.sh test   the above, plus poppler (PDF text), Chromium, Node
#                               (npm installs axe-core, citation-js and the Nu Html
#                               Checker) and Java (the Nu Html Checker, EPUBCheck)
# As root on Debian/Ubuntu the missing packages are installed with apt-get;
# anyone else is told the exact command, and the target stops.
set -euo pipefail

want=${1:-test}
pdf_packages="latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended
  texlive-xetex tex-gyre fonts-freefont-otf fonts-noto-cjk"
test_packages="$pdf_packages poppler-utils chromium default-jre-headless"
# Node is asked for only when missing: where it comes with npm already (as from
# NodeSource), Debian's separate npm package would conflict with it
node_packages="nodejs npm"

missing=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_font() { [ -n "$(fc-list "$1" family 2>/dev/null)" ]; }

have_cmd latexmk || missing+=("latexmk")
have_cmd xelatex || missing+=("xelatex")
have_cmd kpsewhich && kpsewhich ucharclasses.sty >/dev/null || missing+=("ucharclasses.sty")
have_font "FreeSerif" || missing+=("font FreeSerif")
have_font "Noto Serif CJK KR" || missing+=("font Noto Serif CJK KR")
packages=$pdf_packages
if [ "$want" = test ]; then
  have_cmd pdftotext || missing+=("pdftotext")
  have_cmd pdftoppm || missing+=("pdftoppm")
  [ -x /usr/bin/chromium ] || missing+=("/usr/bin/chromium")
  have_cmd java || missing+=("java")
  packages=$test_packages
  if ! have_cmd node || ! have_cmd npm; then
    missing+=("node and npm")
    packages="$packages $node_packages"
  fi
fi

[ ${#missing[@]} -eq 0 ] && exit 0

packages=$(echo $packages)
echo "missing for 'make $want': ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && have_cmd apt-get; then
  echo "installing with apt-get: $packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
  echo "installed."
else
  echo "install them with:"
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $packages"
  exit 1
fi

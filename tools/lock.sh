#!/bin/sh
# Regenerate requirements.txt from requirements.in: every package pinned
# exactly, with the SHA-256 of each of its files, so that
# `pip install --require-hashes -r requirements.txt` installs exactly what was
# reviewed, and nothing a changed or hijacked upload would bring.
#
#     make lock        (or: tools/lock.sh [PYTHON])
#
# pip-tools is installed into .venv by this script only: building the site
# never needs it. Existing pins in requirements.txt are kept unless
# requirements.in asks for another version (pip-compile's own rule); to move
# everything to the newest versions, delete requirements.txt first.
set -eu

cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PIP_TOOLS=pip-tools==7.6.2

"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$PIP_TOOLS"
# --allow-unsafe: pip and setuptools too, if anything needs them, since
# --require-hashes refuses a package without a pin and a hash.
# --no-emit-index-url/--no-emit-find-links: this machine's pip settings (its
# mirrors, a wheel folder) do not belong in the file everyone installs from.
# CUSTOM_COMPILE_COMMAND: the header of requirements.txt names this command.
CUSTOM_COMPILE_COMMAND="make lock" "$VENV/bin/pip-compile" \
  --quiet --generate-hashes --allow-unsafe --strip-extras \
  --no-emit-index-url --no-emit-find-links \
  --output-file requirements.txt requirements.in
echo "requirements.txt: $(grep -c '^[A-Za-z0-9]' requirements.txt) packages pinned with hashes"

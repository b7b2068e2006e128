#!/usr/bin/env bash
# Make sure the Debian packages tenderscore needs are present. As root: apt-get update, then install what is
# missing. Otherwise: name what is missing and fail, so nobody discovers it later in a stack trace.
# With --runtime (make serve), only what the running service needs: not the tests' browser and spreadsheet program.
set -euo pipefail

runtime=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
  libharfbuzz-subset0   # WeasyPrint subsets fonts with it; without it a one-page letter takes ~4x longer
  fonts-dejavu-core fonts-liberation2   # the reports' fonts: Liberation Sans (Arial metrics), DejaVu for the rest
)
for_tests=(
  poppler-utils         # pdftotext / pdftoppm: the tests read PDFs back and people look at them as images
  chromium              # the browser tests drive Debian's chromium through Playwright
  libreoffice-calc-nogui  # a test re-saves workbooks with a real other spreadsheet program
)
if [[ "${1:-}" == "--runtime" ]]; then
  shift
  packages=("${runtime[@]}" "$@")
else
  packages=("${runtime[@]}" "${for_tests[@]}" "$@")
fi
# The page styles are built from the npm registry's govuk-frontend; any node/npm will do.
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "tenderscore needs these Debian packages: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

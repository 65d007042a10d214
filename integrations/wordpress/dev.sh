#!/usr/bin/env bash
# Try the plugin: starts the moderation API from this checkout (with samples/roster.csv) and a local WordPress
# (Debian's wordpress package, MariaDB, PHP's built-in server; see tests/wordpress.sh) wired to it, then waits.
# Ctrl-C stops both. Needs root once for /etc/wordpress/config-kusd-dev.php, and the packages .ci/run installs.
#   bash integrations/wordpress/dev.sh
# Ports: KUSD_DEV_API_PORT (5180), KUSD_WP_PORT (8080); MariaDB uses a socket. State: /tmp/kusd-dev-wordpress.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
api_port=${KUSD_DEV_API_PORT:-5180}
api="http://127.0.0.1:$api_port"
export KUSD_WP_PORT=${KUSD_WP_PORT:-8080}
export KUSD_WP_DATA=${KUSD_WP_DATA:-/tmp/kusd-dev-wordpress} KUSD_WP_CONFIG=kusd-dev
api_data="$KUSD_WP_DATA/api"
mkdir -p "$api_data"

echo "== moderation API on $api (data in $api_data)"
dotnet run -c Release --project src/ModerationApi -- --urls "$api" --Storage:DataDirectory "$api_data" >"$KUSD_WP_DATA/api.log" 2>&1 &
api_pid=$!
cleanup() {
  kill "$api_pid" 2>/dev/null || true
  bash "$repo/tests/wordpress.sh" stop
}
trap cleanup EXIT INT TERM
for _ in $(seq 1 240); do
  curl -fsS -o /dev/null "$api/health/ready" 2>/dev/null && break
  kill -0 "$api_pid" 2>/dev/null || { tail -n 30 "$KUSD_WP_DATA/api.log" >&2; exit 1; }
  sleep 1
done
admin_key=$(cat "$api_data/admin-key.txt")
curl -fsS -o /dev/null -H "Authorization: Bearer $admin_key" -H "Content-Type: text/csv" --data-binary @samples/roster.csv "$api/v1/roster/import"
check_key=$(curl -fsS -H "Authorization: Bearer $admin_key" -H "Content-Type: application/json" \
  -d '{"name":"WordPress dev site","scopes":["check"]}' "$api/v1/keys" | php -r 'echo json_decode(stream_get_contents(STDIN), true)["key"];')

echo "== WordPress on http://127.0.0.1:$KUSD_WP_PORT"
site=$(bash tests/wordpress.sh start)
php tests/wordpress/wp-tool.php set-option kusd_moderation_api_url "$api"
php tests/wordpress/wp-tool.php set-option kusd_moderation_api_key "$check_key"

cat <<TEXT

WordPress:   $site/wp-admin/  (admin / kusd-admin-password may override; editor / kusd-editor-password may not)
Settings:    $site/wp-admin/options-general.php?page=kusd-moderation
API docs:    $api/docs  (admin key in $api_data/admin-key.txt; roster from samples/roster.csv)
Try a post naming a student from samples/roster.csv, then Publish. Ctrl-C stops everything.
TEXT
wait "$api_pid"

#!/usr/bin/env bash
# Starts a throw-away WordPress for the plugin's tests (and for integrations/wordpress/dev.sh): Debian's
# wordpress package served by PHP's built-in server, a private MariaDB server, and this checkout's plugin.
#   bash tests/wordpress.sh start [--fresh]   prints the site URL (--fresh drops the database first)
#   bash tests/wordpress.sh stop
# Settings (environment): KUSD_WP_PORT (28080), KUSD_WP_DATA (/tmp/kusd-test-wordpress),
# KUSD_WP_CONFIG (kusd-test: the name of /etc/wordpress/config-NAME.php, selected per request by the router).
# MariaDB listens on a socket in the data folder only, never on a TCP port. Pick KUSD_WP_PORT below the kernel's
# ephemeral range (32768-60999 on Debian): a port inside it can be held by any outgoing connection on the machine.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
port=${KUSD_WP_PORT:-28080}
data=${KUSD_WP_DATA:-/tmp/kusd-test-wordpress}
config=${KUSD_WP_CONFIG:-kusd-test}
url="http://127.0.0.1:$port"
socket="$data/mysql.sock"
command=${1:-start}
fresh=${2:-}

fail() { echo "wordpress.sh: $*" >&2; exit 1; }

stop_php() {
  # The PHP server runs in its own process group (setsid): the group holds its forked workers too.
  if [ -f "$data/php.pid" ]; then
    kill -- "-$(cat "$data/php.pid")" 2>/dev/null || true
    rm -f "$data/php.pid"
  fi
}

stop() {
  stop_php
  if [ -f "$data/mysql.pid" ]; then
    kill "$(cat "$data/mysql.pid")" 2>/dev/null || true
    for _ in $(seq 1 40); do [ -f "$data/mysql.pid" ] || break; sleep 0.25; done
  fi
}

if [ "$command" = stop ]; then
  stop
  exit 0
fi
[ "$command" = start ] || fail "usage: wordpress.sh start [--fresh] | stop"

[ -f /usr/share/wordpress/wp-settings.php ] || fail "WordPress is not installed (apt-get install wordpress)"
command -v php >/dev/null || fail "PHP is not installed (apt-get install php-cli php-mysql)"
command -v mariadbd >/dev/null || fail "MariaDB is not installed (apt-get install mariadb-server)"
[ -d /usr/share/wordpress/wp-content/themes/twentytwentyone ] || fail "the theme is missing (apt-get install wordpress-theme-twentytwentyone)"
mkdir -p "$data/wp-content/uploads" "$data/wp-content/plugins"

# MariaDB: its own data folder and socket, no TCP port, so it never meets a system server or another test.
as_mysql() { if [ "$(id -u)" = 0 ]; then runuser -u mysql -- "$@"; else "$@"; fi; }
sql() { mariadb --no-defaults -S "$socket" -uroot "$@"; }
if ! mariadb-admin --no-defaults -S "$socket" -uroot ping >/dev/null 2>&1; then
  if [ ! -d "$data/mysql/mysql" ]; then
    mkdir -p "$data/mysql"
    [ "$(id -u)" = 0 ] && chown -R mysql:mysql "$data/mysql"
    as_mysql mariadb-install-db --no-defaults --datadir="$data/mysql" --auth-root-authentication-method=normal \
      --skip-test-db >"$data/mysql-install.log" 2>&1 || { cat "$data/mysql-install.log" >&2; fail "mariadb-install-db failed"; }
  fi
  [ "$(id -u)" = 0 ] && chown mysql:mysql "$data"
  [ "$(id -u)" = 0 ] && chmod 755 "$data"
  as_mysql mariadbd --no-defaults --datadir="$data/mysql" --socket="$socket" --skip-networking \
    --pid-file="$data/mysql.pid" --log-error="$data/mysql.log" --skip-name-resolve --innodb-flush-log-at-trx-commit=0 \
    --innodb-buffer-pool-size=64M >/dev/null 2>&1 &
  for _ in $(seq 1 60); do
    mariadb-admin --no-defaults -S "$socket" -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  mariadb-admin --no-defaults -S "$socket" -uroot ping >/dev/null 2>&1 || { tail -n 20 "$data/mysql.log" >&2; fail "MariaDB did not start"; }
fi
if [ "$fresh" = --fresh ]; then
  # A PHP server left by an earlier run (on whatever port it had) goes; this run starts its own.
  stop_php
  sql -e "DROP DATABASE IF EXISTS wordpress"
  rm -rf "$data/wp-content/uploads" "$data/debug.log"
  mkdir -p "$data/wp-content/uploads"
fi
sql -e "CREATE DATABASE IF NOT EXISTS wordpress; CREATE USER IF NOT EXISTS 'wordpress'@'localhost' IDENTIFIED BY 'wordpress';
        GRANT ALL ON wordpress.* TO 'wordpress'@'localhost'"

# The plugin from this checkout, the theme from Debian's package; uploads stay in the data folder.
ln -sfn "$repo/integrations/wordpress/kusd-moderation" "$data/wp-content/plugins/kusd-moderation"
ln -sfn /usr/share/wordpress/wp-content/themes "$data/wp-content/themes"

# Debian's wp-config.php reads /etc/wordpress/config-NAME.php; the router names it for every request.
salt() { head -c 48 /dev/urandom | base64 | tr -d '\n/+='; }
cat > "/etc/wordpress/config-$config.php" <<PHP
<?php
// Written by tests/wordpress.sh for a throw-away test site; safe to delete.
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'wordpress' );
define( 'DB_PASSWORD', 'wordpress' );
define( 'DB_HOST', 'localhost:$socket' );
define( 'WP_HOME', '$url' );
define( 'WP_SITEURL', '$url' );
define( 'WP_CONTENT_DIR', '$data/wp-content' );
define( 'WP_CONTENT_URL', '$url/wp-content' );
// Application passwords need HTTPS unless the site says it is local.
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'DISABLE_WP_CRON', true );
// No calls to wordpress.org (update checks): only this machine, where the moderation API runs.
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_ACCESSIBLE_HOSTS', '127.0.0.1,localhost' );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_DISPLAY', false );
define( 'WP_DEBUG_LOG', '$data/debug.log' );
define( 'FS_METHOD', 'direct' );
define( 'AUTH_KEY', '$(salt)' );
define( 'SECURE_AUTH_KEY', '$(salt)' );
define( 'LOGGED_IN_KEY', '$(salt)' );
define( 'NONCE_KEY', '$(salt)' );
define( 'AUTH_SALT', '$(salt)' );
define( 'SECURE_AUTH_SALT', '$(salt)' );
define( 'LOGGED_IN_SALT', '$(salt)' );
define( 'NONCE_SALT', '$(salt)' );
PHP
chmod 644 "/etc/wordpress/config-$config.php"

# PHP's built-in server, a few workers so the editor's parallel requests do not queue behind a check.
if ! curl -fsS -o /dev/null "$url/wp-includes/images/blank.gif" 2>/dev/null; then
  KUSD_WP_CONFIG=$config KUSD_WP_CONTENT="$data/wp-content" PHP_CLI_SERVER_WORKERS=4 \
    setsid nohup php -d upload_max_filesize=32M -d post_max_size=64M -d memory_limit=512M -d max_execution_time=120 \
    -S "127.0.0.1:$port" -t /usr/share/wordpress "$repo/tests/wordpress/router.php" >"$data/php.log" 2>&1 &
  echo $! > "$data/php.pid"
  for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "$url/wp-includes/images/blank.gif" 2>/dev/null && break
    sleep 0.5
  done
  curl -fsS -o /dev/null "$url/wp-includes/images/blank.gif" \
    || { tail -n 20 "$data/php.log" >&2; fail "the PHP server did not start on port $port (taken? set KUSD_WP_PORT)"; }
fi

KUSD_WP_CONFIG=$config php "$repo/tests/wordpress/wp-tool.php" install "$url" >&2
echo "$url"

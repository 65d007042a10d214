<?php
/**
 * Router for PHP's built-in server in front of Debian's WordPress (tests/wordpress.sh): names the site's config
 * file for Debian's wp-config.php, serves wp-content from the test's data folder, and sends pretty permalinks
 * and /wp-json/ to index.php as Apache's rewrite rules would.
 *
 * @package KusdModeration
 */

$_SERVER['WORDPRESS_CONFIG'] = getenv( 'KUSD_WP_CONFIG' ) ? getenv( 'KUSD_WP_CONFIG' ) : 'kusd-test';
$kusd_router_root    = '/usr/share/wordpress';
$kusd_router_path    = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
$kusd_router_content = (string) getenv( 'KUSD_WP_CONTENT' );

if ( 0 === strpos( $kusd_router_path, '/wp-content/' ) ) {
	$kusd_router_file    = realpath( $kusd_router_content . substr( $kusd_router_path, strlen( '/wp-content' ) ) );
	$kusd_router_allowed = array_filter( array( realpath( $kusd_router_content ), realpath( $kusd_router_content . '/plugins/kusd-moderation' ), realpath( $kusd_router_content . '/themes' ) ) );
	$kusd_router_types   = array(
		'css'   => 'text/css',
		'js'    => 'text/javascript',
		'png'   => 'image/png',
		'jpg'   => 'image/jpeg',
		'jpeg'  => 'image/jpeg',
		'gif'   => 'image/gif',
		'webp'  => 'image/webp',
		'svg'   => 'image/svg+xml',
		'woff2' => 'font/woff2',
		'woff'  => 'font/woff',
		'json'  => 'application/json',
	);
	$kusd_router_ext     = strtolower( pathinfo( (string) $kusd_router_file, PATHINFO_EXTENSION ) );
	$kusd_router_inside  = false;
	foreach ( $kusd_router_allowed as $kusd_router_dir ) {
		$kusd_router_inside = $kusd_router_inside || 0 === strpos( (string) $kusd_router_file, $kusd_router_dir . '/' );
	}
	if ( $kusd_router_file && is_file( $kusd_router_file ) && $kusd_router_inside && isset( $kusd_router_types[ $kusd_router_ext ] ) ) {
		header( 'Content-Type: ' . $kusd_router_types[ $kusd_router_ext ] );
		header( 'Content-Length: ' . filesize( $kusd_router_file ) );
		readfile( $kusd_router_file );
	} else {
		http_response_code( 404 );
	}
	return true;
}

$kusd_router_file = $kusd_router_root . $kusd_router_path;
if ( is_dir( $kusd_router_file ) ) {
	$kusd_router_file = rtrim( $kusd_router_file, '/' ) . '/index.php';
}
if ( is_file( $kusd_router_file ) && '.php' !== substr( $kusd_router_file, -4 ) ) {
	return false;
}
if ( ! is_file( $kusd_router_file ) ) {
	$kusd_router_file = $kusd_router_root . '/index.php';
}
$_SERVER['SCRIPT_FILENAME'] = $kusd_router_file;
$_SERVER['SCRIPT_NAME']     = substr( $kusd_router_file, strlen( $kusd_router_root ) );
$_SERVER['PHP_SELF']        = $_SERVER['SCRIPT_NAME'];
chdir( dirname( $kusd_router_file ) );
require $kusd_router_file;

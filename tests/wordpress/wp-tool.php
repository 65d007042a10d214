<?php
/**
 * The few wp-cli commands the tests and dev.sh need (Debian has no wp-cli package):
 *   php tests/wordpress/wp-tool.php install URL
 *   php tests/wordpress/wp-tool.php set-option NAME VALUE | delete-option NAME
 *   php tests/wordpress/wp-tool.php activate | deactivate
 *   php tests/wordpress/wp-tool.php app-password LOGIN
 *   php tests/wordpress/wp-tool.php post-meta ID KEY
 *   php tests/wordpress/wp-tool.php attachment-file ID
 *   php tests/wordpress/wp-tool.php publish ID   (wp_publish_post, as cron does for a scheduled post)
 *   php tests/wordpress/wp-tool.php status ID
 * KUSD_WP_CONFIG names /etc/wordpress/config-NAME.php (written by tests/wordpress.sh).
 *
 * @package KusdModeration
 */

$_SERVER['WORDPRESS_CONFIG'] = getenv( 'KUSD_WP_CONFIG' ) ? getenv( 'KUSD_WP_CONFIG' ) : 'kusd-test';
$_SERVER['HTTP_HOST']        = 'localhost';
$_SERVER['SERVER_NAME']      = 'localhost';
$_SERVER['REQUEST_URI']      = '/';
$_SERVER['REQUEST_METHOD']   = 'GET';
$kusd_command                = isset( $argv[1] ) ? $argv[1] : '';
if ( 'install' === $kusd_command ) {
	define( 'WP_INSTALLING', true );
}
require '/usr/share/wordpress/wp-load.php';

const KUSD_PLUGIN = 'kusd-moderation/kusd-moderation.php';

/** Users of the test site: an administrator (may override) and an editor (may not). */
const KUSD_USERS = array(
	'admin'  => 'administrator',
	'editor' => 'editor',
);

switch ( $kusd_command ) {
	case 'install':
		/** The test machine has no mail transport: the "new site" mail is not sent. */
		function wp_new_blog_notification() {}
		require_once ABSPATH . 'wp-admin/includes/upgrade.php';
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		if ( ! is_blog_installed() ) {
			wp_install( 'KUSD test site', 'admin', 'admin@example.org', false, '', 'kusd-admin-password' );
		}
		global $wp_rewrite;
		$wp_rewrite->set_permalink_structure( '/%postname%/' );
		$wp_rewrite->flush_rules( false );
		switch_theme( 'twentytwentyone' );
		foreach ( KUSD_USERS as $login => $role ) {
			$user = get_user_by( 'login', $login );
			$id   = $user ? $user->ID : wp_insert_user(
				array(
					'user_login' => $login,
					'user_pass'  => 'kusd-' . $login . '-password',
					'user_email' => $login . '@example.org',
					'role'       => $role,
				)
			);
			// No welcome guide in the editor.
			update_user_meta(
				$id,
				$GLOBALS['wpdb']->get_blog_prefix() . 'persisted_preferences',
				array(
					'core/edit-post' => array(
						'welcomeGuide'     => false,
						'isPublishSidebarEnabled' => true,
					),
					'_modified'      => gmdate( 'c' ),
				)
			);
		}
		$result = activate_plugin( KUSD_PLUGIN );
		if ( is_wp_error( $result ) ) {
			fwrite( STDERR, $result->get_error_message() . "\n" );
			exit( 1 );
		}
		echo "WordPress installed, plugin active\n";
		break;
	case 'set-option':
		update_option( $argv[2], $argv[3], false );
		delete_transient( 'kusd_moderation_rules' );
		delete_transient( 'kusd_moderation_limits' );
		break;
	case 'delete-option':
		delete_option( $argv[2] );
		break;
	case 'activate':
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		$result = activate_plugin( KUSD_PLUGIN );
		exit( is_wp_error( $result ) ? 1 : 0 );
	case 'deactivate':
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
		deactivate_plugins( KUSD_PLUGIN );
		break;
	case 'app-password':
		$user = get_user_by( 'login', $argv[2] );
		list( $password ) = WP_Application_Passwords::create_new_application_password( $user->ID, array( 'name' => 'tests ' . uniqid() ) );
		echo $password . "\n";
		break;
	case 'post-meta':
		echo wp_json_encode( get_post_meta( (int) $argv[2], $argv[3], false ) ) . "\n";
		break;
	case 'attachment-file':
		echo get_attached_file( (int) $argv[2] ) . "\n";
		break;
	case 'publish':
		wp_publish_post( (int) $argv[2] );
		break;
	case 'status':
		clean_post_cache( (int) $argv[2] );
		echo get_post_status( (int) $argv[2] ) . "\n";
		break;
	default:
		fwrite( STDERR, "unknown command\n" );
		exit( 2 );
}

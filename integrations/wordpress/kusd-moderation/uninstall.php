<?php
/**
 * Removes the plugin's options, caches and capability. Post and attachment records of past checks stay:
 * they are the site's record of why something was held or overridden.
 *
 * @package KusdModeration
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

foreach ( array( 'kusd_moderation_api_url', 'kusd_moderation_api_key', 'kusd_moderation_on_unreachable', 'kusd_moderation_restricted_face', 'kusd_moderation_timeout' ) as $kusd_moderation_option ) {
	delete_option( $kusd_moderation_option );
}
delete_transient( 'kusd_moderation_rules' );
delete_transient( 'kusd_moderation_limits' );
foreach ( wp_roles()->role_objects as $kusd_moderation_role ) {
	$kusd_moderation_role->remove_cap( 'kusd_moderation_override' );
}

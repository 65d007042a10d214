<?php
/**
 * Plugin Name:       KUSD Moderation
 * Description:       Checks posts and media against Policy and Rule 4226 with the district's moderation service before they are published.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            Kenosha Unified School District
 * License:           MIT
 * Text Domain:       kusd-moderation
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

define( 'KUSD_MODERATION_VERSION', '0.1.0' );
define( 'KUSD_MODERATION_FILE', __FILE__ );

/** The capability that lets a person publish against the service's decision, with a written reason. */
const KUSD_MODERATION_OVERRIDE_CAP = 'kusd_moderation_override';

require_once __DIR__ . '/includes/class-kusd-moderation-settings.php';
require_once __DIR__ . '/includes/class-kusd-moderation-client.php';
require_once __DIR__ . '/includes/class-kusd-moderation-checker.php';
require_once __DIR__ . '/includes/class-kusd-moderation-enforcement.php';
require_once __DIR__ . '/includes/class-kusd-moderation-media.php';
require_once __DIR__ . '/includes/class-kusd-moderation-rest.php';
require_once __DIR__ . '/includes/class-kusd-moderation-editor.php';

register_activation_hook( __FILE__, 'kusd_moderation_activate' );

/**
 * Administrators may override; other roles get the capability only when a site owner grants it.
 */
function kusd_moderation_activate() {
	$admin = get_role( 'administrator' );
	if ( $admin ) {
		$admin->add_cap( KUSD_MODERATION_OVERRIDE_CAP );
	}
	// The key is a secret: never autoloaded into every page's memory.
	if ( false === get_option( Kusd_Moderation_Settings::OPTION_KEY ) ) {
		add_option( Kusd_Moderation_Settings::OPTION_KEY, '', '', 'no' );
	}
}

Kusd_Moderation_Settings::register();
Kusd_Moderation_Enforcement::register();
Kusd_Moderation_Media::register();
Kusd_Moderation_Rest::register();
Kusd_Moderation_Editor::register();

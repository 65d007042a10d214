<?php
/**
 * The block editor's pre-publish panel (assets/editor.js): no build step, only WordPress's own packages.
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

/**
 * Enqueues the panel for the checked post types.
 */
final class Kusd_Moderation_Editor {
	/** Hooks the block editor's assets. */
	public static function register() {
		add_action( 'enqueue_block_editor_assets', array( __CLASS__, 'enqueue' ) );
	}

	/** Adds the script and style where a checked post type is edited. */
	public static function enqueue() {
		$screen = function_exists( 'get_current_screen' ) ? get_current_screen() : null;
		if ( $screen && ! in_array( $screen->post_type, Kusd_Moderation_Enforcement::post_types(), true ) ) {
			return;
		}
		wp_enqueue_script(
			'kusd-moderation-editor',
			plugins_url( 'assets/editor.js', KUSD_MODERATION_FILE ),
			array( 'wp-plugins', 'wp-edit-post', 'wp-element', 'wp-components', 'wp-data', 'wp-api-fetch', 'wp-i18n', 'wp-blocks' ),
			KUSD_MODERATION_VERSION,
			true
		);
		wp_enqueue_style( 'kusd-moderation-editor', plugins_url( 'assets/editor.css', KUSD_MODERATION_FILE ), array(), KUSD_MODERATION_VERSION );
	}
}

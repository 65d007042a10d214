<?php
/**
 * The editor's endpoints: check the edited post, and override with a written reason. Cookie-authenticated
 * REST calls carry the wp_rest nonce; every route checks capabilities on the post.
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

/**
 * Routes under /wp-json/kusd-moderation/v1.
 */
final class Kusd_Moderation_Rest {
	const NAMESPACE_V1 = 'kusd-moderation/v1';

	/** The API's bounds on a reason (OverridesApi.MinReasonLength and MaxReasonLength). */
	const MIN_REASON = 10;
	const MAX_REASON = 2000;

	/** Hooks route registration. */
	public static function register() {
		add_action( 'rest_api_init', array( __CLASS__, 'routes' ) );
	}

	/** The routes and their arguments. */
	public static function routes() {
		$content_args = array(
			'post_id'        => array(
				'type'     => 'integer',
				'required' => true,
				'minimum'  => 1,
			),
			'title'          => array(
				'type'    => 'string',
				'default' => '',
			),
			'content'        => array(
				'type'    => 'string',
				'default' => '',
			),
			'excerpt'        => array(
				'type'    => 'string',
				'default' => '',
			),
			'featured_media' => array(
				'type'    => 'integer',
				'default' => 0,
				'minimum' => 0,
			),
		);
		register_rest_route(
			self::NAMESPACE_V1,
			'/check',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( __CLASS__, 'check' ),
				'permission_callback' => array( __CLASS__, 'can_edit' ),
				'args'                => $content_args,
			)
		);
		register_rest_route(
			self::NAMESPACE_V1,
			'/override',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( __CLASS__, 'override' ),
				'permission_callback' => array( __CLASS__, 'can_override' ),
				'args'                => $content_args + array(
					'reason' => array(
						'type'      => 'string',
						'required'  => true,
						'minLength' => self::MIN_REASON,
						'maxLength' => self::MAX_REASON,
					),
				),
			)
		);
	}

	/**
	 * Only people who may edit the post may check it.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public static function can_edit( $request ) {
		return current_user_can( 'edit_post', (int) $request['post_id'] );
	}

	/**
	 * Overriding needs the dedicated capability as well.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public static function can_override( $request ) {
		return self::can_edit( $request ) && current_user_can( KUSD_MODERATION_OVERRIDE_CAP );
	}

	/**
	 * Checks the edited post (not yet saved) for the pre-publish panel.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public static function check( $request ) {
		$summary  = Kusd_Moderation_Checker::check( self::content( $request ) );
		$override = Kusd_Moderation_Checker::override_for( (int) $request['post_id'], $summary['hash'] );
		return rest_ensure_response(
			array(
				'decision'      => $summary['decision'],
				'checkId'       => $summary['checkId'],
				'hash'          => $summary['hash'],
				'findings'      => Kusd_Moderation_Checker::with_rule_texts( $summary['findings'] ),
				'summary'       => 'approved' === $summary['decision'] ? '' : Kusd_Moderation_Checker::explain( $summary ),
				'onUnreachable' => Kusd_Moderation_Settings::on_unreachable(),
				'canOverride'   => current_user_can( KUSD_MODERATION_OVERRIDE_CAP ),
				'override'      => $override ? array(
					'reason' => $override['reason'],
					'user'   => $override['userLogin'],
				) : null,
			)
		);
	}

	/**
	 * Records an override of the current verdict for exactly this content, on the post and in the service's audit.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	public static function override( $request ) {
		$reason = trim( sanitize_textarea_field( (string) $request['reason'] ) );
		if ( strlen( $reason ) < self::MIN_REASON ) {
			return new WP_Error( 'kusd_moderation_reason', __( 'Write why this post is published anyway.', 'kusd-moderation' ), array( 'status' => 400 ) );
		}
		$post_id = (int) $request['post_id'];
		$summary = Kusd_Moderation_Checker::check( self::content( $request ) );
		if ( 'approved' === $summary['decision'] ) {
			return new WP_Error( 'kusd_moderation_nothing_to_override', __( 'This post is approved; there is nothing to override.', 'kusd-moderation' ), array( 'status' => 409 ) );
		}
		if ( empty( $summary['checkId'] ) ) {
			// An override no one can audit is not recorded: the post waits until the service is back.
			return new WP_Error( 'kusd_moderation_unavailable', __( 'The moderation service could not be reached, so the override cannot be recorded. Try again later.', 'kusd-moderation' ), array( 'status' => 503 ) );
		}
		$user    = wp_get_current_user();
		$audited = Kusd_Moderation_Client::override( $summary['checkId'], $reason, $user->user_login );
		if ( is_wp_error( $audited ) ) {
			return new WP_Error( 'kusd_moderation_audit', __( 'The moderation service did not record the override; nothing was changed. Try again.', 'kusd-moderation' ), array( 'status' => 502 ) );
		}
		$override = array(
			'hash'      => $summary['hash'],
			'checkId'   => $summary['checkId'],
			'decision'  => $summary['decision'],
			'reason'    => $reason,
			'userId'    => (int) $user->ID,
			'userLogin' => $user->user_login,
			'at'        => gmdate( 'c' ),
		);
		add_post_meta( $post_id, Kusd_Moderation_Checker::META_OVERRIDE, $override );
		return rest_ensure_response(
			array(
				'recorded' => true,
				'override' => array(
					'reason' => $reason,
					'user'   => $user->user_login,
				),
			)
		);
	}

	/**
	 * The edited content from the request.
	 *
	 * @param WP_REST_Request $request The request.
	 */
	private static function content( $request ) {
		return Kusd_Moderation_Checker::content( $request['title'], $request['content'], $request['excerpt'], (int) $request['featured_media'] );
	}
}

<?php
/**
 * The HTTP client of the moderation service: bounded timeouts, no redirects, and errors that never carry content.
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

/**
 * Talks to the service's /v1 API. Every failure is a WP_Error whose message is safe to show to anyone:
 * it names the status, never the submitted text.
 */
final class Kusd_Moderation_Client {
	/** How long the rule texts are reused: they change only with a service release. */
	const RULES_TTL = HOUR_IN_SECONDS;

	/**
	 * Checks text fields and images.
	 *
	 * @param array $fields   List of array( 'name' => , 'text' => , 'format' => ).
	 * @param array $images   List of array( 'name' => , 'bytes' => ).
	 * @param bool  $sanitize Ask for sanitized images (restricted faces blurred, metadata stripped).
	 * @return array|WP_Error The verdict.
	 */
	public static function check( array $fields, array $images, $sanitize = false ) {
		$body = array(
			'fields'                => array_values( $fields ),
			'images'                => array_map(
				static function ( $image ) {
					// phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the API's JSON carries images as base64.
					return array( 'name' => $image['name'], 'data' => base64_encode( $image['bytes'] ) );
				},
				$images
			),
			'channel'               => 'website',
			'returnSanitizedImages' => (bool) $sanitize,
		);
		$verdict = self::request( 'POST', '/v1/checks', $body );
		if ( is_wp_error( $verdict ) ) {
			return $verdict;
		}
		if ( ! isset( $verdict['decision'], $verdict['id'] ) || ! in_array( $verdict['decision'], array( 'approved', 'approvedWithChanges', 'needsReview', 'rejected' ), true ) ) {
			return new WP_Error( 'kusd_moderation_bad_answer', __( 'The moderation service sent an answer this plugin does not understand.', 'kusd-moderation' ) );
		}
		return $verdict;
	}

	/**
	 * Sends an override to the service's audit.
	 *
	 * @param string $check_id The check overridden.
	 * @param string $reason   The written reason.
	 * @param string $user     The WordPress login of the person.
	 * @return array|WP_Error The stored override.
	 */
	public static function override( $check_id, $reason, $user ) {
		return self::request(
			'POST',
			'/v1/checks/' . rawurlencode( $check_id ) . '/overrides',
			array(
				'reason' => $reason,
				'user'   => $user,
			)
		);
	}

	/**
	 * The rule catalog (GET /v1/rules) by rule id, cached; empty when the service has none yet.
	 *
	 * @return array<string, array> Rule texts by id.
	 */
	public static function rules() {
		$cached = get_transient( 'kusd_moderation_rules' );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		$answer = self::request( 'GET', '/v1/rules', null, 5 );
		$rules  = array();
		if ( ! is_wp_error( $answer ) && isset( $answer['rules'] ) && is_array( $answer['rules'] ) ) {
			foreach ( $answer['rules'] as $rule ) {
				if ( isset( $rule['id'] ) && is_string( $rule['id'] ) ) {
					$rules[ $rule['id'] ] = array_intersect_key( $rule, array_flip( array( 'title', 'description', 'help', 'severity', 'policy', 'automaticFix' ) ) );
				}
			}
		}
		// A service without the catalog is asked again in five minutes, not on every check.
		set_transient( 'kusd_moderation_rules', $rules, $rules ? self::RULES_TTL : 5 * MINUTE_IN_SECONDS );
		return $rules;
	}

	/**
	 * The service's limits on a check (GET /v1/limits), cached like the rules. Until the service answers, the
	 * defaults it shipped with stand in; a check then fails closed anyway.
	 *
	 * @return array{maxImages: int, maxImageBytes: int, imageTypes: string[]}
	 */
	public static function limits() {
		$cached = get_transient( 'kusd_moderation_limits' );
		if ( is_array( $cached ) ) {
			return $cached;
		}
		$limits = array(
			'maxImages'     => 10,
			'maxImageBytes' => 20971520,
			'imageTypes'    => array( 'image/jpeg', 'image/png', 'image/gif', 'image/bmp', 'image/webp', 'image/tiff' ),
		);
		$answer = self::request( 'GET', '/v1/limits', null, 5 );
		$served = ! is_wp_error( $answer ) && isset( $answer['maxImages'], $answer['maxImageBytes'], $answer['imageTypes'] ) && is_array( $answer['imageTypes'] );
		if ( $served ) {
			$limits = array(
				'maxImages'     => max( 1, (int) $answer['maxImages'] ),
				'maxImageBytes' => max( 1, (int) $answer['maxImageBytes'] ),
				'imageTypes'    => array_values( array_filter( $answer['imageTypes'], 'is_string' ) ),
			);
		}
		set_transient( 'kusd_moderation_limits', $limits, $served ? self::RULES_TTL : 5 * MINUTE_IN_SECONDS );
		return $limits;
	}

	/**
	 * Checks that the service answers and that the key is accepted.
	 *
	 * @return array{ok: bool, message: string}
	 */
	public static function test_connection() {
		if ( '' === Kusd_Moderation_Settings::api_url() || '' === Kusd_Moderation_Settings::api_key() ) {
			return array(
				'ok'      => false,
				'message' => __( 'Set the API URL and key first.', 'kusd-moderation' ),
			);
		}
		// Reading a check that cannot exist: 404 proves the key is valid without creating an audit record.
		$answer = self::request( 'GET', '/v1/checks/chk_connection_test', null, 5 );
		if ( is_wp_error( $answer ) && 404 === (int) $answer->get_error_data() ) {
			return array(
				'ok'      => true,
				'message' => __( 'Connected: the service answered and accepted the key.', 'kusd-moderation' ),
			);
		}
		return array(
			'ok'      => false,
			'message' => is_wp_error( $answer ) ? $answer->get_error_message() : __( 'Unexpected answer from the service.', 'kusd-moderation' ),
		);
	}

	/**
	 * One request; JSON in and out.
	 *
	 * @param string     $method  HTTP method.
	 * @param string     $path    Path under the API URL.
	 * @param array|null $body    JSON body.
	 * @param int|null   $timeout Seconds, default from the settings.
	 * @return array|WP_Error Decoded JSON, or an error whose data is the HTTP status.
	 */
	private static function request( $method, $path, $body = null, $timeout = null ) {
		$url = Kusd_Moderation_Settings::api_url();
		$key = Kusd_Moderation_Settings::api_key();
		if ( '' === $url || '' === $key ) {
			return new WP_Error( 'kusd_moderation_not_configured', __( 'The moderation service is not configured (Settings → KUSD Moderation).', 'kusd-moderation' ), 0 );
		}
		$args     = array(
			'method'      => $method,
			'timeout'     => $timeout ? $timeout : Kusd_Moderation_Settings::timeout(),
			'redirection' => 0,
			'headers'     => array(
				'Authorization' => 'Bearer ' . $key,
				'Accept'        => 'application/json',
			),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body );
		}
		$response = wp_remote_request( $url . $path, $args );
		if ( is_wp_error( $response ) ) {
			// The transport's message names the host and the cause (refused, timed out), never the content.
			return new WP_Error( 'kusd_moderation_unreachable', __( 'The moderation service could not be reached.', 'kusd-moderation' ), 0 );
		}
		$status  = (int) wp_remote_retrieve_response_code( $response );
		$decoded = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		if ( $status < 200 || $status > 299 ) {
			$title = is_array( $decoded ) && isset( $decoded['title'] ) && is_string( $decoded['title'] ) ? $decoded['title'] : '';
			/* translators: 1: HTTP status, 2: the service's problem title */
			return new WP_Error( 'kusd_moderation_http', sprintf( __( 'The moderation service answered %1$d %2$s.', 'kusd-moderation' ), $status, $title ), $status );
		}
		return is_array( $decoded ) ? $decoded : array();
	}
}

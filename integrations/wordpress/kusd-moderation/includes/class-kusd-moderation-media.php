<?php
/**
 * Media library: every uploaded image is checked before WordPress stores it. A restricted face is blurred in the
 * stored file (or the upload is refused, per the settings); findings stay on the attachment, without names.
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

/**
 * Checks uploads and records the result on the attachment.
 */
final class Kusd_Moderation_Media {
	const META = '_kusd_moderation';

	/**
	 * Results of this request's uploads by the SHA-256 of the bytes stored, until the attachment exists.
	 *
	 * @var array<string, array>
	 */
	private static $pending = array();

	/** Hooks uploads from the media library, the editor and REST (multipart and raw bodies). */
	public static function register() {
		add_filter( 'wp_handle_upload_prefilter', array( __CLASS__, 'check_upload' ) );
		add_filter( 'wp_handle_sideload_prefilter', array( __CLASS__, 'check_upload' ) );
		add_action( 'add_attachment', array( __CLASS__, 'attach_result' ) );
	}

	/**
	 * Checks the uploaded file in place, before WordPress moves it into uploads/.
	 *
	 * @param array $file The upload: name, type, tmp_name, size, error.
	 * @return array The upload, its bytes replaced by the sanitized copy, or with an error that refuses it.
	 */
	public static function check_upload( $file ) {
		if ( ! empty( $file['error'] ) || empty( $file['tmp_name'] ) || ! is_readable( $file['tmp_name'] ) ) {
			return $file;
		}
		$type   = wp_check_filetype( $file['name'] );
		$limits = Kusd_Moderation_Client::limits();
		if ( ! in_array( $type['type'], $limits['imageTypes'], true ) ) {
			return $file;
		}
		$bytes = (string) file_get_contents( $file['tmp_name'] ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- the upload's temporary file.
		if ( strlen( $bytes ) > $limits['maxImageBytes'] ) {
			self::$pending[ hash( 'sha256', $bytes ) ] = self::result( 'needsReview', null, array(), false );
			return $file;
		}

		$verdict = Kusd_Moderation_Client::check(
			array(),
			array(
				array(
					'name'  => sanitize_file_name( $file['name'] ),
					'bytes' => $bytes,
				),
			),
			true
		);
		if ( is_wp_error( $verdict ) ) {
			if ( 'block' === Kusd_Moderation_Settings::on_unreachable() ) {
				$file['error'] = __( 'The moderation service could not check this image, so it was not uploaded. Try again later.', 'kusd-moderation' );
				return $file;
			}
			// Stored, marked unchecked: the post that uses it is checked again before it is published.
			self::$pending[ hash( 'sha256', $bytes ) ] = self::result( 'unavailable', null, array(), false );
			return $file;
		}

		$findings   = Kusd_Moderation_Checker::findings( $verdict, array() );
		$restricted = (bool) array_filter(
			$findings,
			static function ( $f ) {
				return 'media-restriction/face' === $f['ruleId'] && 'error' === $f['severity'];
			}
		);
		$sanitized  = false;
		if ( $restricted ) {
			if ( 'refuse' === Kusd_Moderation_Settings::restricted_face() ) {
				$file['error'] = __( 'This photo shows a student with a media restriction on file, so it cannot be uploaded.', 'kusd-moderation' );
				return $file;
			}
			$copy = isset( $verdict['sanitized']['images'][0]['data'] ) ? base64_decode( (string) $verdict['sanitized']['images'][0]['data'], true ) : false; // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- the API's JSON carries images as base64.
			if ( false === $copy || '' === $copy ) {
				// Without the blurred copy the original must not be stored.
				$file['error'] = __( 'This photo shows a student with a media restriction on file and no blurred copy could be made, so it was not uploaded.', 'kusd-moderation' );
				return $file;
			}
			file_put_contents( $file['tmp_name'], $copy ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_file_put_contents -- replaces the upload's temporary file before WordPress moves it.
			$file['size'] = strlen( $copy );
			$content_type = isset( $verdict['sanitized']['images'][0]['contentType'] ) ? (string) $verdict['sanitized']['images'][0]['contentType'] : $type['type'];
			if ( $content_type !== $type['type'] ) {
				// The service re-encodes GIF, WebP, BMP and TIFF as JPEG: the name must follow the bytes.
				$file['name'] = pathinfo( $file['name'], PATHINFO_FILENAME ) . ( 'image/png' === $content_type ? '.png' : '.jpg' );
				$file['type'] = $content_type;
			}
			$bytes     = $copy;
			$sanitized = true;
		}
		self::$pending[ hash( 'sha256', $bytes ) ] = self::result( $verdict['decision'], (string) $verdict['id'], $findings, $sanitized );
		return $file;
	}

	/**
	 * Records the upload's result on its attachment.
	 *
	 * @param int $attachment_id The new attachment.
	 */
	public static function attach_result( $attachment_id ) {
		$path = get_attached_file( $attachment_id );
		if ( ! $path || ! is_readable( $path ) || ! self::$pending ) {
			return;
		}
		$hash = hash_file( 'sha256', $path );
		if ( isset( self::$pending[ $hash ] ) ) {
			update_post_meta( $attachment_id, self::META, self::$pending[ $hash ] );
			unset( self::$pending[ $hash ] );
		}
	}

	/**
	 * The attachment record: decision, check id, whether the file is the sanitized copy, and findings as rule,
	 * severity and region only (image findings never name anyone; text read from the image is not kept).
	 *
	 * @param string      $decision  The decision.
	 * @param string|null $check_id  The service's check id.
	 * @param array       $findings  From the checker.
	 * @param bool        $sanitized Whether the stored file is the blurred copy.
	 */
	private static function result( $decision, $check_id, array $findings, $sanitized ) {
		return array(
			'decision'  => $decision,
			'checkId'   => $check_id,
			'sanitized' => $sanitized,
			'checkedAt' => time(),
			'findings'  => array_map(
				static function ( $f ) {
					return array_intersect_key( $f, array_flip( array( 'ruleId', 'severity', 'region' ) ) );
				},
				$findings
			),
		);
	}
}

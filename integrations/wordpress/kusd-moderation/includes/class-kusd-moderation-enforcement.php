<?php
/**
 * Server-side enforcement: every way into `publish` or `future` (REST and the block editor, the classic
 * editor, quick edit, XML-RPC, application passwords, scheduled posts) passes the check. The client is never trusted.
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

/**
 * Holds posts the service does not approve.
 */
final class Kusd_Moderation_Enforcement {
	/**
	 * Text hashes approved earlier in this request, so one save is checked once even though it passes
	 * several hooks.
	 *
	 * @var array<string, true>
	 */
	private static $verified = array();

	/**
	 * Verdicts of this request by text hash, kept on the post once it has an id (a new post gets one only
	 * after the hooks that check it).
	 *
	 * @var array<string, array>
	 */
	private static $checked = array();

	/** Hooks every path. */
	public static function register() {
		foreach ( self::post_types() as $type ) {
			add_filter( "rest_pre_insert_{$type}", array( __CLASS__, 'rest_pre_insert' ), 20, 2 );
		}
		add_filter( 'wp_insert_post_data', array( __CLASS__, 'insert_post_data' ), 99, 2 );
		add_action( 'transition_post_status', array( __CLASS__, 'transition' ), 10, 3 );
		add_action( 'wp_insert_post', array( __CLASS__, 'inserted' ), 10, 2 );
		add_action( 'admin_notices', array( __CLASS__, 'notice' ) );
	}

	/** Post types whose publishing is checked. */
	public static function post_types() {
		return (array) apply_filters( 'kusd_moderation_post_types', array( 'post', 'page' ) );
	}

	/**
	 * REST (the block editor, application passwords): refuse with an error the client can read.
	 *
	 * @param stdClass|WP_Error $prepared The post about to be inserted.
	 * @param WP_REST_Request   $request  The request.
	 * @return stdClass|WP_Error
	 */
	public static function rest_pre_insert( $prepared, $request ) {
		if ( is_wp_error( $prepared ) ) {
			return $prepared;
		}
		$existing = ! empty( $prepared->ID ) ? get_post( (int) $prepared->ID ) : null;
		$status   = isset( $prepared->post_status ) ? $prepared->post_status : ( $existing ? $existing->post_status : 'draft' );
		if ( ! in_array( $status, array( 'publish', 'future' ), true ) ) {
			return $prepared;
		}
		$field    = static function ( $name ) use ( $prepared, $existing ) {
			if ( isset( $prepared->$name ) ) {
				return (string) $prepared->$name;
			}
			return $existing ? (string) $existing->$name : '';
		};
		$featured = isset( $request['featured_media'] ) ? (int) $request['featured_media'] : ( $existing ? (int) get_post_thumbnail_id( $existing ) : 0 );
		$content  = Kusd_Moderation_Checker::content( $field( 'post_title' ), $field( 'post_content' ), $field( 'post_excerpt' ), $featured );
		$summary  = Kusd_Moderation_Checker::check( $content );
		$post_id  = $existing ? (int) $existing->ID : 0;
		self::$checked[ self::text_hash( $content ) ] = $summary;
		self::remember( $post_id, $summary );
		if ( Kusd_Moderation_Checker::may_publish( $summary, $post_id ) ) {
			self::$verified[ self::text_hash( $content ) ] = true;
			return $prepared;
		}
		if ( 'unavailable' === $summary['decision'] && 'review' === Kusd_Moderation_Settings::on_unreachable() ) {
			// Saved, but as pending: a person reviews it once the service is back.
			$prepared->post_status = 'pending';
			self::$verified[ self::text_hash( $content ) ] = true;
			return $prepared;
		}
		return new WP_Error(
			self::error_code( $summary['decision'] ),
			Kusd_Moderation_Checker::explain( $summary ),
			array(
				'status'         => 'unavailable' === $summary['decision'] ? 503 : 422,
				'kusdModeration' => self::public_summary( $summary ),
			)
		);
	}

	/**
	 * Every other path (classic editor, quick edit, XML-RPC, wp_insert_post from code): the post is saved, held.
	 *
	 * @param array $data    Slashed post fields about to be saved.
	 * @param array $postarr The post array given to wp_insert_post.
	 * @return array
	 */
	public static function insert_post_data( $data, $postarr ) {
		if ( ! in_array( $data['post_status'], array( 'publish', 'future' ), true ) || ! in_array( $data['post_type'], self::post_types(), true ) ) {
			return $data;
		}
		$post_id  = isset( $postarr['ID'] ) ? (int) $postarr['ID'] : 0;
		$featured = isset( $postarr['_thumbnail_id'] ) ? (int) $postarr['_thumbnail_id'] : ( $post_id ? (int) get_post_thumbnail_id( $post_id ) : 0 );
		$content  = Kusd_Moderation_Checker::content( wp_unslash( $data['post_title'] ), wp_unslash( $data['post_content'] ), wp_unslash( $data['post_excerpt'] ), $featured );
		if ( isset( self::$verified[ self::text_hash( $content ) ] ) ) {
			return $data;
		}
		$summary = Kusd_Moderation_Checker::check( $content );
		self::$checked[ self::text_hash( $content ) ] = $summary;
		self::remember( $post_id, $summary );
		if ( Kusd_Moderation_Checker::may_publish( $summary, $post_id ) ) {
			self::$verified[ self::text_hash( $content ) ] = true;
			return $data;
		}
		$previous            = $post_id ? get_post_status( $post_id ) : false;
		$keep_draft          = in_array( $summary['decision'], array( 'rejected', 'approvedWithChanges' ), true )
			|| ( 'unavailable' === $summary['decision'] && 'block' === Kusd_Moderation_Settings::on_unreachable() );
		$data['post_status'] = $keep_draft && 'pending' !== $previous ? 'draft' : 'pending';
		self::notify( $summary );
		return $data;
	}

	/**
	 * The backstop for paths that change the status without wp_insert_post_data (wp_publish_post, which
	 * publishes scheduled posts from cron).
	 *
	 * @param string  $new_status New status.
	 * @param string  $old_status Old status.
	 * @param WP_Post $post       The post.
	 */
	public static function transition( $new_status, $old_status, $post ) {
		if ( 'publish' !== $new_status || 'publish' === $old_status || ! in_array( $post->post_type, self::post_types(), true ) ) {
			return;
		}
		$content = Kusd_Moderation_Checker::content_of_post( $post );
		if ( isset( self::$verified[ self::text_hash( $content ) ] ) ) {
			return;
		}
		$summary = Kusd_Moderation_Checker::check( $content );
		self::remember( (int) $post->ID, $summary );
		if ( Kusd_Moderation_Checker::may_publish( $summary, (int) $post->ID ) ) {
			return;
		}
		remove_action( 'transition_post_status', array( __CLASS__, 'transition' ), 10 );
		wp_update_post(
			array(
				'ID'          => $post->ID,
				'post_status' => 'pending',
			)
		);
		add_action( 'transition_post_status', array( __CLASS__, 'transition' ), 10, 3 );
		add_action( 'wp_insert_post', array( __CLASS__, 'inserted' ), 10, 2 );
	}

	/**
	 * Keeps this request's verdict on a post that was new when it was checked.
	 *
	 * @param int     $post_id The post.
	 * @param WP_Post $post    The post as saved.
	 */
	public static function inserted( $post_id, $post ) {
		if ( ! self::$checked ) {
			return;
		}
		$hash = self::text_hash(
			array(
				'title'   => $post->post_title,
				'content' => $post->post_content,
				'excerpt' => $post->post_excerpt,
			)
		);
		if ( isset( self::$checked[ $hash ] ) ) {
			self::remember( (int) $post_id, self::$checked[ $hash ] );
		}
	}

	/** Shows the current user the reason their own post was held; nobody else sees it. */
	public static function notice() {
		$key     = 'kusd_moderation_notice_' . get_current_user_id();
		$message = get_transient( $key );
		if ( ! is_string( $message ) || '' === $message ) {
			return;
		}
		delete_transient( $key );
		printf( '<div class="notice notice-warning is-dismissible kusd-moderation-notice"><p><strong>%1$s</strong> %2$s</p></div>', esc_html__( 'Not published.', 'kusd-moderation' ), esc_html( $message ) );
	}

	/**
	 * The decision and rule titles, without any text of the post: what a REST client may read.
	 *
	 * @param array $summary From the checker.
	 */
	public static function public_summary( array $summary ) {
		$findings = array();
		foreach ( Kusd_Moderation_Checker::with_rule_texts( $summary['findings'] ) as $f ) {
			$findings[] = array(
				'ruleId'   => $f['ruleId'],
				'severity' => $f['severity'],
				'title'    => $f['title'],
				'field'    => $f['field'],
			);
		}
		return array(
			'decision' => $summary['decision'],
			'checkId'  => $summary['checkId'],
			'findings' => $findings,
		);
	}

	/**
	 * Stable error codes per decision.
	 *
	 * @param string $decision The decision.
	 */
	private static function error_code( $decision ) {
		$codes = array(
			'rejected'            => 'kusd_moderation_rejected',
			'needsReview'         => 'kusd_moderation_needs_review',
			'approvedWithChanges' => 'kusd_moderation_fixes_required',
			'unavailable'         => 'kusd_moderation_unavailable',
		);
		return isset( $codes[ $decision ] ) ? $codes[ $decision ] : 'kusd_moderation_held';
	}

	/**
	 * Keeps the last verdict on the post (decision, check id, rule ids; no text) for the editor and audits.
	 *
	 * @param int   $post_id The post, 0 when new.
	 * @param array $summary From the checker.
	 */
	private static function remember( $post_id, array $summary ) {
		if ( $post_id > 0 && 'unavailable' !== $summary['decision'] ) {
			update_post_meta(
				$post_id,
				Kusd_Moderation_Checker::META_VERDICT,
				array(
					'hash'      => $summary['hash'],
					'decision'  => $summary['decision'],
					'checkId'   => $summary['checkId'],
					'rules'     => array_values( array_unique( wp_list_pluck( $summary['findings'], 'ruleId' ) ) ),
					'checkedAt' => time(),
				)
			);
		}
	}

	/**
	 * Tells the person who saved why, on their next admin page.
	 *
	 * @param array $summary From the checker.
	 */
	private static function notify( array $summary ) {
		$user = get_current_user_id();
		if ( $user > 0 ) {
			set_transient( 'kusd_moderation_notice_' . $user, Kusd_Moderation_Checker::explain( $summary ), 5 * MINUTE_IN_SECONDS );
		}
	}

	/**
	 * The hash of the text a save publishes, to recognise the same save in a later hook of the same request
	 * (REST sets the featured image after wp_insert_post, so the images are left out).
	 *
	 * @param array $content From the checker.
	 */
	private static function text_hash( array $content ) {
		return hash( 'sha256', wp_json_encode( array( $content['title'], $content['content'], $content['excerpt'] ) ) );
	}
}

<?php
/**
 * What a post publishes (title, content, excerpt, featured image and the images in it), its content hash,
 * and its verdict, cached by that hash.
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds the check of a post and remembers verdicts by content hash, so unchanged content is checked once.
 */
final class Kusd_Moderation_Checker {
	const META_VERDICT  = '_kusd_moderation_verdict';
	const META_OVERRIDE = '_kusd_moderation_override';

	/**
	 * A verdict is reused for an hour: long enough that saving, previewing and publishing the same content asks
	 * once; short enough that a roster change (a new media restriction) reaches unchanged drafts the same day.
	 */
	const CACHE_TTL = HOUR_IN_SECONDS;

	/**
	 * The content as it will be published.
	 *
	 * @param string $title    Post title.
	 * @param string $content  Post content (block markup or HTML).
	 * @param string $excerpt  Post excerpt.
	 * @param int    $featured Featured image attachment id, 0 for none.
	 * @return array Content with the attachment ids of its images.
	 */
	public static function content( $title, $content, $excerpt, $featured ) {
		return array(
			'title'   => (string) $title,
			'content' => (string) $content,
			'excerpt' => (string) $excerpt,
			'images'  => self::image_ids( (string) $content, (int) $featured ),
		);
	}

	/**
	 * The content of a stored post.
	 *
	 * @param WP_Post $post The post.
	 */
	public static function content_of_post( WP_Post $post ) {
		return self::content( $post->post_title, $post->post_content, $post->post_excerpt, (int) get_post_thumbnail_id( $post ) );
	}

	/**
	 * Attachment ids of the featured image and the images in the content (image and gallery blocks, classic
	 * `wp-image-N` classes, and img sources that are library files), in order, without duplicates.
	 *
	 * @param string $html     Post content.
	 * @param int    $featured Featured image id.
	 * @return int[]
	 */
	public static function image_ids( $html, $featured ) {
		$ids = array();
		if ( $featured > 0 ) {
			$ids[] = $featured;
		}
		if ( preg_match_all( '/wp-image-(\d+)/', $html, $m ) ) {
			$ids = array_merge( $ids, array_map( 'intval', $m[1] ) );
		}
		if ( preg_match_all( '/<!--\s+wp:(?:image|gallery|cover|media-text)\s+(\{.*?\})\s+\/?-->/s', $html, $m ) ) {
			foreach ( $m[1] as $json ) {
				$attrs = json_decode( $json, true );
				foreach ( array( 'id', 'mediaId' ) as $key ) {
					if ( is_array( $attrs ) && isset( $attrs[ $key ] ) && is_numeric( $attrs[ $key ] ) ) {
						$ids[] = (int) $attrs[ $key ];
					}
				}
				if ( is_array( $attrs ) && isset( $attrs['ids'] ) && is_array( $attrs['ids'] ) ) {
					$ids = array_merge( $ids, array_map( 'intval', $attrs['ids'] ) );
				}
			}
		}
		if ( preg_match_all( '/<img\b[^>]*\bsrc=["\']([^"\']+)["\']/i', $html, $m ) ) {
			foreach ( $m[1] as $src ) {
				$id = attachment_url_to_postid( preg_replace( '/-\d+x\d+(?=\.[a-z]+$)/i', '', $src ) );
				if ( $id ) {
					$ids[] = (int) $id;
				}
			}
		}
		$ids = array_values(
			array_filter(
				array_unique( $ids ),
				static function ( $id ) {
					return $id > 0 && wp_attachment_is_image( $id );
				}
			)
		);
		return $ids;
	}

	/**
	 * The content hash: text fields, and each image by its file's bytes (a replaced file is a new image).
	 *
	 * @param array $content From content().
	 */
	public static function hash( array $content ) {
		$images = array();
		foreach ( $content['images'] as $id ) {
			$path     = get_attached_file( $id );
			$images[] = $id . ':' . ( $path && is_readable( $path ) ? hash_file( 'sha256', $path ) : 'missing' );
		}
		return hash(
			'sha256',
			wp_json_encode( array( Kusd_Moderation_Settings::api_url(), $content['title'], $content['content'], $content['excerpt'], $images ) )
		);
	}

	/**
	 * The verdict of the content: from the cache when this content was checked within the hour, else from the
	 * service. A service that cannot answer gives decision 'unavailable', which is never cached.
	 *
	 * @param array $content From content().
	 * @return array Summary: hash, decision, checkId, findings (no submitted text), error.
	 */
	public static function check( array $content ) {
		$hash   = self::hash( $content );
		$cached = get_transient( 'kusd_moderation_' . $hash );
		if ( is_array( $cached ) ) {
			return $cached;
		}

		$fields = array();
		foreach ( array(
			'title'   => 'plain',
			'content' => 'html',
			'excerpt' => 'plain',
		) as $name => $format ) {
			if ( '' !== trim( $content[ $name ] ) ) {
				$fields[] = array(
					'name'   => $name,
					'text'   => $content[ $name ],
					'format' => $format,
				);
			}
		}
		$limits     = Kusd_Moderation_Client::limits();
		$images     = array();
		$image_ids  = array();
		$unreadable = false;
		foreach ( array_slice( $content['images'], 0, $limits['maxImages'] ) as $id ) {
			$path = get_attached_file( $id );
			if ( ! $path || ! is_readable( $path ) || filesize( $path ) > $limits['maxImageBytes'] ) {
				$unreadable = true;
				continue;
			}
			$images[]    = array(
				'name'  => wp_basename( $path ),
				'bytes' => (string) file_get_contents( $path ), // phpcs:ignore WordPress.WP.AlternativeFunctions.file_get_contents_file_get_contents -- a local library file.
			);
			$image_ids[] = $id;
		}

		if ( ! $fields && ! $images ) {
			$summary = array(
				'hash'     => $hash,
				'decision' => 'approved',
				'checkId'  => null,
				'findings' => array(),
			);
			set_transient( 'kusd_moderation_' . $hash, $summary, self::CACHE_TTL );
			return $summary;
		}

		$verdict = Kusd_Moderation_Client::check( $fields, $images );
		if ( is_wp_error( $verdict ) ) {
			return array(
				'hash'     => $hash,
				'decision' => 'unavailable',
				'checkId'  => null,
				'findings' => array(),
				'error'    => $verdict->get_error_message(),
			);
		}

		$summary = array(
			'hash'     => $hash,
			'decision' => $verdict['decision'],
			'checkId'  => (string) $verdict['id'],
			'findings' => self::findings( $verdict, $image_ids ),
		);
		// Images the plugin could not send (missing, or over the service's limits) were not checked: a person must look.
		if ( ( $unreadable || count( $content['images'] ) > $limits['maxImages'] ) && 'rejected' !== $summary['decision'] ) {
			$summary['decision']   = 'needsReview';
			$summary['findings'][] = array(
				'ruleId'   => 'check/unavailable',
				'severity' => 'warning',
				'message'  => __( 'Some images of this post could not be checked (missing, too large, or more than the service checks at once).', 'kusd-moderation' ),
				'field'    => 'images',
				'kind'     => 'image',
			);
		}
		set_transient( 'kusd_moderation_' . $hash, $summary, self::CACHE_TTL );
		return $summary;
	}

	/**
	 * Findings without the submitted text: rule, severity, message, where (field and span, or image and region)
	 * and the automatic replacement. The editor reads the evidence from its own copy of the text by span.
	 *
	 * @param array $verdict   The service's verdict.
	 * @param int[] $image_ids Attachment ids in the order they were sent.
	 */
	public static function findings( array $verdict, array $image_ids ) {
		$findings = array();
		foreach ( isset( $verdict['findings'] ) && is_array( $verdict['findings'] ) ? $verdict['findings'] : array() as $f ) {
			$field = isset( $f['target']['field'] ) ? (string) $f['target']['field'] : '';
			$item  = array(
				'ruleId'   => isset( $f['ruleId'] ) ? (string) $f['ruleId'] : '',
				'severity' => isset( $f['severity'] ) ? (string) $f['severity'] : 'error',
				'message'  => isset( $f['message'] ) ? (string) $f['message'] : '',
				'field'    => $field,
				'kind'     => isset( $f['target']['kind'] ) ? (string) $f['target']['kind'] : 'text',
			);
			if ( isset( $f['span']['start'], $f['span']['end'] ) ) {
				$item['span'] = array(
					'start' => (int) $f['span']['start'],
					'end'   => (int) $f['span']['end'],
				);
			}
			if ( isset( $f['fix']['replacement'] ) && is_string( $f['fix']['replacement'] ) ) {
				$item['replacement'] = $f['fix']['replacement'];
			}
			if ( isset( $f['region'] ) && is_array( $f['region'] ) ) {
				$item['region'] = array_map( 'intval', array_intersect_key( $f['region'], array_flip( array( 'x', 'y', 'width', 'height' ) ) ) );
			}
			if ( preg_match( '/^images\[(\d+)\]/', $field, $m ) && isset( $image_ids[ (int) $m[1] ] ) ) {
				$item['attachment'] = $image_ids[ (int) $m[1] ];
			}
			$findings[] = $item;
		}
		return $findings;
	}

	/**
	 * Whether this content may be published: approved, or overridden for exactly this content by a person
	 * who holds the override capability.
	 *
	 * @param array $summary From check().
	 * @param int   $post_id The post, 0 when not saved yet.
	 */
	public static function may_publish( array $summary, $post_id ) {
		if ( 'approved' === $summary['decision'] ) {
			return true;
		}
		return null !== self::override_for( $post_id, $summary['hash'] );
	}

	/**
	 * The override recorded for this content, if any.
	 *
	 * @param int    $post_id The post.
	 * @param string $hash    Content hash.
	 */
	public static function override_for( $post_id, $hash ) {
		if ( $post_id <= 0 ) {
			return null;
		}
		foreach ( array_reverse( get_post_meta( $post_id, self::META_OVERRIDE ) ) as $override ) {
			if ( is_array( $override ) && isset( $override['hash'], $override['userId'] ) && hash_equals( $override['hash'], $hash )
				&& user_can( (int) $override['userId'], KUSD_MODERATION_OVERRIDE_CAP ) ) {
				return $override;
			}
		}
		return null;
	}

	/**
	 * Plain-language texts of the findings' rules: the service's rule catalog, else each finding's own message.
	 *
	 * @param array $findings From findings().
	 * @return array Findings with title, description and help.
	 */
	public static function with_rule_texts( array $findings ) {
		$rules = Kusd_Moderation_Client::rules();
		foreach ( $findings as &$f ) {
			$rule             = isset( $rules[ $f['ruleId'] ] ) ? $rules[ $f['ruleId'] ] : array();
			$f['title']       = isset( $rule['title'] ) ? (string) $rule['title'] : $f['message'];
			$f['description'] = isset( $rule['description'] ) ? (string) $rule['description'] : '';
			$f['help']        = isset( $rule['help'] ) ? (string) $rule['help'] : '';
		}
		return $findings;
	}

	/**
	 * One line a person can act on, without any of the post's text: the decision and the rules' titles.
	 *
	 * @param array $summary From check().
	 */
	public static function explain( array $summary ) {
		switch ( $summary['decision'] ) {
			case 'unavailable':
				$head = __( 'The moderation service could not check this post, so it was not published.', 'kusd-moderation' );
				break;
			case 'rejected':
				$head = __( 'This post cannot be published as it is.', 'kusd-moderation' );
				break;
			case 'approvedWithChanges':
				$head = __( 'This post can be published once the suggested fixes are applied in the editor.', 'kusd-moderation' );
				break;
			default:
				$head = __( 'This post needs review by a person before it is published.', 'kusd-moderation' );
		}
		$titles = array();
		foreach ( self::with_rule_texts( $summary['findings'] ) as $f ) {
			if ( in_array( $f['severity'], array( 'error', 'warning' ), true ) ) {
				$titles[ rtrim( $f['title'], '. ' ) ] = true;
			}
		}
		return $titles ? $head . ' ' . implode( '; ', array_keys( $titles ) ) . '.' : $head;
	}
}

<?php
/**
 * Settings → KUSD Moderation: where the service is, its key, and what happens when it cannot answer.
 *
 * @package KusdModeration
 */

defined( 'ABSPATH' ) || exit;

/**
 * The settings page and the typed accessors the rest of the plugin reads.
 */
final class Kusd_Moderation_Settings {
	const OPTION_URL         = 'kusd_moderation_api_url';
	const OPTION_KEY         = 'kusd_moderation_api_key';
	const OPTION_UNREACHABLE = 'kusd_moderation_on_unreachable';
	const OPTION_FACE        = 'kusd_moderation_restricted_face';
	const OPTION_TIMEOUT     = 'kusd_moderation_timeout';
	const PAGE               = 'kusd-moderation';

	/**
	 * Seconds a check may take. A post with ten photos takes a few seconds on the service's CPU; beyond
	 * the ceiling the editor would look hung, so the check fails closed instead.
	 */
	const DEFAULT_TIMEOUT = 30;
	const MAX_TIMEOUT     = 60;

	/** Registers the page, the options and the "Test connection" action. */
	public static function register() {
		add_action( 'admin_menu', array( __CLASS__, 'add_page' ) );
		add_action( 'admin_init', array( __CLASS__, 'register_settings' ) );
		add_action( 'admin_post_kusd_moderation_test', array( __CLASS__, 'handle_test_connection' ) );
	}

	/** The service's base URL without a trailing slash. */
	public static function api_url() {
		return untrailingslashit( (string) get_option( self::OPTION_URL, '' ) );
	}

	/** The API key: the KUSD_MODERATION_KEY constant from wp-config.php, else the stored option. */
	public static function api_key() {
		if ( defined( 'KUSD_MODERATION_KEY' ) && '' !== (string) KUSD_MODERATION_KEY ) {
			return (string) KUSD_MODERATION_KEY;
		}
		return (string) get_option( self::OPTION_KEY, '' );
	}

	/** 'review' (hold the post for review, the default) or 'block' (refuse to publish) when the service cannot answer. */
	public static function on_unreachable() {
		return 'block' === get_option( self::OPTION_UNREACHABLE, 'review' ) ? 'block' : 'review';
	}

	/** 'sanitize' (store the copy with the face blurred, the default) or 'refuse' the upload. */
	public static function restricted_face() {
		return 'refuse' === get_option( self::OPTION_FACE, 'sanitize' ) ? 'refuse' : 'sanitize';
	}

	/** Bounded request timeout in seconds. */
	public static function timeout() {
		$seconds = (int) get_option( self::OPTION_TIMEOUT, self::DEFAULT_TIMEOUT );
		return max( 2, min( self::MAX_TIMEOUT, $seconds > 0 ? $seconds : self::DEFAULT_TIMEOUT ) );
	}

	/** Adds Settings → KUSD Moderation. */
	public static function add_page() {
		add_options_page(
			__( 'KUSD Moderation', 'kusd-moderation' ),
			__( 'KUSD Moderation', 'kusd-moderation' ),
			'manage_options',
			self::PAGE,
			array( __CLASS__, 'render_page' )
		);
	}

	/** Options with their sanitizers; the key option is never autoloaded. */
	public static function register_settings() {
		register_setting(
			self::PAGE,
			self::OPTION_URL,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( __CLASS__, 'sanitize_url' ),
				'default'           => '',
			)
		);
		register_setting(
			self::PAGE,
			self::OPTION_KEY,
			array(
				'type'              => 'string',
				'sanitize_callback' => array( __CLASS__, 'sanitize_key_input' ),
				'default'           => '',
			)
		);
		register_setting(
			self::PAGE,
			self::OPTION_UNREACHABLE,
			array(
				'type'              => 'string',
				'sanitize_callback' => static function ( $value ) {
					return 'block' === $value ? 'block' : 'review';
				},
				'default'           => 'review',
			)
		);
		register_setting(
			self::PAGE,
			self::OPTION_FACE,
			array(
				'type'              => 'string',
				'sanitize_callback' => static function ( $value ) {
					return 'refuse' === $value ? 'refuse' : 'sanitize';
				},
				'default'           => 'sanitize',
			)
		);
		register_setting(
			self::PAGE,
			self::OPTION_TIMEOUT,
			array(
				'type'              => 'integer',
				'sanitize_callback' => static function ( $value ) {
					return max( 2, min( self::MAX_TIMEOUT, absint( $value ) ) );
				},
				'default'           => self::DEFAULT_TIMEOUT,
			)
		);
	}

	/**
	 * Keeps only http(s) URLs.
	 *
	 * @param mixed $value Submitted URL.
	 */
	public static function sanitize_url( $value ) {
		$url = esc_url_raw( trim( (string) $value ), array( 'http', 'https' ) );
		if ( '' === $url && '' !== trim( (string) $value ) ) {
			add_settings_error( self::OPTION_URL, 'kusd_moderation_url', __( 'The API URL must start with http:// or https://.', 'kusd-moderation' ) );
			return (string) get_option( self::OPTION_URL, '' );
		}
		return untrailingslashit( $url );
	}

	/**
	 * An empty field keeps the stored key: the form never shows the key back, so saving other settings must not erase it.
	 *
	 * @param mixed $value Submitted key.
	 */
	public static function sanitize_key_input( $value ) {
		$value = trim( sanitize_text_field( (string) $value ) );
		return '' === $value ? (string) get_option( self::OPTION_KEY, '' ) : $value;
	}

	/** The key's last four characters, the only part ever shown. */
	private static function masked_key() {
		$key = self::api_key();
		return '' === $key ? '' : str_repeat( '•', 8 ) . substr( $key, -4 );
	}

	/** Renders the page. */
	public static function render_page() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$from_constant = defined( 'KUSD_MODERATION_KEY' );
		$result        = get_transient( 'kusd_moderation_test_' . get_current_user_id() );
		if ( false !== $result ) {
			delete_transient( 'kusd_moderation_test_' . get_current_user_id() );
		}
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'KUSD Moderation', 'kusd-moderation' ); ?></h1>
			<p><?php esc_html_e( 'Posts and media are checked against Policy and Rule 4226 before they are published.', 'kusd-moderation' ); ?></p>
			<?php if ( is_array( $result ) ) : ?>
				<div id="kusd-moderation-test-result" class="notice <?php echo esc_attr( $result['ok'] ? 'notice-success' : 'notice-error' ); ?>"><p><?php echo esc_html( $result['message'] ); ?></p></div>
			<?php endif; ?>
			<form method="post" action="options.php">
				<?php settings_fields( self::PAGE ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="kusd-moderation-url"><?php esc_html_e( 'API URL', 'kusd-moderation' ); ?></label></th>
						<td><input type="url" class="regular-text" id="kusd-moderation-url" name="<?php echo esc_attr( self::OPTION_URL ); ?>" value="<?php echo esc_attr( self::api_url() ); ?>" placeholder="https://moderation.example.edu" /></td>
					</tr>
					<tr>
						<th scope="row"><label for="kusd-moderation-key"><?php esc_html_e( 'API key', 'kusd-moderation' ); ?></label></th>
						<td>
							<?php if ( $from_constant ) : ?>
								<p><?php esc_html_e( 'Set by the KUSD_MODERATION_KEY constant in wp-config.php.', 'kusd-moderation' ); ?> <code><?php echo esc_html( self::masked_key() ); ?></code></p>
							<?php else : ?>
								<input type="password" class="regular-text" id="kusd-moderation-key" name="<?php echo esc_attr( self::OPTION_KEY ); ?>" value="" autocomplete="off" aria-describedby="kusd-moderation-key-help" />
								<p class="description" id="kusd-moderation-key-help">
									<?php
									if ( '' !== self::api_key() ) {
										/* translators: %s: last characters of the stored key */
										echo esc_html( sprintf( __( 'A key is stored (%s); leave empty to keep it.', 'kusd-moderation' ), self::masked_key() ) );
									} else {
										esc_html_e( 'A key with the check scope. Defining KUSD_MODERATION_KEY in wp-config.php is safer than storing it here.', 'kusd-moderation' );
									}
									?>
								</p>
							<?php endif; ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'When the service cannot be reached', 'kusd-moderation' ); ?></th>
						<td><fieldset>
							<label><input type="radio" name="<?php echo esc_attr( self::OPTION_UNREACHABLE ); ?>" value="review" <?php checked( self::on_unreachable(), 'review' ); ?> /> <?php esc_html_e( 'Hold the post for review (pending)', 'kusd-moderation' ); ?></label><br />
							<label><input type="radio" name="<?php echo esc_attr( self::OPTION_UNREACHABLE ); ?>" value="block" <?php checked( self::on_unreachable(), 'block' ); ?> /> <?php esc_html_e( 'Refuse to publish', 'kusd-moderation' ); ?></label>
						</fieldset></td>
					</tr>
					<tr>
						<th scope="row"><?php esc_html_e( 'An uploaded photo shows a student with a media restriction', 'kusd-moderation' ); ?></th>
						<td><fieldset>
							<label><input type="radio" name="<?php echo esc_attr( self::OPTION_FACE ); ?>" value="sanitize" <?php checked( self::restricted_face(), 'sanitize' ); ?> /> <?php esc_html_e( 'Store a copy with the face blurred and metadata removed', 'kusd-moderation' ); ?></label><br />
							<label><input type="radio" name="<?php echo esc_attr( self::OPTION_FACE ); ?>" value="refuse" <?php checked( self::restricted_face(), 'refuse' ); ?> /> <?php esc_html_e( 'Refuse the upload', 'kusd-moderation' ); ?></label>
						</fieldset></td>
					</tr>
					<tr>
						<th scope="row"><label for="kusd-moderation-timeout"><?php esc_html_e( 'Timeout (seconds)', 'kusd-moderation' ); ?></label></th>
						<td><input type="number" min="2" max="<?php echo esc_attr( (string) self::MAX_TIMEOUT ); ?>" id="kusd-moderation-timeout" name="<?php echo esc_attr( self::OPTION_TIMEOUT ); ?>" value="<?php echo esc_attr( (string) self::timeout() ); ?>" /></td>
					</tr>
				</table>
				<?php submit_button(); ?>
			</form>
			<form method="post" action="<?php echo esc_url( admin_url( 'admin-post.php' ) ); ?>">
				<input type="hidden" name="action" value="kusd_moderation_test" />
				<?php wp_nonce_field( 'kusd_moderation_test' ); ?>
				<?php submit_button( __( 'Test connection', 'kusd-moderation' ), 'secondary', 'kusd-moderation-test', false ); ?>
			</form>
		</div>
		<?php
	}

	/** Handles "Test connection": nonce and capability first, then one request to the service. */
	public static function handle_test_connection() {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You are not allowed to change these settings.', 'kusd-moderation' ), 403 );
		}
		check_admin_referer( 'kusd_moderation_test' );
		set_transient( 'kusd_moderation_test_' . get_current_user_id(), Kusd_Moderation_Client::test_connection(), 60 );
		wp_safe_redirect( admin_url( 'options-general.php?page=' . self::PAGE ) );
		exit;
	}
}

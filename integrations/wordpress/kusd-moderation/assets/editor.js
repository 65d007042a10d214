/**
 * The pre-publish panel: checks the edited post with the moderation service (through the plugin's REST route),
 * shows the findings in the rule catalog's plain language, applies one-click fixes to the blocks, keeps
 * publishing locked while the decision is not "approved", and lets a person with the override capability
 * publish anyway with a written reason. The server checks again on publish: this panel is a convenience.
 */
( function ( wp ) {
	'use strict';

	const el = wp.element.createElement;
	const { useEffect, useState, useCallback } = wp.element;
	const { useSelect, useDispatch, select: selectStore } = wp.data;
	const { Button, Spinner, TextareaControl } = wp.components;
	const { __, sprintf } = wp.i18n;
	const apiFetch = wp.apiFetch;
	const LOCK = 'kusd-moderation';
	const TEXT_ATTRIBUTES = [ 'content', 'caption', 'value', 'citation', 'text', 'alt' ];
	const DECISIONS = {
		approved: __( 'No problems found: ready to publish.', 'kusd-moderation' ),
		approvedWithChanges: __( 'Apply the suggested fixes, then publish.', 'kusd-moderation' ),
		needsReview: __( 'A person must review this post before it is published.', 'kusd-moderation' ),
		rejected: __( 'This post cannot be published as it is.', 'kusd-moderation' ),
		unavailable: __( 'The moderation service could not check this post.', 'kusd-moderation' ),
	};
	const SEVERITY = {
		error: __( 'Must fix', 'kusd-moderation' ),
		warning: __( 'Review', 'kusd-moderation' ),
		note: __( 'Note', 'kusd-moderation' ),
	};

	function usePost() {
		return useSelect( ( select ) => {
			const editor = select( 'core/editor' );
			return {
				id: editor.getCurrentPostId(),
				title: editor.getEditedPostAttribute( 'title' ) || '',
				content: editor.getEditedPostContent() || '',
				excerpt: editor.getEditedPostAttribute( 'excerpt' ) || '',
				featured: editor.getEditedPostAttribute( 'featured_media' ) || 0,
			};
		}, [] );
	}

	function request( path, post, extra ) {
		return apiFetch( {
			path: '/kusd-moderation/v1/' + path,
			method: 'POST',
			data: Object.assign(
				{ post_id: post.id, title: post.title, content: post.content, excerpt: post.excerpt, featured_media: post.featured },
				extra || {}
			),
		} );
	}

	/** The text a finding points at, read from the copy that was checked (the server keeps no text). */
	function evidenceOf( finding, sent ) {
		const text = sent[ finding.field ];
		return finding.span && typeof text === 'string' ? text.slice( finding.span.start, finding.span.end ) : '';
	}

	/** Replaces the evidence in every block attribute holding it, depth first; returns how many were changed. */
	function replaceInBlocks( blocks, evidence, replacement, update ) {
		let changed = 0;
		blocks.forEach( ( block ) => {
			const attributes = {};
			TEXT_ATTRIBUTES.forEach( ( name ) => {
				const value = block.attributes[ name ];
				const text = typeof value === 'string' ? value : value && typeof value.toString === 'function' && name === 'content' ? String( value ) : null;
				if ( text && text.indexOf( evidence ) !== -1 ) {
					attributes[ name ] = text.split( evidence ).join( replacement );
				}
			} );
			if ( Object.keys( attributes ).length ) {
				update( block.clientId, attributes );
				changed++;
			}
			changed += replaceInBlocks( block.innerBlocks || [], evidence, replacement, update );
		} );
		return changed;
	}

	function Finding( { finding, evidence, onFix } ) {
		const severity = finding.severity || 'warning';
		return el(
			'li',
			{ className: 'kusd-moderation-finding is-' + severity },
			el( 'p', null, el( 'strong', null, ( SEVERITY[ severity ] || severity ) + ': ' + finding.title ) ),
			finding.description ? el( 'p', null, finding.description ) : null,
			evidence
				? el(
						'p',
						{ className: 'kusd-moderation-evidence' },
						el( 'del', null, evidence ),
						typeof finding.replacement === 'string' ? [ ' → ', el( 'ins', { key: 'ins' }, finding.replacement || __( '(removed)', 'kusd-moderation' ) ) ] : null
				  )
				: null,
			finding.kind === 'image' ? el( 'p', null, __( 'In an image of this post.', 'kusd-moderation' ) ) : null,
			finding.help ? el( 'p', null, finding.help ) : null,
			onFix ? el( Button, { variant: 'secondary', isSmall: true, onClick: onFix }, __( 'Apply fix', 'kusd-moderation' ) ) : null
		);
	}

	function Panel() {
		const post = usePost();
		const [ state, setState ] = useState( { status: 'checking' } );
		const [ reason, setReason ] = useState( '' );
		const [ overrideError, setOverrideError ] = useState( '' );
		const [ generation, setGeneration ] = useState( 0 );
		const { lockPostSaving, unlockPostSaving, editPost, resetEditorBlocks } = useDispatch( 'core/editor' );
		const { updateBlockAttributes } = useDispatch( 'core/block-editor' );

		// Check whenever what would be published changes; debounced so typing does not send a request per key.
		useEffect( () => {
			let cancelled = false;
			lockPostSaving( LOCK );
			setState( { status: 'checking' } );
			const sent = { title: post.title, content: post.content, excerpt: post.excerpt };
			const timer = setTimeout( () => {
				request( 'check', post )
					.then( ( result ) => ! cancelled && setState( { status: 'done', result, sent } ) )
					.catch( ( error ) => ! cancelled && setState( { status: 'error', message: ( error && error.message ) || '' } ) );
			}, 400 );
			return () => {
				cancelled = true;
				clearTimeout( timer );
			};
		}, [ post.id, post.title, post.content, post.excerpt, post.featured, generation ] );

		const result = state.status === 'done' ? state.result : null;
		// Unreachable service in "hold for review" mode: publishing saves the post as pending on the server.
		const mayPublish = !! result && ( result.decision === 'approved' || !! result.override || ( result.decision === 'unavailable' && result.onUnreachable === 'review' ) );
		useEffect( () => {
			if ( mayPublish ) {
				unlockPostSaving( LOCK );
			} else {
				lockPostSaving( LOCK );
			}
		}, [ mayPublish ] );
		// The panel closes when the pre-publish step is cancelled: drafts may be saved again (the server still checks publishing).
		useEffect( () => () => unlockPostSaving( LOCK ), [] );

		const applyFix = useCallback(
			( findings ) => {
				let title = post.title;
				let excerpt = post.excerpt;
				let content = null;
				// Later spans first, so earlier spans stay valid in title and excerpt.
				findings
					.slice()
					.sort( ( a, b ) => b.span.start - a.span.start )
					.forEach( ( f ) => {
						const evidence = evidenceOf( f, state.sent );
						if ( ! evidence ) {
							return;
						}
						if ( f.field === 'title' && title.slice( f.span.start, f.span.end ) === evidence ) {
							title = title.slice( 0, f.span.start ) + f.replacement + title.slice( f.span.end );
						} else if ( f.field === 'excerpt' && excerpt.slice( f.span.start, f.span.end ) === evidence ) {
							excerpt = excerpt.slice( 0, f.span.start ) + f.replacement + excerpt.slice( f.span.end );
						} else if ( f.field === 'content' ) {
							const blocks = selectStore( 'core/block-editor' ).getBlocks();
							if ( ! replaceInBlocks( blocks, evidence, f.replacement, updateBlockAttributes ) ) {
								// Markup spanning blocks: fix the serialized content and parse it back into blocks.
								const source = content === null ? state.sent.content : content;
								content = source.slice( 0, f.span.start ) + f.replacement + source.slice( f.span.end );
							}
						}
					} );
				if ( content !== null ) {
					resetEditorBlocks( wp.blocks.parse( content ) );
				}
				if ( title !== post.title || excerpt !== post.excerpt ) {
					editPost( { title, excerpt } );
				}
			},
			[ post, state ]
		);

		const override = () => {
			setOverrideError( '' );
			request( 'override', post, { reason } )
				.then( () => {
					setReason( '' );
					setGeneration( generation + 1 );
				} )
				.catch( ( error ) => setOverrideError( ( error && error.message ) || __( 'The override was not recorded.', 'kusd-moderation' ) ) );
		};

		let body;
		if ( state.status === 'checking' ) {
			body = el( 'p', { className: 'kusd-moderation-checking' }, el( Spinner ), ' ', __( 'Checking against Rule 4226…', 'kusd-moderation' ) );
		} else if ( state.status === 'error' ) {
			body = el( 'p', { className: 'kusd-moderation-decision is-held', role: 'alert' }, sprintf( __( 'The check failed: %s', 'kusd-moderation' ), state.message ) );
		} else {
			// No fix is offered where a restricted name stands: shortening it would still name that student.
			const restricted = result.findings.filter( ( f ) => f.ruleId === 'media-restriction/name' && f.span );
			const overlapsRestricted = ( f ) => restricted.some( ( r ) => r.field === f.field && r.span.start < f.span.end && f.span.start < r.span.end );
			const fixable = result.findings.filter(
				( f ) => f.span && typeof f.replacement === 'string' && [ 'title', 'content', 'excerpt' ].indexOf( f.field ) !== -1 && ! overlapsRestricted( f )
			);
			body = [
				el(
					'p',
					{ key: 'decision', className: 'kusd-moderation-decision ' + ( mayPublish ? 'is-approved' : 'is-held' ), role: 'status', 'data-decision': result.decision },
					result.override && result.decision !== 'approved'
						? __( 'Publishing allowed by an override of this decision:', 'kusd-moderation' ) + ' ' + ( DECISIONS[ result.decision ] || result.decision )
						: DECISIONS[ result.decision ] || result.decision
				),
				result.override
					? el( 'p', { key: 'overridden', className: 'kusd-moderation-overridden' }, sprintf( __( 'Overridden by %1$s: %2$s', 'kusd-moderation' ), result.override.user, result.override.reason ) )
					: null,
				result.findings.length
					? el(
							'ul',
							{ key: 'findings', className: 'kusd-moderation-findings' },
							result.findings.map( ( f, i ) =>
								el( Finding, {
									key: i,
									finding: f,
									evidence: evidenceOf( f, state.sent ),
									onFix: fixable.indexOf( f ) !== -1 ? () => applyFix( [ f ] ) : null,
								} )
							)
					  )
					: null,
				fixable.length > 1 ? el( Button, { key: 'fix-all', variant: 'primary', onClick: () => applyFix( fixable ) }, __( 'Apply all fixes', 'kusd-moderation' ) ) : null,
				! mayPublish && result.canOverride && result.checkId
					? el(
							'div',
							{ key: 'override', className: 'kusd-moderation-override' },
							el( TextareaControl, {
								label: __( 'Reason for publishing anyway', 'kusd-moderation' ),
								help: __( 'Recorded with the post and in the district audit.', 'kusd-moderation' ),
								value: reason,
								onChange: setReason,
							} ),
							el( Button, { variant: 'secondary', isDestructive: true, disabled: reason.trim().length < 10, onClick: override }, __( 'Override and allow publishing', 'kusd-moderation' ) ),
							overrideError ? el( 'p', { role: 'alert' }, overrideError ) : null
					  )
					: null,
			];
		}

		return el( wp.editPost.PluginPrePublishPanel, { title: __( 'Rule 4226 check', 'kusd-moderation' ), initialOpen: true, className: 'kusd-moderation-panel' }, body );
	}

	wp.plugins.registerPlugin( 'kusd-moderation', { render: Panel } );
} )( window.wp );

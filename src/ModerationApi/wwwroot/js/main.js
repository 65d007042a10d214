// The upload form of Rule 4226 checks: wiring of sign-in, photos, the check and its results.
// Plain ES modules, no framework and no build step.

import { $, el, announce, formatBytes, plural, technicalDetail } from './dom.js';
import { apiKey, saveKey, forgetKey, probeKey, sendCheck, checkCaptionOnly } from './api.js';
import { loadRules, loadLimits } from './catalog.js';
import * as photos from './photos.js';
import { renderVerdict, clearVerdict, CAPTION_FIELD } from './verdict.js';

let pendingAfterSignIn = null; // a check to run again once the admin has signed in again, post kept
let inFlight = null;           // { abort } of the running upload
let countdown = 0;             // the retry timer
let checkedPhotos = '';        // which photos the results on screen are about

// ---- Sign in ---------------------------------------------------------------------------------

function showSignedIn(signedIn) {
  $('signin').hidden = signedIn;
  $('checker').hidden = !signedIn;
  $('session').hidden = !signedIn;
  if (!signedIn) {
    $('results').hidden = true;
    $('error').hidden = true;
  }
}

/** The key was refused mid-session: sign in again above the form, which keeps the caption and photos. */
function askToSignInAgain(retry) {
  pendingAfterSignIn = retry;
  forgetKey();
  $('session').hidden = true;
  $('signin-h').textContent = 'Sign in again to finish the check';
  $('signin-reason').textContent = 'Your key is no longer accepted: it may have expired or been replaced. Your caption and photos are still here. Sign in again and the check runs.';
  $('signin-reason').hidden = false;
  $('sign-in').textContent = 'Sign in and check';
  $('signin').hidden = false;
  $('api-key').focus();
  announce('Sign in again to finish the check. Your caption and photos are kept.');
}

async function signIn(event) {
  event.preventDefault();
  const input = $('api-key');
  const key = input.value.trim();
  $('api-key-error').hidden = true;
  input.removeAttribute('aria-invalid');
  if (!key) return fieldError('Enter your API key. It looks like a long string of letters and digits; your administrator gives it to you.');

  let probe;
  try {
    probe = await probeKey(key);
  } catch {
    return fieldError('The service cannot be reached. Check your connection and try again.');
  }
  if (probe.status === 401) return fieldError('That key was not accepted. Check your key for typing mistakes or missing characters, or ask your administrator for a new one.');
  if (probe.status === 429) return fieldError('Too many tries. ' + waitText(probe.retryAfter) + ', then sign in again.');

  saveKey(key);
  input.value = '';
  $('signin-h').textContent = 'Sign in';
  $('signin-reason').hidden = true;
  $('sign-in').textContent = 'Sign in';
  showSignedIn(true);
  const retry = pendingAfterSignIn;
  pendingAfterSignIn = null;
  if (retry) {
    announce('Signed in again. Checking your post.');
    retry();
  } else {
    announce('Signed in. You can now check a post.');
    $('caption').focus();
  }
}

function fieldError(message) {
  const input = $('api-key');
  $('api-key-error').textContent = message;
  $('api-key-error').hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.focus();
  announce(message);
}

function signOut() {
  forgetKey();
  pendingAfterSignIn = null;
  if (inFlight) inFlight.abort();
  photos.clear();
  clearVerdict();
  $('caption').value = '';
  showSignedIn(false);
  announce('Signed out. The key is forgotten in this tab.');
  $('api-key').focus();
}

// ---- Busy, progress and cancel -----------------------------------------------------------------

function setBusy(busy) {
  $('check').disabled = busy || countdown !== 0;
  $('apply-fixes').disabled = busy;
  $('checker').setAttribute('aria-busy', busy ? 'true' : 'false');
  $('results').setAttribute('aria-busy', busy ? 'true' : 'false');
  $('progress').hidden = !busy;
  if (!busy) inFlight = null;
}

function showProgress(text, sent, total) {
  const bar = $('progress-bar');
  if (total > 0) {
    bar.max = total;
    bar.value = sent;
  } else {
    bar.removeAttribute('value');
  }
  $('progress-text').textContent = text;
}

// ---- Retry countdown ----------------------------------------------------------------------------

function waitText(seconds) {
  if (!seconds) return 'Wait a minute';
  if (seconds >= 90) return 'Wait about ' + Math.ceil(seconds / 60) + ' minutes';
  return 'Wait ' + plural(seconds, 'second', 'seconds');
}

function startCountdown(seconds) {
  window.clearInterval(countdown);
  let left = seconds || 60;
  const line = $('retry-line');
  const tick = () => {
    line.textContent = left > 0 ? 'You can check again in ' + plural(left, 'second', 'seconds') + '.' : 'You can check again now.';
  };
  tick();
  $('check').disabled = true;
  countdown = window.setInterval(() => {
    left--;
    tick();
    if (left <= 0) {
      window.clearInterval(countdown);
      countdown = 0;
      $('check').disabled = false;
      announce('You can check again now. Your post is still in the form.');
    }
  }, 1000);
}

// ---- Errors -------------------------------------------------------------------------------------

function problemLines(status, problem) {
  return [
    'HTTP status: ' + status,
    problem && problem.title ? 'Title: ' + problem.title : null,
    problem && problem.detail ? 'Detail: ' + problem.detail : null,
    ...(problem && problem.errors ? Object.entries(problem.errors).map(([field, messages]) => field + ': ' + [].concat(messages).join(' ')) : []),
    problem && problem.traceId ? 'Trace id (for the help desk): ' + problem.traceId : null
  ];
}

function showError(title, help, lines, { retryAfter = undefined } = {}) {
  $('error-h').textContent = title;
  $('error-help').textContent = help;
  $('retry-line').textContent = '';
  $('error-tech').replaceChildren();
  const tech = technicalDetail(lines || []);
  if (tech) $('error-tech').append(tech);
  $('error').hidden = false;
  $('error').focus();
  announce(title + '. ' + help);
  if (retryAfter !== undefined) startCountdown(retryAfter);
}

function explain(status) {
  switch (status) {
    case 400: return ['Something in the post could not be read', 'Check the caption and photos, then check again. The technical detail below says what the checker objected to.'];
    case 403: return ['This key may not run checks', 'Ask your administrator for a key with the “check” permission.'];
    case 413: return ['The post is too large to send', 'Leave out some photos or export them smaller (2000 pixels wide is plenty for the web), then check again.'];
    case 415:
    case 422: return ['A photo cannot be read', 'Leave the photo out, or open it in a photo editor and save it again as a JPEG, then check again.'];
    default: return ['Something went wrong on the server', 'Try again in a minute. If it keeps happening, tell the district help desk the time it happened.'];
  }
}

// ---- Checking -----------------------------------------------------------------------------------

function buildForm(caption, sent) {
  const body = new FormData();
  body.append('channel', $('channel').value);
  body.append('format', 'plain');
  body.append('returnSanitizedImages', 'true');
  if (caption.trim()) body.append(CAPTION_FIELD, caption);
  sent.forEach((photo) => body.append('images', photo.file, photo.file.name));
  return body;
}

/** The photo a refusal is about, when the server names it (by field "images[i]" or by file name). */
function photoNamedIn(problem, sent) {
  const text = JSON.stringify(problem || {});
  const field = /images\[(\d+)\]/.exec(text);
  if (field && sent[Number(field[1])]) return sent[Number(field[1])];
  return sent.find((photo) => text.includes(JSON.stringify(photo.file.name).slice(1, -1))) || null;
}

function refusal(status, photo) {
  const name = '“' + photo.file.name + '”';
  if (status === 413) return name + ' is too large for the checker. Export it smaller: 2000 pixels wide is plenty for the web.';
  if (status === 415) return name + ' is not a photo the checker can read. Leave it out, or save it again as a JPEG.';
  return name + ' looks damaged: the checker cannot open it. Open it in a photo editor, save it again and add it again.';
}

/** When the server refuses one photo without naming it, each photo is sent alone to find the one it refuses. */
async function findRefusedPhotos(sent) {
  const refused = [];
  for (const photo of sent) {
    const attempt = sendCheck(buildForm('', [photo]));
    inFlight = attempt;
    showProgress('Finding the photo the checker cannot read: ' + photo.file.name, 0, 0);
    const result = await attempt.done;
    if (result.cancelled || result.offline) return null;
    if ([413, 415, 422].includes(result.status)) refused.push({ photo, status: result.status });
  }
  return refused;
}

async function check(event) {
  if (event) event.preventDefault();
  if (inFlight) return;
  $('form-error').hidden = true;
  $('error').hidden = true;
  await Promise.all(photos.photos.map((p) => p.ready));
  const caption = $('caption').value;
  const sent = photos.sendable();
  if (!caption.trim() && sent.length === 0) {
    $('form-error').textContent = photos.photos.length
      ? 'None of the chosen files can be checked (see the list of photos). Add a caption or a photo the checker can read.'
      : 'Add a caption or at least one photo to check.';
    $('form-error').hidden = false;
    $('caption').focus();
    announce($('form-error').textContent);
    return;
  }
  if (!apiKey()) return askToSignInAgain(() => check());

  const total = sent.reduce((sum, p) => sum + p.file.size, 0);
  setBusy(true);
  const sending = sent.length ? 'Sending ' + plural(sent.length, 'photo', 'photos') : 'Sending the caption';
  showProgress(sending + '…', 0, total);
  announce(sending + '. You can cancel.');
  const attempt = sendCheck(buildForm(caption, sent), {
    onProgress: (loaded, length) => showProgress(sending + ': ' + formatBytes(loaded) + ' of ' + formatBytes(length || total) + ' sent.', loaded, length),
    onUploaded: () => {
      showProgress(sent.length ? 'Checking faces, text and photos… this can take a few seconds per photo.' : 'Checking the caption…', 0, 0);
      announce('Sent. Checking.');
    }
  });
  inFlight = attempt;
  const result = await attempt.done;

  if (result.cancelled) {
    setBusy(false);
    $('check').focus();
    announce('Check cancelled. Your post is still in the form.');
    $('progress-done').textContent = 'Check cancelled. Your post is still in the form.';
    return;
  }
  $('progress-done').textContent = '';
  if (result.offline) {
    setBusy(false);
    return showError('The service cannot be reached', 'Check your connection and try again. Your post is still in the form.', []);
  }
  if (result.status === 401) {
    setBusy(false);
    return askToSignInAgain(() => check());
  }
  if (result.status === 429 || result.status === 503) {
    setBusy(false);
    const title = result.status === 429 ? 'Too many checks in a short time' : 'The checker is busy right now';
    return showError(title, waitText(result.retryAfter) + ', then check again. Your post is still in the form.',
      problemLines(result.status, result.body), { retryAfter: result.retryAfter || 60 });
  }
  if ([413, 415, 422].includes(result.status) && sent.length > 0) {
    // One photo is refused: name it, leave it out and check the others.
    const named = photoNamedIn(result.body, sent);
    const refused = named ? [{ photo: named, status: result.status }] : sent.length > 1 ? await findRefusedPhotos(sent) : [{ photo: sent[0], status: result.status }];
    setBusy(false);
    if (refused === null) return announce('Check cancelled. Your post is still in the form.');
    if (refused.length > 0) {
      refused.forEach(({ photo, status }) => photos.refuse(photo, refusal(status, photo)));
      const left = photos.sendable();
      announce(refused.map(({ photo, status }) => refusal(status, photo)).join(' ') + (left.length || caption.trim() ? ' Checking the rest.' : ''));
      if (left.length || caption.trim()) return check();
      return showError(explain(result.status)[0], refused.map(({ photo, status }) => refusal(status, photo)).join(' '), problemLines(result.status, result.body));
    }
  }
  if (result.status !== 200 || !result.body) {
    setBusy(false);
    const [title, help] = explain(result.status);
    return showError(title, help, problemLines(result.status, result.body));
  }

  const rules = await loadRules();
  const label = renderVerdict(result.body, caption, sent, rules);
  checkedPhotos = sent.map((p) => p.id).join(',');
  setBusy(false);
  updateCaptionState();
  updatePhotosState();
  $('results').hidden = false;
  $('results-h').focus();
  announce('Check done. ' + label + '.');
}

// ---- Caption fixes ------------------------------------------------------------------------------

/** Results stay honest: once the caption changes, its highlights are marked as belonging to the earlier text. */
function updateCaptionState() {
  const section = $('caption-result');
  if (section.hidden) return;
  const current = $('caption').value;
  const stale = current !== section.dataset.checked;
  $('caption-stale').hidden = !stale;
  section.classList.toggle('stale', stale);
  $('apply-fixes').hidden = !stale && section.dataset.pendingFixes !== 'true';
  // "Copy" is offered only for a caption the checker has just seen with nothing left to fix.
  $('copy-caption').hidden = stale || section.dataset.pendingFixes === 'true' || section.dataset.errors === 'true';
}

/** Results for other photos than the ones now chosen say so, instead of passing for the current post. */
function updatePhotosState() {
  if ($('results').hidden && !checkedPhotos) return;
  const now = photos.sendable().map((p) => p.id).join(',');
  $('photos-stale').hidden = now === checkedPhotos;
}

async function applyFixes() {
  if (inFlight) return;
  const current = $('caption').value;
  setBusy(true);
  showProgress('Applying the fixes to the caption as it is now…', 0, 0);
  const result = await checkCaptionOnly(current, $('channel').value);
  if (result.status === 401) {
    setBusy(false);
    return askToSignInAgain(() => applyFixes());
  }
  if (result.status !== 200 || !result.body) {
    setBusy(false);
    if (result.cancelled) return;
    const [title, help] = result.status === 429 || result.status === 503
      ? ['Too many checks in a short time', waitText(result.retryAfter) + ', then try again. Your caption is unchanged.']
      : explain(result.status);
    return showError(title, help, problemLines(result.status, result.body), result.status === 429 || result.status === 503 ? { retryAfter: result.retryAfter || 60 } : {});
  }
  const fixed = result.body.sanitized && result.body.sanitized.fields ? result.body.sanitized.fields[CAPTION_FIELD] : undefined;
  setBusy(false);
  if (typeof fixed === 'string') $('caption').value = fixed;
  announce('Fixes applied to the caption. Checking it again.');
  // Checking again shows what is left, so nothing stale stays on screen.
  await check();
}

async function copyCaption() {
  const text = $('caption').value;
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // Clipboard API refused (no permission or not a secure context): copy through a hidden text area.
    const area = el('textarea', 'visually-hidden');
    area.value = text;
    area.setAttribute('aria-hidden', 'true');
    area.tabIndex = -1;
    document.body.append(area);
    area.select();
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    area.remove();
    $('copy-caption').focus();
  }
  announce(ok ? 'The checked caption is copied.' : 'Copying is blocked in this browser: select the caption in the box and copy it.');
}

// ---- Start --------------------------------------------------------------------------------------

function start() {
  $('signin-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('check-form').addEventListener('submit', check);
  $('cancel').addEventListener('click', () => { if (inFlight) inFlight.abort(); });
  $('files').addEventListener('change', (e) => {
    const chosen = [...e.target.files];
    e.target.value = '';
    photos.addFiles(chosen);
  });
  // The input is out of sight (its "No file chosen" would contradict the list), so the keys that open a
  // button's action open the file chooser here too.
  $('files').addEventListener('keydown', (e) => {
    if (e.key === ' ' || e.key === 'Enter') {
      e.preventDefault();
      $('files').click();
    }
  });
  $('caption').addEventListener('input', updateCaptionState);
  document.addEventListener('photos-changed', updatePhotosState);
  $('apply-fixes').addEventListener('click', applyFixes);
  $('copy-caption').addEventListener('click', copyCaption);
  photos.setUpDrop();
  photos.render();
  photos.describeLimits();
  loadRules();
  loadLimits();
  showSignedIn(Boolean(apiKey()));
}

start();

// The upload form of Rule 4226 checks. Plain JavaScript, no framework: every piece of user or API text
// goes into the page through textContent, never innerHTML, so a hostile caption cannot inject markup.
'use strict';

(function () {
  const KEY_STORAGE = 'kusd.moderation.apiKey';
  const CAPTION_FIELD = 'caption';

  // What each rule means under Rule 4226 and what the person publishing should do about it.
  const RULES = {
    'media-restriction/face': {
      title: 'A student with a media restriction may be in this photo',
      meaning: 'The family of this student has asked that the student not appear in district media. Rule 4226 does not allow publishing their picture.',
      action: 'Leave this photo out, or use the cleaned-up copy below where the face is blurred.'
    },
    'media-restriction/name': {
      title: 'Names a student with a media restriction',
      meaning: 'This student’s family has asked that the student not appear in district media, and that includes their name.',
      action: 'Remove the name, or ask the school office whether the restriction allows it.'
    },
    'student-name/elementary': {
      title: 'Full name of an elementary student',
      meaning: 'Rule 4226 allows elementary students to be named by first name and last initial only.',
      action: 'Use the suggested first name and initial (“Apply all fixes” does it for you).'
    },
    'email/student': {
      title: 'Email address of a student or family member',
      meaning: 'Rule 4226 does not allow posting the email addresses of students or their families.',
      action: 'Remove the address. Point people to the school office instead.'
    },
    'link/external': {
      title: 'Link to a personal or commercial website',
      meaning: 'Rule 4226 limits links to district, school and approved educational sites.',
      action: 'Remove the link, or ask the communications office to approve it.'
    },
    'explicit/text': {
      title: 'Explicit or vulgar language',
      meaning: 'Rule 4226 does not allow sexually explicit, obscene or pornographic content.',
      action: 'Reword or remove this text.'
    },
    'explicit/image': {
      title: 'The photo may be explicit',
      meaning: 'Rule 4226 does not allow sexually explicit, obscene or pornographic content.',
      action: 'Do not use this photo; choose another one.'
    },
    'substance/text': {
      title: 'Mentions alcohol, drugs or tobacco',
      meaning: 'Rule 4226 does not allow content that depicts or promotes alcohol, drug or tobacco use. Prevention and education content is fine.',
      action: 'Have a person decide, or reword the text.'
    },
    'substance/image': {
      title: 'The photo may show alcohol, drugs or tobacco',
      meaning: 'Rule 4226 does not allow content that depicts alcohol, drug or tobacco use.',
      action: 'Have a person look at the photo, or choose another one.'
    },
    'ferpa/confidential': {
      title: 'Confidential student information',
      meaning: 'Grades, health, discipline, special education and similar records are confidential (FERPA, Wis. Stat. 118.125).',
      action: 'Remove this information before publishing.'
    },
    'copyright/notice': {
      title: 'Material that may be copyrighted',
      meaning: 'Rule 4226 requires consent and attribution for copyrighted material.',
      action: 'Make sure you have permission and credit the owner, or remove it.'
    },
    'face/unverified': {
      title: 'A face could not be checked for certain',
      meaning: 'The checker could not tell for sure whether this person has a media restriction.',
      action: 'Ask someone who knows the student to confirm before publishing.'
    },
    'image/location': {
      title: 'The photo carries its location',
      meaning: 'The file holds GPS data that can show where a student lives or goes to school.',
      action: 'Use the cleaned-up copy below: its location data is removed.'
    },
    'check/unavailable': {
      title: 'Part of the check could not run',
      meaning: 'When a check cannot run, the post is held back to be safe.',
      action: 'Try again in a few minutes. If it keeps happening, ask a person to review the post.'
    }
  };

  const DECISIONS = {
    approved: { label: 'Ready to publish', text: 'Nothing in this post goes against Rule 4226.' },
    approvedWithChanges: { label: 'Ready to publish after the changes below', text: 'Apply the suggested fixes (or use the cleaned-up copies), then publish.' },
    needsReview: { label: 'A person must review this first', text: 'The checker found something it cannot decide. Ask your supervisor or the communications office before publishing.' },
    rejected: { label: 'Do not publish this as it is', text: 'Something in this post is not allowed under Rule 4226. See what to do below.' }
  };

  const SEVERITY = { error: 'Must change', warning: 'Needs review', note: 'Note' };

  const $ = (id) => document.getElementById(id);
  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };

  let selected = [];      // File objects waiting to be checked
  let objectUrls = [];    // revoked when a new result replaces the old one
  let lastVerdict = null;

  function announce(text) {
    // Clearing first makes screen readers read a repeated message again.
    const region = $('announce');
    region.textContent = '';
    window.setTimeout(() => { region.textContent = text; }, 50);
  }

  // ---- Sign in -------------------------------------------------------------------------------

  function apiKey() { return sessionStorage.getItem(KEY_STORAGE); }

  function showSignedIn(signedIn) {
    $('signin').hidden = signedIn;
    $('checker').hidden = !signedIn;
    $('session').hidden = !signedIn;
    if (!signedIn) {
      $('results').hidden = true;
      $('error').hidden = true;
    }
  }

  async function signIn(event) {
    event.preventDefault();
    const input = $('api-key');
    const key = input.value.trim();
    const error = $('api-key-error');
    error.hidden = true;
    input.removeAttribute('aria-invalid');
    if (!key) {
      return fieldError(input, error, 'Enter your API key. It looks like a long string of letters and digits; your administrator gives it to you.');
    }

    // Any valid key may read check records: an unknown id answers 404, a wrong key 401.
    let response;
    try {
      response = await fetch('/v1/checks/sign-in-probe', { headers: { Authorization: 'Bearer ' + key } });
    } catch {
      return fieldError(input, error, 'The service cannot be reached. Check your connection and try again.');
    }
    if (response.status === 401) {
      return fieldError(input, error, 'That key was not accepted. Check your key for typing mistakes or missing characters, or ask your administrator for a new one.');
    }
    if (response.status === 429) {
      return fieldError(input, error, 'Too many tries. ' + waitText(response) + ' then sign in again.');
    }

    sessionStorage.setItem(KEY_STORAGE, key);
    input.value = '';
    showSignedIn(true);
    announce('Signed in. You can now check a post.');
    $('caption').focus();
  }

  function fieldError(input, error, message) {
    error.textContent = message;
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    announce(message);
  }

  function signOut() {
    sessionStorage.removeItem(KEY_STORAGE);
    selected = [];
    renderFileList();
    clearResults();
    $('caption').value = '';
    showSignedIn(false);
    announce('Signed out. The key is forgotten in this tab.');
    $('api-key').focus();
  }

  // ---- Choosing files ------------------------------------------------------------------------

  function addFiles(files) {
    for (const file of files) {
      if (!selected.some((f) => f.name === file.name && f.size === file.size && f.lastModified === file.lastModified)) {
        selected.push(file);
      }
    }
    renderFileList();
    announce(selected.length === 1 ? '1 photo ready to check.' : selected.length + ' photos ready to check.');
  }

  function renderFileList() {
    const list = $('file-list');
    list.replaceChildren();
    selected.forEach((file, index) => {
      const item = el('li');
      item.append(el('span', 'file-name', file.name), el('span', 'file-size', ' (' + formatBytes(file.size) + ')'));
      const remove = el('button', 'link-button', 'Remove');
      remove.type = 'button';
      remove.setAttribute('aria-label', 'Remove ' + file.name);
      remove.addEventListener('click', () => {
        selected.splice(index, 1);
        renderFileList();
        announce(file.name + ' removed.');
        $('files').focus();
      });
      item.append(' ', remove);
      list.append(item);
    });
  }

  function formatBytes(bytes) {
    if (bytes < 1024) return bytes + ' bytes';
    if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(0) + ' KB';
    return (bytes / 1024 / 1024).toFixed(1) + ' MB';
  }

  function setUpDrop() {
    const drop = $('drop');
    ['dragenter', 'dragover'].forEach((type) => drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add('over');
    }));
    ['dragleave', 'drop'].forEach((type) => drop.addEventListener(type, () => drop.classList.remove('over')));
    drop.addEventListener('drop', (e) => {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) addFiles(e.dataTransfer.files);
    });
  }

  // ---- Checking ------------------------------------------------------------------------------

  async function check(event) {
    event.preventDefault();
    const caption = $('caption').value;
    const formError = $('form-error');
    formError.hidden = true;
    if (!caption.trim() && selected.length === 0) {
      formError.textContent = 'Add a caption or at least one photo to check.';
      formError.hidden = false;
      $('caption').focus();
      announce(formError.textContent);
      return;
    }

    const key = apiKey();
    if (!key) { signOut(); return; }

    const body = new FormData();
    body.append('channel', $('channel').value);
    body.append('format', 'plain');
    body.append('returnSanitizedImages', 'true');
    if (caption.trim()) body.append(CAPTION_FIELD, caption);
    const files = selected.slice();
    files.forEach((file) => body.append('images', file, file.name));

    clearResults();
    const what = [caption.trim() ? 'the caption' : null, files.length ? files.length + (files.length === 1 ? ' photo' : ' photos') : null]
      .filter(Boolean).join(' and ');
    setBusy(true, 'Checking ' + what + '… Photos can take a few seconds.');

    let response;
    try {
      response = await fetch('/v1/checks', { method: 'POST', headers: { Authorization: 'Bearer ' + key }, body });
    } catch {
      setBusy(false);
      showError({ title: 'The service cannot be reached', help: 'Check your connection and try again.' });
      return;
    }

    let payload = null;
    try { payload = await response.json(); } catch { payload = null; }
    setBusy(false);

    if (!response.ok) {
      showError(explainError(response, payload));
      return;
    }

    lastVerdict = payload;
    renderVerdict(payload, caption, files);
  }

  function setBusy(busy, text) {
    $('check').disabled = busy;
    $('checker').setAttribute('aria-busy', busy ? 'true' : 'false');
    $('results').setAttribute('aria-busy', busy ? 'true' : 'false');
    $('progress').hidden = !busy;
    $('progress-text').textContent = busy ? text : '';
    if (busy) announce(text);
  }

  function waitText(response) {
    const seconds = parseInt(response.headers.get('Retry-After') || '', 10);
    if (Number.isFinite(seconds) && seconds > 0) {
      if (seconds >= 90) return 'Wait about ' + Math.ceil(seconds / 60) + ' minutes';
      return 'Wait ' + seconds + (seconds === 1 ? ' second' : ' seconds');
    }
    return 'Wait a minute';
  }

  // One message per API error, each with what to do next.
  function explainError(response, problem) {
    const detail = problem && problem.detail ? problem.detail : '';
    const errors = problem && problem.errors ? problem.errors : null;
    switch (response.status) {
      case 400:
        return { title: 'Something in the post could not be read', detail, errors, help: 'Correct the points listed below and check again.' };
      case 401:
        return { title: 'Your API key was not accepted', detail, help: 'Check your key: sign out and sign in again with the key your administrator gave you. Keys can be revoked or expire.' };
      case 403:
        return { title: 'This key may not run checks', detail, help: 'Ask your administrator for a key with the “check” permission.' };
      case 413:
        return { title: 'A photo is too large', detail, help: 'Make the photo smaller: export it at a smaller size (2000 pixels wide is plenty for the web) or as a JPEG, then check again.' };
      case 415:
        return { title: 'A file is not a photo the checker can read', detail, help: 'Choose JPEG, PNG or WebP photos. Remove any other file (documents, text, videos) from the list and check again.' };
      case 422:
        return { title: 'A photo is damaged or cannot be used', detail, errors, help: 'Open the photo in an editor, save or export it again as JPEG or PNG, and check again.' };
      case 429:
        return { title: 'Too many checks in a short time', detail, help: waitText(response) + ', then check again. Your post is still in the form.' };
      case 503:
        return { title: 'The checker is busy right now', detail, help: waitText(response) + ', then check again. Your post is still in the form.' };
      default:
        return { title: 'Something went wrong on the server (' + response.status + ')', detail, help: 'Try again in a minute. If it keeps happening, tell the district help desk the time it happened.' };
    }
  }

  function showError(info) {
    const box = $('error');
    $('error-h').textContent = info.title;
    $('error-text').textContent = info.detail || '';
    $('error-text').hidden = !info.detail;
    $('error-help').textContent = info.help || '';
    const list = $('error-list');
    list.replaceChildren();
    if (info.errors) {
      for (const [field, messages] of Object.entries(info.errors)) {
        for (const message of messages) list.append(el('li', null, field + ': ' + message));
      }
    }
    box.hidden = false;
    box.focus();
    announce(info.title + '. ' + (info.help || ''));
  }

  function clearResults() {
    objectUrls.forEach((url) => URL.revokeObjectURL(url));
    objectUrls = [];
    lastVerdict = null;
    $('results').hidden = true;
    $('error').hidden = true;
    $('decision').replaceChildren();
    $('caption-marked').replaceChildren();
    $('caption-findings').replaceChildren();
    $('image-results').replaceChildren();
    $('other-list').replaceChildren();
  }

  // ---- The verdict ---------------------------------------------------------------------------

  function renderVerdict(verdict, caption, files) {
    const findings = Array.isArray(verdict.findings) ? verdict.findings : [];
    const decision = DECISIONS[verdict.decision] || { label: verdict.decision, text: '' };

    const box = $('decision');
    box.className = 'decision decision-' + verdict.decision;
    box.append(el('p', 'decision-label', decision.label), el('p', null, decision.text));
    const counts = el('p', 'decision-counts', findings.length === 0
      ? 'No findings.'
      : findings.length + (findings.length === 1 ? ' finding' : ' findings') + ' listed below.');
    box.append(counts);

    const captionFindings = findings.filter((f) => f.target && f.target.kind === 'text' && f.target.field === CAPTION_FIELD);
    const imageFindings = findings.filter((f) => f.target && f.target.kind === 'image');
    const other = findings.filter((f) => !captionFindings.includes(f) && !imageFindings.includes(f));

    renderCaption(caption, captionFindings, verdict);
    renderImages(files, imageFindings, verdict);

    $('other-findings').hidden = other.length === 0;
    other.forEach((f) => $('other-list').append(findingItem(f)));

    $('results').hidden = false;
    $('results-h').focus();
    announce('Check done. ' + decision.label + '. ' + counts.textContent);
  }

  function renderCaption(caption, findings, verdict) {
    const section = $('caption-result');
    section.hidden = !caption.trim();
    if (section.hidden) return;

    const fixed = verdict.sanitized && verdict.sanitized.fields ? verdict.sanitized.fields[CAPTION_FIELD] : undefined;
    const changed = typeof fixed === 'string' && fixed !== caption;
    $('apply-fixes').hidden = !changed;
    $('copy-caption').hidden = !changed;

    // Highlight spans in order; overlapping spans keep the first one (the list below still has them all).
    const marked = $('caption-marked');
    const spans = findings
      .map((f, index) => ({ f, index }))
      .filter((x) => x.f.span && Number.isInteger(x.f.span.start) && x.f.span.end > x.f.span.start && x.f.span.end <= caption.length)
      .sort((a, b) => a.f.span.start - b.f.span.start);
    let at = 0;
    for (const { f, index } of spans) {
      if (f.span.start < at) continue;
      marked.append(document.createTextNode(caption.slice(at, f.span.start)));
      const mark = el('mark', 'sev-' + f.severity, caption.slice(f.span.start, f.span.end));
      mark.append(el('sup', null, String(index + 1)));
      marked.append(mark);
      if (f.fix && typeof f.fix.replacement === 'string') {
        marked.append(el('span', 'fix', ' [→ ' + (f.fix.replacement || '(remove)') + ']'));
      }
      at = f.span.end;
    }
    marked.append(document.createTextNode(caption.slice(at)));

    const list = $('caption-findings');
    if (findings.length === 0) list.append(el('li', null, 'Nothing to change in the caption.'));
    findings.forEach((f) => list.append(findingItem(f)));
  }

  function findingItem(f) {
    const rule = RULES[f.ruleId] || { title: f.ruleId, meaning: '', action: '' };
    const item = el('li', 'finding sev-' + f.severity);
    const head = el('p', 'finding-head');
    head.append(el('span', 'badge badge-' + f.severity, SEVERITY[f.severity] || f.severity), ' ', el('strong', null, rule.title));
    item.append(head);
    if (f.evidence) {
      const found = el('p', null, 'Found: ');
      found.append(el('q', null, f.evidence));
      if (f.fix && typeof f.fix.replacement === 'string') {
        found.append(' → suggested: ');
        found.append(el('q', null, f.fix.replacement || '(remove)'));
      }
      item.append(found);
    }
    if (rule.meaning) item.append(el('p', null, 'What it means: ' + rule.meaning));
    if (rule.action) item.append(el('p', null, 'What to do: ' + rule.action));
    const source = el('p', 'finding-source', (f.message || '') + (f.policy ? ' (' + f.policy + ')' : ''));
    item.append(source);
    return item;
  }

  // Faces and other regions: each box gets a shape and a label by kind, never colour alone.
  function regionKind(f) {
    if (f.ruleId === 'media-restriction/face' && f.severity === 'error') return { cls: 'box-restricted', label: 'Restricted' };
    if (f.ruleId === 'face/unverified') return { cls: 'box-unverified', label: 'Unverified' };
    if (f.severity === 'error') return { cls: 'box-restricted', label: 'Must change' };
    return { cls: 'box-review', label: 'Needs review' };
  }

  function renderImages(files, findings, verdict) {
    const host = $('image-results');
    const sanitized = verdict.sanitized && Array.isArray(verdict.sanitized.images) ? verdict.sanitized.images : [];
    files.forEach((file, index) => {
      const field = 'images[' + index + ']';
      const mine = findings.filter((f) => f.target.field === field || (!f.target.field && f.target.name === file.name));
      const section = el('section', 'image-result');
      const headingId = 'image-h-' + index;
      section.setAttribute('aria-labelledby', headingId);
      const heading = el('h3', null, 'Photo ' + (index + 1) + ': ' + file.name);
      heading.id = headingId;
      section.append(heading);

      const figure = el('figure', 'shot');
      const frame = el('div', 'frame');
      const img = el('img');
      const url = URL.createObjectURL(file);
      objectUrls.push(url);
      img.src = url;
      img.alt = 'Photo ' + (index + 1) + ' as uploaded' + (mine.some((f) => f.region) ? ', with numbered boxes on the flagged areas listed below' : '');
      frame.append(img);
      figure.append(frame);
      section.append(figure);

      const regions = mine.filter((f) => f.region);
      // Boxes are placed in percent of the picture's own pixels, so they follow its displayed size.
      img.addEventListener('load', () => {
        const w = img.naturalWidth;
        const h = img.naturalHeight;
        regions.forEach((f, n) => {
          const kind = regionKind(f);
          const r = f.region;
          const box = el('div', 'box ' + kind.cls);
          box.setAttribute('aria-hidden', 'true');
          box.style.left = (100 * r.x / w) + '%';
          box.style.top = (100 * r.y / h) + '%';
          box.style.width = (100 * r.width / w) + '%';
          box.style.height = (100 * r.height / h) + '%';
          box.append(el('span', 'box-label', (n + 1) + ' ' + kind.label));
          frame.append(box);
        });
      }, { once: true });

      const list = el('ol', 'findings');
      const faces = mine.filter((f) => f.ruleId === 'media-restriction/face' || f.ruleId === 'face/unverified');
      if (mine.length === 0) {
        list.append(el('li', null, 'Nothing to change in this photo.'));
      }
      mine.forEach((f) => {
        const item = findingItem(f);
        if (f.region) {
          const n = regions.indexOf(f) + 1;
          const kind = regionKind(f);
          const r = f.region;
          const where = el('p', 'where', 'Box ' + n + ' (' + kind.label + ', ' + shapeName(kind.cls) + '): ' + placeText(r) +
            (typeof f.confidence === 'number' ? ', confidence ' + Math.round(f.confidence * 100) + '%' : '') + '.');
          item.insertBefore(where, item.children[1] || null);
        }
        list.append(item);
      });
      section.append(el('h4', null, 'What was found in this photo'), list);
      if (faces.length > 0) {
        section.append(el('p', 'hint', 'Only flagged faces are boxed. Any other faces in the photo matched no one with a media restriction.'));
      }

      const clean = sanitized.find((s) => s && s.name === file.name && s.data) || (sanitized[index] && sanitized[index].data ? sanitized[index] : null);
      if (clean) {
        const blob = new Blob([base64Bytes(clean.data)], { type: clean.contentType || 'application/octet-stream' });
        const cleanUrl = URL.createObjectURL(blob);
        objectUrls.push(cleanUrl);
        const link = el('a', 'download', 'Download the cleaned-up copy of photo ' + (index + 1));
        link.href = cleanUrl;
        link.download = cleanName(file.name, clean.contentType);
        const note = el('p', 'hint', 'Restricted faces are blurred and hidden data (such as location) is removed.');
        section.append(link, note);
      } else if (mine.length > 0) {
        section.append(el('p', 'hint', 'No cleaned-up copy of this photo came back: edit the photo yourself, or leave it out.'));
      }
      host.append(section);
    });
  }

  function shapeName(cls) {
    return { 'box-restricted': 'solid thick box', 'box-review': 'dashed box', 'box-unverified': 'dotted box' }[cls] || 'box';
  }

  function placeText(r) {
    return 'at ' + r.x + ', ' + r.y + ' pixels from the top left, ' + r.width + ' by ' + r.height + ' pixels';
  }

  function cleanName(name, contentType) {
    const ext = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp' }[contentType] || '';
    const base = name.replace(/\.[^.]*$/, '');
    return base + '-cleaned' + (ext || name.slice(base.length));
  }

  function base64Bytes(data) {
    const text = atob(data);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  // ---- Fixes ---------------------------------------------------------------------------------

  function fixedCaption() {
    return lastVerdict && lastVerdict.sanitized && lastVerdict.sanitized.fields ? lastVerdict.sanitized.fields[CAPTION_FIELD] : undefined;
  }

  function applyFixes() {
    const fixed = fixedCaption();
    if (typeof fixed !== 'string') return;
    const caption = $('caption');
    caption.value = fixed;
    caption.focus();
    announce('All fixes applied to the caption. Check again to confirm.');
  }

  async function copyCaption() {
    const fixed = fixedCaption();
    if (typeof fixed !== 'string') return;
    try {
      await navigator.clipboard.writeText(fixed);
      announce('The fixed caption is copied.');
      return;
    } catch {
      // Clipboard API refused (no permission or not a secure context): copy through a hidden text area.
    }
    const area = el('textarea', 'visually-hidden');
    area.value = fixed;
    area.setAttribute('aria-hidden', 'true');
    area.tabIndex = -1;
    document.body.append(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch { ok = false; }
    area.remove();
    $('copy-caption').focus();
    announce(ok ? 'The fixed caption is copied.' : 'Copying is blocked in this browser: use Apply all fixes and copy the caption from the box.');
  }

  // ---- Start ---------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('signin-form').addEventListener('submit', signIn);
    $('sign-out').addEventListener('click', signOut);
    $('check-form').addEventListener('submit', check);
    $('files').addEventListener('change', (e) => {
      addFiles(e.target.files);
      e.target.value = '';
    });
    $('apply-fixes').addEventListener('click', applyFixes);
    $('copy-caption').addEventListener('click', copyCaption);
    setUpDrop();
    showSignedIn(Boolean(apiKey()));
  });
})();

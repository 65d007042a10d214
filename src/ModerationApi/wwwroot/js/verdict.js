// The verdict on screen: a summary first (the decision, a status and a link per photo, one download of every
// cleaned-up photo), then the caption with its highlights, then each photo with its before/after.
// Rule titles and advice come from the server's catalog; the page only adds the words of its own layout.

import { $, el, plural, technicalDetail } from './dom.js';
import { zip } from './zip.js';

export const CAPTION_FIELD = 'caption';

const DECISIONS = {
  approved: { label: 'Ready to publish', text: 'Nothing in this post goes against Rule 4226.' },
  approvedWithChanges: { label: 'Ready to publish after the changes below', text: 'Make the changes below (or use the cleaned-up copies), then publish.' },
  needsReview: { label: 'A person must review this first', text: 'The checker found something it cannot decide. Ask your supervisor or the communications office before publishing.' },
  rejected: { label: 'Do not publish this as it is', text: 'Something in this post is not allowed under Rule 4226. See what to do below.' }
};

const SEVERITY = { error: 'Must change', warning: 'Needs review', note: 'Note' };
const FACE_RULES = ['media-restriction/face', 'face/unverified'];

let objectUrls = [];

function keepUrl(blob) {
  const url = URL.createObjectURL(blob);
  objectUrls.push(url);
  return url;
}

export function clearVerdict() {
  objectUrls.forEach((url) => URL.revokeObjectURL(url));
  objectUrls = [];
  ['decision', 'summary', 'caption-marked', 'caption-findings', 'image-results', 'other-list'].forEach((id) => $(id).replaceChildren());
}

function ruleText(rules, f) {
  const rule = rules.get(f.ruleId);
  return rule
    ? { title: rule.title, meaning: rule.description, action: rule.help }
    : { title: f.message || f.ruleId, meaning: '', action: '' };
}

function findingItem(f, rules, { imageEvidence = false, where = null } = {}) {
  const text = ruleText(rules, f);
  const item = el('li', 'finding sev-' + f.severity);
  const head = el('p', 'finding-head');
  head.append(el('span', 'badge badge-' + f.severity, SEVERITY[f.severity] || f.severity), ' ', el('strong', null, text.title));
  item.append(head);
  if (where) item.append(el('p', 'where', where));
  // Quoted caption text is plain; what a photo's metadata holds ("EXIF GPSLatitude") is for the disclosure.
  if (f.evidence && !imageEvidence) {
    const found = el('p', null, 'Found: ');
    found.append(el('q', null, f.evidence));
    if (f.fix && typeof f.fix.replacement === 'string') {
      found.append(' → suggested: ', el('q', null, f.fix.replacement || '(remove)'));
    }
    item.append(found);
  }
  if (text.meaning) item.append(el('p', null, 'What it means: ' + text.meaning));
  if (text.action) item.append(el('p', null, 'What to do: ' + text.action));
  if (f.policy) item.append(el('p', 'finding-source', f.policy));
  const tech = technicalDetail([
    'Rule: ' + f.ruleId,
    f.message && f.message !== text.title ? 'Message: ' + f.message : null,
    imageEvidence && f.evidence ? 'Found in the file: ' + f.evidence : null,
    f.region ? 'Area: ' + f.region.width + ' × ' + f.region.height + ' pixels at x ' + f.region.x + ', y ' + f.region.y : null,
    typeof f.confidence === 'number' ? 'Confidence: ' + Math.round(f.confidence * 100) + '%' : null
  ]);
  if (tech) item.append(tech);
  return item;
}

// Boxes get a shape and a label by kind, never colour alone.
function regionKind(f) {
  if (f.ruleId === 'media-restriction/face' && f.severity === 'error') return { cls: 'box-restricted', label: 'Restricted', shape: 'solid thick box' };
  if (f.ruleId === 'face/unverified') return { cls: 'box-unverified', label: 'Unverified', shape: 'dotted box' };
  if (f.severity === 'error') return { cls: 'box-restricted', label: 'Must change', shape: 'solid thick box' };
  return { cls: 'box-review', label: 'Needs review', shape: 'dashed box' };
}

function base64Bytes(data) {
  const text = atob(data);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function cleanName(name, contentType) {
  const ext = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp', 'image/gif': '.gif', 'image/bmp': '.bmp', 'image/tiff': '.tif' }[contentType] || '';
  const base = name.replace(/\.[^.]*$/, '');
  return base + '-cleaned' + (ext || name.slice(base.length));
}

/** What one photo needs, in a few plain words, for the summary and its own section. */
function photoStatus(mine, clean) {
  const restricted = mine.filter((f) => f.ruleId === 'media-restriction/face' && f.severity === 'error');
  const errors = mine.filter((f) => f.severity === 'error');
  const warnings = mine.filter((f) => f.severity === 'warning');
  if (restricted.length && clean && errors.length === restricted.length) {
    return { cls: 'st-changes', text: plural(restricted.length, 'restricted face', 'restricted faces') + ' blurred: post only the cleaned-up copy', cleanOnly: true };
  }
  if (errors.length) return { cls: 'st-stop', text: 'Must change: do not post this photo as it is', cleanOnly: false };
  if (warnings.length) return { cls: 'st-review', text: 'A person must look at this photo first', cleanOnly: Boolean(clean && mine.some((f) => f.ruleId === 'face/unverified')) };
  if (mine.length && clean) return { cls: 'st-changes', text: 'Post the cleaned-up copy: hidden data such as where it was taken is removed', cleanOnly: true };
  return { cls: 'st-ok', text: 'Nothing to change', cleanOnly: false };
}

function facesLine(imageFindings, count) {
  const restricted = imageFindings.filter((f) => f.ruleId === 'media-restriction/face' && f.severity === 'error').length;
  const unsure = imageFindings.filter((f) => f.ruleId === 'media-restriction/face' && f.severity !== 'error').length +
    imageFindings.filter((f) => f.ruleId === 'face/unverified').length;
  const where = 'in ' + plural(count, 'photo', 'photos');
  if (!restricted && !unsure) return 'Faces ' + where + ': none restricted.';
  const parts = [];
  if (restricted) parts.push(plural(restricted, 'restricted face', 'restricted faces') + ' (blurred in the cleaned-up copy)');
  if (unsure) parts.push(plural(unsure, 'face', 'faces') + ' a person must look at');
  return 'Faces ' + where + ': ' + parts.join(', ') + '.';
}

/**
 * Renders a verdict for what was sent: caption (string) and photos ({ file, url } in the order sent).
 * Returns the label of the decision, for the announcement.
 */
export function renderVerdict(verdict, caption, sent, rules) {
  clearVerdict();
  const findings = Array.isArray(verdict.findings) ? verdict.findings : [];
  const sanitized = verdict.sanitized && Array.isArray(verdict.sanitized.images) ? verdict.sanitized.images : [];
  const captionFindings = findings.filter((f) => f.target && f.target.kind === 'text' && f.target.field === CAPTION_FIELD);
  const imageFindings = findings.filter((f) => f.target && f.target.kind === 'image');
  const other = findings.filter((f) => !captionFindings.includes(f) && !imageFindings.includes(f));

  const photos = sent.map((photo, index) => {
    const field = 'images[' + index + ']';
    const mine = imageFindings.filter((f) => f.target.field === field || (!f.target.field && f.target.name === photo.file.name));
    const returned = sanitized[index] && sanitized[index].data ? sanitized[index] : sanitized.find((s) => s && s.data && s.name === photo.file.name);
    const clean = returned ? { bytes: base64Bytes(returned.data), type: returned.contentType || 'application/octet-stream', name: cleanName(photo.file.name, returned.contentType) } : null;
    return { ...photo, index, mine, clean, status: photoStatus(mine, clean) };
  });

  const cleanOnly = photos.some((p) => p.status.cleanOnly);
  const decision = DECISIONS[verdict.decision] || { label: verdict.decision, text: '' };
  const label = verdict.decision === 'approvedWithChanges' && cleanOnly && !captionFindings.length
    ? 'Ready to publish with the cleaned-up photos only'
    : decision.label;
  const box = $('decision');
  box.className = 'decision decision-' + verdict.decision;
  box.append(el('p', 'decision-label', label), el('p', null, decision.text));
  box.append(el('p', 'decision-counts', findings.length === 0 ? 'No findings.' : plural(findings.length, 'finding', 'findings') + ' listed below.'));
  if (verdict.findingsOmitted > 0) {
    box.append(el('p', null, plural(verdict.findingsOmitted, 'more finding was', 'more findings were') + ' not listed: there are too many to show. A person must go through this post.'));
  }

  renderSummary(photos, captionFindings, imageFindings, caption);
  renderCaption(caption, captionFindings, verdict, rules);
  photos.forEach((photo) => $('image-results').append(photoSection(photo, rules)));
  $('other-findings').hidden = other.length === 0;
  other.forEach((f) => $('other-list').append(findingItem(f, rules)));
  return label;
}

function renderSummary(photos, captionFindings, imageFindings, caption) {
  const host = $('summary');
  if (photos.length === 0) return;
  host.append(el('h3', null, 'Summary'));
  const list = el('ul', 'summary-list');
  if (caption.trim()) {
    const item = el('li', captionFindings.length ? 'st-changes' : 'st-ok');
    const link = el('a', null, 'Caption');
    link.href = '#caption-result';
    item.append(link, ': ' + (captionFindings.length ? plural(captionFindings.length, 'thing', 'things') + ' to change' : 'nothing to change'));
    list.append(item);
  }
  photos.forEach((photo) => {
    const item = el('li', photo.status.cls);
    const link = el('a', null, 'Photo ' + (photo.index + 1) + ': ' + photo.file.name);
    link.href = '#photo-' + (photo.index + 1);
    item.append(link, ': ' + photo.status.text);
    list.append(item);
  });
  host.append(list, el('p', 'faces-line', facesLine(imageFindings, photos.length)));

  const cleaned = photos.filter((p) => p.clean);
  if (cleaned.length) {
    const button = el('button', 'secondary', cleaned.length === 1 ? 'Download the cleaned-up photo' : 'Download all cleaned-up photos');
    button.type = 'button';
    button.id = 'download-all';
    button.addEventListener('click', () => {
      const names = new Set();
      const entries = cleaned.map((p) => {
        let name = p.clean.name;
        for (let n = 2; names.has(name); n++) name = p.clean.name.replace(/(\.[^.]*)?$/, '-' + n + '$1');
        names.add(name);
        return { name, bytes: p.clean.bytes };
      });
      const link = el('a');
      link.href = keepUrl(zip(entries));
      link.download = 'cleaned-up-photos.zip';
      document.body.append(link);
      link.click();
      link.remove();
    });
    host.append(button, el('p', 'hint', 'One zip file with the cleaned-up copy of each photo: restricted faces blurred, hidden data such as location removed.'));
  }
}

function renderCaption(caption, findings, verdict, rules) {
  const section = $('caption-result');
  section.hidden = !caption.trim();
  section.dataset.checked = caption;
  if (section.hidden) return;
  const fixed = verdict.sanitized && verdict.sanitized.fields ? verdict.sanitized.fields[CAPTION_FIELD] : undefined;
  const pending = typeof fixed === 'string' && fixed !== caption;
  section.dataset.pendingFixes = pending ? 'true' : 'false';
  section.dataset.errors = findings.some((f) => f.severity === 'error') ? 'true' : 'false';

  // Highlights in order; overlapping spans keep the first one (the list below still has them all).
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
    if (f.fix && typeof f.fix.replacement === 'string') marked.append(el('span', 'fix', ' [→ ' + (f.fix.replacement || '(remove)') + ']'));
    at = f.span.end;
  }
  marked.append(document.createTextNode(caption.slice(at)));

  const list = $('caption-findings');
  if (findings.length === 0) list.append(el('li', null, 'Nothing to change in the caption.'));
  findings.forEach((f) => list.append(findingItem(f, rules)));
}

function photoSection(photo, rules) {
  const n = photo.index + 1;
  const section = el('section', 'image-result ' + photo.status.cls);
  section.id = 'photo-' + n;
  section.tabIndex = -1;
  const headingId = 'image-h-' + n;
  section.setAttribute('aria-labelledby', headingId);
  const heading = el('h3', null, 'Photo ' + n + ': ' + photo.file.name);
  heading.id = headingId;
  section.append(heading, el('p', 'photo-status', photo.status.text + '.'));

  const regions = photo.mine.filter((f) => f.region);
  // Before and after only where the cleaned-up copy looks different (blurred faces); a copy that only loses
  // hidden data looks the same, and a photo without boxes is shown small, so ten photos stay a short page.
  const beforeAfter = Boolean(photo.clean && photo.status.cleanOnly && photo.mine.some((f) => FACE_RULES.includes(f.ruleId)));
  if (regions.length === 0) section.classList.add('compact');
  const shots = el('div', beforeAfter ? 'shots before-after' : 'shots');
  const before = el('figure', 'shot');
  const frame = el('div', 'frame');
  const img = el('img');
  img.src = photo.url;
  img.alt = 'Photo ' + n + ' as uploaded' + (regions.length ? ', with numbered boxes on the flagged areas listed below' : '');
  frame.append(img);
  before.append(frame);
  // Boxes are placed in percent of the picture's own pixels, so they follow its displayed size.
  img.addEventListener('load', () => {
    regions.forEach((f, i) => {
      const kind = regionKind(f);
      const r = f.region;
      const box = el('div', 'box ' + kind.cls);
      box.setAttribute('aria-hidden', 'true');
      box.style.left = (100 * r.x / img.naturalWidth) + '%';
      box.style.top = (100 * r.y / img.naturalHeight) + '%';
      box.style.width = (100 * r.width / img.naturalWidth) + '%';
      box.style.height = (100 * r.height / img.naturalHeight) + '%';
      box.append(el('span', 'box-label', (i + 1) + ' ' + kind.label));
      frame.append(box);
    });
  }, { once: true });
  shots.append(before);

  let downloadUrl = null;
  if (beforeAfter) {
    before.append(el('figcaption', null, 'Before: as uploaded (do not post)'));
    downloadUrl = keepUrl(new Blob([photo.clean.bytes], { type: photo.clean.type }));
    const after = el('figure', 'shot');
    const afterImg = el('img');
    afterImg.src = downloadUrl;
    afterImg.alt = 'Photo ' + n + ', cleaned-up copy' + (photo.mine.some((f) => f.ruleId === 'media-restriction/face') ? ' with the restricted faces blurred' : '');
    const afterFrame = el('div', 'frame');
    afterFrame.append(afterImg);
    after.append(afterFrame, el('figcaption', null, 'After: the cleaned-up copy'));
    shots.append(after);
  }
  section.append(shots);
  if (beforeAfter) section.append(el('p', 'clean-only', 'Post only the cleaned-up copy.'));

  const list = el('ol', 'findings');
  if (photo.mine.length === 0) list.append(el('li', null, 'Nothing to change in this photo.'));
  photo.mine.forEach((f) => {
    const kind = f.region ? regionKind(f) : null;
    const where = kind ? 'Box ' + (regions.indexOf(f) + 1) + ' (' + kind.label + ', ' + kind.shape + ')' : null;
    list.append(findingItem(f, rules, { imageEvidence: true, where }));
  });
  if (photo.mine.length > 0 && photo.mine.every((f) => f.severity === 'note')) {
    // Notes only (hidden data that the cleaned-up copy drops): the status line says what to do; the why waits here.
    const more = el('details', 'photo-notes');
    more.append(el('summary', null, 'What was found in this photo'), list);
    section.append(more);
  } else {
    section.append(el('h4', null, 'What was found in this photo'), list);
  }
  if (photo.mine.some((f) => FACE_RULES.includes(f.ruleId))) {
    section.append(el('p', 'hint', 'Only flagged faces are boxed. Any other faces in the photo matched no one with a media restriction.'));
  }

  if (photo.clean && photo.mine.length > 0) {
    const link = el('a', 'download', 'Download the cleaned-up copy of photo ' + n);
    link.href = downloadUrl || keepUrl(new Blob([photo.clean.bytes], { type: photo.clean.type }));
    link.download = photo.clean.name;
    section.append(link, el('p', 'hint', 'Restricted faces are blurred and hidden data (such as where the photo was taken) is removed.'));
  } else if (photo.mine.length > 0) {
    section.append(el('p', 'hint', 'No cleaned-up copy of this photo came back: edit the photo yourself, or leave it out.'));
  }
  return section;
}

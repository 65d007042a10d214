// The chosen photos: each is looked at on its own as soon as it is chosen (a thumbnail, its real type from its
// first bytes, its size and pixel count against the server's published limits), so a bad file is named before
// anything is uploaded and never holds the other photos back.

import { $, el, announce, formatBytes, plural, listText } from './dom.js';
import { loadLimits, typeName } from './catalog.js';

/** @type {{ id: number, file: File, url: string, type: string|null, width: number, height: number, problem: string|null, ready: Promise<void> }[]} */
export const photos = [];
let nextId = 1;

// File signatures: the server identifies images by their bytes, not their names, and so does the page.
function sniff(bytes) {
  const starts = (...sig) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xFF, 0xD8, 0xFF)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)) return 'image/png';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x42, 0x4D)) return 'image/bmp';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  if (starts(0x49, 0x49, 0x2A, 0x00) || starts(0x4D, 0x4D, 0x00, 0x2A)) return 'image/tiff';
  return null;
}

function acceptedTypes(limits) {
  return limits && Array.isArray(limits.imageTypes) ? limits.imageTypes : null;
}

export function acceptedTypesText(limits) {
  const types = acceptedTypes(limits);
  return types ? listText(types.map(typeName)) : null;
}

/** Fills the hint and the file picker's accept list from the server's limits. */
export async function describeLimits() {
  const limits = await loadLimits();
  const hint = $('files-hint');
  if (!limits) {
    hint.textContent = 'You can choose several photos at once. The checker says which ones it cannot read when you send them.';
    return;
  }
  const parts = [acceptedTypesText(limits) + '.'];
  if (limits.maxImageBytes) parts.push('Up to ' + formatBytes(limits.maxImageBytes) + ' each');
  if (limits.maxImages) parts[parts.length - 1] += (limits.maxImageBytes ? ', ' : 'Up to ') + plural(limits.maxImages, 'photo', 'photos') + ' per post.';
  hint.textContent = parts.join(' ');
  const accept = [...(limits.imageExtensions || []), ...(limits.imageTypes || [])];
  if (accept.length) $('files').setAttribute('accept', accept.join(','));
}

async function inspect(photo) {
  const limits = await loadLimits();
  const name = '“' + photo.file.name + '”';
  const head = new Uint8Array(await photo.file.slice(0, 16).arrayBuffer());
  photo.type = sniff(head);
  const types = acceptedTypes(limits);
  if (!photo.type || (types && !types.includes(photo.type))) {
    photo.problem = name + ' is not a photo the checker can read' + (types ? '. It reads ' + acceptedTypesText(limits) + ' files.' : '.') +
      ' Leave it out, or save it again as a JPEG.';
    return;
  }
  if (limits && limits.maxImageBytes && photo.file.size > limits.maxImageBytes) {
    photo.problem = name + ' is too large (' + formatBytes(photo.file.size) + '; the checker takes up to ' + formatBytes(limits.maxImageBytes) +
      '). Export it smaller: 2000 pixels wide is plenty for the web.';
    return;
  }
  if (photo.type === 'image/tiff') return; // Browsers cannot show TIFF; the server reads it.
  const probe = new Image();
  probe.src = photo.url;
  try {
    await probe.decode();
  } catch {
    photo.problem = name + ' looks damaged: it cannot be opened as a photo. Open it in a photo editor, save it again and add it again.';
    return;
  }
  photo.width = probe.naturalWidth;
  photo.height = probe.naturalHeight;
  if (limits && ((limits.maxImagePixels && photo.width * photo.height > limits.maxImagePixels) ||
      (limits.maxImageDimension && Math.max(photo.width, photo.height) > limits.maxImageDimension))) {
    photo.problem = name + ' has too many pixels (' + photo.width + ' × ' + photo.height + '). Export it smaller: 2000 pixels wide is plenty for the web.';
  }
}

/** Photos beyond the per-post limit wait in the list, marked, and are not sent. */
async function markOverLimit() {
  const limits = await loadLimits();
  const max = limits && limits.maxImages;
  let usable = 0;
  for (const photo of photos) {
    photo.overLimit = false;
    if (photo.problem) continue;
    usable++;
    if (max && usable > max) photo.overLimit = true;
  }
}

export function problemOf(photo) {
  if (photo.problem) return photo.problem;
  if (photo.overLimit) return '“' + photo.file.name + '” is over the limit of photos per post and will not be checked. Remove another photo, or check it in a second post.';
  return null;
}

/** The photos that will be sent. */
export function sendable() {
  return photos.filter((photo) => !problemOf(photo));
}

export async function addFiles(files) {
  const added = [];
  for (const file of files) {
    if (photos.some((p) => p.file.name === file.name && p.file.size === file.size && p.file.lastModified === file.lastModified)) continue;
    const photo = { id: nextId++, file, url: URL.createObjectURL(file), type: null, width: 0, height: 0, problem: null, overLimit: false };
    photo.ready = inspect(photo);
    photos.push(photo);
    added.push(photo);
  }
  render();
  await Promise.all(added.map((p) => p.ready));
  await markOverLimit();
  render();
  const bad = added.filter((p) => problemOf(p));
  let message = plural(sendable().length, 'photo', 'photos') + ' ready to check.';
  if (bad.length) message += ' ' + plural(bad.length, 'file', 'files') + ' cannot be checked: ' + bad.map(problemOf).join(' ');
  announce(message);
}

export async function remove(photo) {
  const at = photos.indexOf(photo);
  if (at < 0) return;
  photos.splice(at, 1);
  URL.revokeObjectURL(photo.url);
  await markOverLimit();
  render();
}

/** Marks a photo the server refused, so the next check leaves it out. */
export function refuse(photo, message) {
  photo.problem = message;
  render();
}

export function clear() {
  photos.splice(0).forEach((p) => URL.revokeObjectURL(p.url));
  render();
}

export function render() {
  const list = $('file-list');
  // Re-rendering must not drop the keyboard focus of someone on a Remove button.
  const focused = list.contains(document.activeElement) ? document.activeElement.dataset.photoId : null;
  list.replaceChildren();
  photos.forEach((photo) => {
    const problem = problemOf(photo);
    const item = el('li', problem ? 'file file-bad' : 'file');
    const thumb = el('div', 'thumb');
    if (photo.type && photo.type !== 'image/tiff' && !photo.problem) {
      const img = el('img');
      img.alt = '';
      img.src = photo.url;
      thumb.append(img);
    } else {
      thumb.append(el('span', 'thumb-none', problem ? '✕' : 'No preview'));
    }
    const text = el('div', 'file-text');
    text.append(el('span', 'file-name', photo.file.name), el('span', 'file-size', ' (' + formatBytes(photo.file.size) + ')'));
    if (problem) {
      const p = el('p', 'file-problem', problem);
      p.id = 'file-problem-' + photo.id;
      text.append(p);
    }
    const removeButton = el('button', 'link-button', 'Remove');
    removeButton.type = 'button';
    removeButton.setAttribute('aria-label', 'Remove ' + photo.file.name);
    removeButton.dataset.photoId = String(photo.id);
    removeButton.addEventListener('click', async () => {
      const index = photos.indexOf(photo);
      await remove(photo);
      announce(photo.file.name + ' removed.');
      const buttons = list.querySelectorAll('button');
      (buttons[Math.min(index, buttons.length - 1)] || $('files')).focus();
    });
    item.append(thumb, text, removeButton);
    list.append(item);
    if (focused === String(photo.id)) removeButton.focus();
  });
  document.dispatchEvent(new CustomEvent('photos-changed'));
  const count = sendable().length;
  const bad = photos.length - count;
  $('files-chosen').textContent = photos.length === 0
    ? 'No photos chosen yet.'
    : plural(count, 'photo', 'photos') + ' ready to check' + (bad ? ', ' + plural(bad, 'file', 'files') + ' left out (see below).' : '.');
}

export function setUpDrop() {
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

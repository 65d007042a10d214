// Small DOM helpers. Every piece of user or API text enters the page through textContent, never innerHTML,
// so a hostile caption or file name cannot inject markup.

export const $ = (id) => document.getElementById(id);

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

let announceTimer = 0;

/** Screen readers hear progress and outcomes here; clearing first makes a repeated message heard again. */
export function announce(text) {
  const region = $('announce');
  region.textContent = '';
  window.clearTimeout(announceTimer);
  announceTimer = window.setTimeout(() => { region.textContent = text; }, 50);
}

export function formatBytes(bytes) {
  if (bytes < 1024) return bytes + ' bytes';
  if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + ' KB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

export function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}

/** "a, b and c" */
export function listText(items) {
  if (items.length <= 1) return items.join('');
  return items.slice(0, -1).join(', ') + ' and ' + items[items.length - 1];
}

/** A "Technical detail" disclosure: what a developer or the help desk needs, out of the admin's way. */
export function technicalDetail(lines) {
  const shown = lines.filter((line) => line !== undefined && line !== null && line !== '');
  if (shown.length === 0) return null;
  const details = el('details', 'tech');
  details.append(el('summary', null, 'Technical detail'));
  const list = el('ul');
  shown.forEach((line) => list.append(el('li', null, line)));
  details.append(list);
  return details;
}

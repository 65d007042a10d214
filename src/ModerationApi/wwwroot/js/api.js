// Talking to the API: the key (this tab only), the check upload with real progress and cancel, and problem details.

const KEY_STORAGE = 'kusd.moderation.apiKey';

export const apiKey = () => sessionStorage.getItem(KEY_STORAGE);
export const saveKey = (key) => sessionStorage.setItem(KEY_STORAGE, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_STORAGE);

/** Any valid key may read check records: an unknown id answers 404, a wrong key 401. */
export async function probeKey(key) {
  const response = await fetch('/v1/checks/sign-in-probe', { headers: { Authorization: 'Bearer ' + key } });
  return { status: response.status, retryAfter: retryAfterSeconds(response.headers.get('Retry-After')) };
}

export function retryAfterSeconds(header) {
  const seconds = parseInt(header || '', 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : null;
}

/**
 * POST /v1/checks through XMLHttpRequest, because fetch cannot report upload progress.
 * onProgress(sent, total) follows the bytes on the wire; the returned abort() cancels the upload or the wait.
 * Resolves to { status, body, retryAfter } or { cancelled: true } / { offline: true }.
 */
export function sendCheck(body, { onProgress, onUploaded } = {}) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve) => {
    xhr.open('POST', '/v1/checks');
    xhr.setRequestHeader('Authorization', 'Bearer ' + (apiKey() || ''));
    xhr.setRequestHeader('Accept', 'application/json');
    if (typeof body === 'string') xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.responseType = 'text';
    xhr.upload.addEventListener('progress', (e) => { if (onProgress) onProgress(e.loaded, e.lengthComputable ? e.total : 0); });
    xhr.upload.addEventListener('load', () => { if (onUploaded) onUploaded(); });
    xhr.addEventListener('load', () => {
      let parsed = null;
      try { parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { parsed = null; }
      resolve({ status: xhr.status, body: parsed, retryAfter: retryAfterSeconds(xhr.getResponseHeader('Retry-After')) });
    });
    xhr.addEventListener('abort', () => resolve({ cancelled: true }));
    xhr.addEventListener('error', () => resolve({ offline: true }));
    xhr.send(body);
  });
  return { done, abort: () => xhr.abort() };
}

/** A check of the caption alone (JSON): used to apply fixes to the text as it is now. */
export function checkCaptionOnly(caption, channel) {
  return sendCheck(JSON.stringify({ fields: [{ name: 'caption', text: caption, format: 'plain' }], channel })).done;
}

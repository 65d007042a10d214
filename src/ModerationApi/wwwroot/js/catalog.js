// What the server publishes about itself: the rule texts (GET /v1/rules) and the limits (GET /v1/limits).
// The engine owns these words and numbers; the page never keeps its own copy, so the two cannot disagree.

let rulesPromise = null;
let limitsPromise = null;

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(path + ' answered ' + response.status);
  return response.json();
}

/** A Map from rule id to { title, description, help, severity, policy, automaticFix }; empty when unavailable. */
export function loadRules() {
  rulesPromise ??= getJson('/v1/rules')
    .then((body) => new Map((Array.isArray(body.rules) ? body.rules : []).map((rule) => [rule.id, rule])))
    .catch(() => new Map());
  return rulesPromise;
}

/** The limits object of the contract, or null when it cannot be read (the server still enforces them). */
export function loadLimits() {
  limitsPromise ??= getJson('/v1/limits').catch(() => null);
  return limitsPromise;
}

// Display names of the image types; the list of accepted types itself comes from the server.
const TYPE_NAMES = {
  'image/jpeg': 'JPEG', 'image/png': 'PNG', 'image/gif': 'GIF', 'image/bmp': 'BMP', 'image/webp': 'WebP', 'image/tiff': 'TIFF'
};

export function typeName(mime) {
  return TYPE_NAMES[mime] || mime.replace(/^image\//, '').toUpperCase();
}

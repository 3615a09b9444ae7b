/** Removes secrets (passwords in URLs, credential-named fields) before anything is written. */

export const REDACTED = '***';

/** Field names whose values are always secret (case-insensitive, `_`/`-` ignored). */
const SECRET_KEYS = new Set(['password', 'passwd', 'pass', 'secret', 'token', 'auth', 'apikey']);
/** Suffixes that make a camelCase/snake_case name secret too: redisPassword, client_secret, authToken. */
const SECRET_SUFFIXES = ['password', 'secret', 'token'];

// scheme://user:password@host and scheme://:password@host; the password may hold '@' (greedy to the last '@' before '/').
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s/]*)@/gi;
// ...?password=x&token=y
const URL_QUERY_SECRET = /([?&;](?:password|passwd|pass|secret|token|auth|api[_-]?key)=)[^&;#\s]*/gi;

/** True when a field of this name holds a secret. */
export function isSecretKey(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[_-]/g, '');
  return SECRET_KEYS.has(normalized) || SECRET_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
}

/** Masks the password of every URL in a piece of text. */
export function redactText(text: string): string {
  return text
    .replace(URL_USERINFO, (_match, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(URL_QUERY_SECRET, `$1${REDACTED}`);
}

/** Deep copy of plain data with URL passwords masked in every string and credential-named fields replaced by '***'. */
export function redactSecrets<T>(value: T): T {
  return copy(value, new WeakMap()) as T;
}

function copy(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    seen.set(value, items);
    for (const item of value) items.push(copy(item, seen));
    return items;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  // Dates, Maps, class instances: not plain data, nothing in them to redact by name
  if (prototype !== Object.prototype && prototype !== null) return value;
  const fields: Record<string, unknown> = {};
  seen.set(value, fields);
  for (const [key, field] of Object.entries(value)) {
    fields[key] = isSecretKey(key) && field !== undefined && field !== null ? REDACTED : copy(field, seen);
  }
  return fields;
}

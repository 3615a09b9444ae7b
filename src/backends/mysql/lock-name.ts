import { createHash } from 'node:crypto';

/** MySQL's limit on a GET_LOCK name, in characters (MariaDB allows more; one rule for both). */
export const MAX_LOCK_NAME = 64;

/** How much of a long key stays readable in front of its hash. */
const READABLE_PREFIX = 20;

/**
 * The GET_LOCK name of a lock key. Keys of up to 64 characters are used as
 * they are; longer keys become a stable 64-character name: their first 20
 * characters, `#`, and the base64url SHA-256 of the whole key (43 characters).
 * The same key always maps to the same name, in every worker and every run, so
 * a long key still names one lock and one fence counter; two long keys share a
 * name only on a SHA-256 collision.
 */
export function lockName(key: string): string {
  if (key.length <= MAX_LOCK_NAME) return key;
  // never split a surrogate pair: a lone half would not survive UTF-8 encoding
  const cut = isHighSurrogate(key.charCodeAt(READABLE_PREFIX - 1)) ? READABLE_PREFIX - 1 : READABLE_PREFIX;
  return `${key.slice(0, cut)}#${createHash('sha256').update(key).digest('base64url')}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

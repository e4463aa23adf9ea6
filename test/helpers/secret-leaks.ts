/** A secret a test file used, and what it is (named in a failure, never shown). */
export interface Secret {
  kind: string;
  value: string;
}

export interface Leak {
  kind: string;
  /** `log` or `admin <METHOD> <path>`. */
  where: string;
  /** The first characters only: a failure report must not leak the secret again. */
  masked: string;
}

export interface CapturedText {
  where: string;
  text: string;
}

/** Shorter values are not secrets worth the false positives (ids, counters, mch_ids). */
export const MIN_SECRET_CHARS = 12;

/** Runs of characters a secret can consist of (base64, base64url, hex, `@@@`, %-escapes). */
const CANDIDATE_RUN = /[A-Za-z0-9+/=_\-@%.~!*]{12,}/g;

/**
 * Every secret found in the captured texts, verbatim or %-encoded. Texts are split into runs of
 * secret-like characters and each run is probed by a 12-character prefix index, so thousands of
 * secrets against megabytes of logs stay cheap.
 */
export function findLeaks(texts: CapturedText[], secrets: Secret[]): Leak[] {
  const byPrefix = new Map<string, { kind: string; form: string; value: string }[]>();
  for (const { kind, value } of secrets) {
    if (value.length < MIN_SECRET_CHARS) continue;
    for (const form of new Set([value, encodeURIComponent(value)])) {
      const prefix = form.slice(0, MIN_SECRET_CHARS);
      const list = byPrefix.get(prefix) ?? [];
      list.push({ kind, form, value });
      byPrefix.set(prefix, list);
    }
  }
  const leaks = new Map<string, Leak>();
  for (const { where, text } of texts) {
    for (const run of text.matchAll(CANDIDATE_RUN)) {
      const chars = run[0];
      for (let i = 0; i + MIN_SECRET_CHARS <= chars.length; i++) {
        const candidates = byPrefix.get(chars.slice(i, i + MIN_SECRET_CHARS));
        if (!candidates) continue;
        for (const candidate of candidates) {
          if (!chars.startsWith(candidate.form, i)) continue;
          const key = `${candidate.kind}|${where}|${candidate.value}`;
          if (!leaks.has(key)) leaks.set(key, { kind: candidate.kind, where, masked: `${candidate.value.slice(0, 4)}…(${candidate.value.length} chars)` });
        }
      }
    }
  }
  return [...leaks.values()];
}

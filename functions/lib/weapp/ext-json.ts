import { BadRequestError } from '../errors';

/** WeChat rejects oversized ext_json; this keeps requests sane before it gets there. */
export const MAX_EXT_JSON_BYTES = 64 * 1024;

export type JsonObject = { [key: string]: unknown };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key, recursively; anything else in `override` replaces `base`. */
export function deepMerge(base: JsonObject, override: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = isObject(value) && isObject(out[key]) ? deepMerge(out[key] as JsonObject, value) : value;
  }
  return out;
}

/**
 * The `ext_json` string for one app: a shared base (template-wide settings) with that app's
 * own values merged over it, and `extAppid` always the app itself — so one template serves
 * every merchant with their own configuration.
 */
export function buildExtJson(appId: string, base: JsonObject = {}, perApp: JsonObject = {}): string {
  const merged = deepMerge(deepMerge({ extEnable: true }, base), perApp);
  if (merged.extAppid !== undefined && merged.extAppid !== appId) {
    throw new BadRequestError(`extAppid must be the app itself (${appId}), not ${String(merged.extAppid)}`, 'invalid_ext_json');
  }
  merged.extAppid = appId;
  const text = JSON.stringify(merged);
  if (Buffer.byteLength(text) > MAX_EXT_JSON_BYTES) throw new BadRequestError(`ext_json over ${MAX_EXT_JSON_BYTES} bytes`, 'invalid_ext_json');
  return text;
}

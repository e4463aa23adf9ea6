/**
 * Stands in for the `is-unsafe` package in Lambda bundles (infra/bundling.ts `alias`).
 *
 * fast-xml-parser (lib/wechat/xml.ts, the callbacks' push parsing) imports is-unsafe for one
 * thing: screening the values of entities a document's own DTD declares, when entity processing
 * is on. is-unsafe's index labels all nine of its contexts (SQL, shell, NoSQL, log, …) as it
 * loads, so all of them were bundled: 17 KB at both callbacks' init. Nothing here reaches that
 * screening: parseWeChatXml refuses any DTD before parsing and turns entity processing off.
 * Should anything ever reach it, it fails loudly (the parse fails) instead of letting an entity through.
 */
export const HTML: readonly never[] = [];
export const XML: readonly never[] = [];

export function isUnsafe(): boolean {
  throw new Error('is-unsafe is not bundled into Lambda functions: parse XML without a DTD and with entity processing off (lib/wechat/xml.ts)');
}

/**
 * Stands in for the `form-data` package in Lambda bundles (infra/bundling.ts `alias`).
 *
 * axios' Node build imports `form-data` (and through it mime-types and mime-db, ~150 KB) only
 * to turn a plain object into multipart when asked to. Nothing here asks: the one multipart
 * call (WeChatClient's file upload) hands axios a standard `FormData`, which axios streams
 * itself. Should anything ever take the other path, it fails loudly instead of sending a
 * wrong body.
 */
export default class FormDataNotBundled {
  constructor() {
    throw new Error('form-data is not bundled into Lambda functions: pass a standard FormData to axios instead of a plain object');
  }
}

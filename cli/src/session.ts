import { adminApi, call, type AdminApi } from './api';
import { resolveConnection } from './config';

/** An authenticated admin API for one command: the URL (for messages), the client and `call`. */
export interface Session {
  url: string;
  api: AdminApi;
  call<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T>;
}

export async function openSession(): Promise<Session> {
  const connection = resolveConnection();
  // Cognito tokens expire within the hour: refreshed (and saved) before use. Loaded only then
  // (a require: the launcher registers tsx for require only), so token mode never loads the SDK.
  const token = connection.auth.kind === 'token'
    ? connection.auth.token
    : await (require('./cognito') as typeof import('./cognito')).freshAccessToken(connection.url, connection.auth); // eslint-disable-line @typescript-eslint/no-require-imports
  const api = adminApi(connection.url, token);
  return { url: connection.url, api, call: (request) => call(connection.url, request) };
}

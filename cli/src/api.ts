import createClient, { type Client } from 'openapi-fetch';
import { z } from 'zod';
import type { paths } from '../../console/src/api/schema';
import { CliError, EXIT } from './errors';

/**
 * The admin API, typed from the OpenAPI document it serves (the console's generated
 * `schema.d.ts`): a changed route fails this package's type check as it fails the console's.
 */
export type AdminApi = Client<paths>;

/** Shapes named from the generated schema, as the console names them. */
export type { AuthorizerSummary, ComponentStatus, Health, ReleaseProgress, ReleaseTarget, StartReleaseBody, TargetState } from '../../console/src/api/types';

export function adminApi(url: string, token: string): AdminApi {
  return createClient<paths>({ baseUrl: url, headers: { authorization: `Bearer ${token}` } });
}

const ErrorBody = z.object({ code: z.string().optional(), message: z.string() });

/**
 * The data of a call, or a CliError with the exit code its failure means: the API's own
 * `message (code)` for a refusal, one line naming the URL when it cannot be reached.
 */
export async function call<T>(url: string, request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await request;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, EXIT.unreachableOrUnauthorized);
  }
  const { response } = result;
  if (response.ok && result.error === undefined) return result.data as T;
  const body = ErrorBody.safeParse(result.error);
  const text = body.success ? `${body.data.message}${body.data.code ? ` (${body.data.code})` : ''}` : `${response.status} ${response.statusText}`.trim();
  if (response.status === 401 || response.status === 403) {
    throw new CliError(`${url} refused the credentials: ${text}; run weapp-fleet login again or check WEAPP_FLEET_TOKEN`, EXIT.unreachableOrUnauthorized);
  }
  if (response.status >= 500) throw new CliError(`the API failed (${response.status}): ${text}`, EXIT.unreachableOrUnauthorized);
  throw new CliError(text, EXIT.badInput);
}

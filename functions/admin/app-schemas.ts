import * as z from 'zod';

/**
 * Schemas several admin contracts share. Their own module because a contract module is bundled
 * whole (its route table is built at load): a contract that needs only an AppID would otherwise
 * put every route of the one it borrows from into its function's cold start.
 */
export const AppId = z.string().regex(/^wx[0-9a-f]{16}$/i, 'appId must be a WeChat AppID (wx + 16 hex digits)');
/** Path parameters of every `/admin/authorizers/{appId}…` route. */
export const AppParams = z.object({ appId: AppId });
export const JsonObject = z.record(z.string(), z.unknown());

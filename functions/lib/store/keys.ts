/**
 * Every single-table key in one place. Component items are keyed by component appid so one
 * deployment can serve several platform accounts without one overwriting another.
 */
export type ItemKey = { pk: string; sk: string };

/** Expiry as a sortable string: zero-padded epoch milliseconds. */
export function sortableTime(epochMs: number): string {
  return String(Math.max(0, Math.floor(epochMs))).padStart(15, '0');
}

/** An item as its record: without the table's key and index attributes and its item type. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, type: _type, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, ...record } = item;
  return record as T;
}

export const keys = {
  verifyTicket: (componentAppId: string): ItemKey => ({ pk: `COMPONENT#${componentAppId}`, sk: 'TICKET' }),
  componentToken: (componentAppId: string): ItemKey => ({ pk: `COMPONENT#${componentAppId}`, sk: 'TOKEN' }),
  refresherStatus: (componentAppId: string): ItemKey => ({ pk: `COMPONENT#${componentAppId}`, sk: 'REFRESHER' }),
  authorizerPartition: (appId: string): string => `AUTHORIZER#${appId}`,
  authorizerProfile: (appId: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: 'PROFILE' }),
  authorizerToken: (appId: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: 'TOKEN' }),
  authorizerHistory: (appId: string, at: string, id: string): ItemKey => ({ pk: `AUTHORIZER#${appId}`, sk: `HISTORY#${at}#${id}` }),
  /** gsi1: authorizers of one component, sorted by status then appid. */
  authorizersIndex: (componentAppId: string, status: string, appId: string) => ({
    gsi1pk: `AUTHORIZERS#${componentAppId}`,
    gsi1sk: `${status}#${appId}`,
  }),
  /** gsi1: live authorizer tokens of one component, sorted by expiry (sparse: only refreshable tokens). */
  tokenExpiryIndex: (componentAppId: string, expiresAt: number, appId: string) => ({
    gsi1pk: `TOKEN_EXPIRY#${componentAppId}`,
    gsi1sk: `${sortableTime(expiresAt)}#${appId}`,
  }),
} as const;

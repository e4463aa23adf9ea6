import { randomBytes } from 'node:crypto';
import { keys, type ItemKey } from './keys';

/**
 * The history item kind of an authorizer's partition: one entry per change of status, written
 * only in the same transaction as the change (authorizer-status-store.ts) and read with the
 * profile (authorizer-profile-store.ts `getDetail`).
 */
export type HistoryEvent =
  | 'authorized'
  | 'reauthorized'
  | 'updateauthorized'
  | 'unauthorized'
  | 'reauthorization_required'
  | 'refresh_token_replaced'
  | 'sync_added'
  | 'sync_removed';

export interface HistoryEntry {
  at: string;
  event: HistoryEvent;
  source: 'redirect' | 'push' | 'sync' | 'refresher' | 'admin';
  funcInfo?: number[];
  detail?: string;
}

/** A new entry as a transaction item; the random suffix keeps two entries of the same millisecond apart. */
export function historyPut(tableName: string, appId: string, entry: HistoryEntry): { TableName: string; Item: ItemKey & Record<string, unknown> } {
  return {
    TableName: tableName,
    Item: { ...keys.authorizerHistory(appId, entry.at, randomBytes(3).toString('hex')), type: 'AuthorizerHistory', appId, ...entry },
  };
}

/** A history item as its entry. */
export function toHistoryEntry(item: Record<string, unknown>): HistoryEntry {
  return { at: String(item.at), event: item.event as HistoryEvent, source: item.source as HistoryEntry['source'], ...(item.funcInfo ? { funcInfo: item.funcInfo as number[] } : {}), ...(item.detail ? { detail: String(item.detail) } : {}) };
}

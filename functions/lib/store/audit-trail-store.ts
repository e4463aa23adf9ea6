import { PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { BadRequestError } from '../errors';
import { decodeCursor, encodeCursor } from './cursor';
import { keys, withoutKeys, type ItemKey } from './keys';
import { TABLE_SCHEMA } from './table-schema';
import type { Role } from '../http/roles';

/**
 * How long a record is kept: over a year (security reviews look back twelve months), with
 * a month's margin because DynamoDB deletes expired items only within a few days of expiry.
 */
export const AUDIT_TRAIL_RETENTION_DAYS = 400;

/** One mutating admin request: who, when, what, on which app or release, and how it ended. */
export interface AuditTrailRecord {
  /** When API Gateway received the request (ISO 8601). */
  at: string;
  /** API Gateway's request id (`requestContext.requestId`, the `apigw-requestid` header). */
  requestId: string;
  /** The caller's name: the JWT's `cognito:username` (or `username`), else its `sub`. */
  actor: string;
  /** The JWT's `sub`, when it has one. */
  actorSub?: string;
  /** The caller's role when it made the request; absent for a caller in no role group. */
  role?: Role;
  method: string;
  /** The route template, e.g. `POST /admin/releases/{releaseId}/approve`. */
  route: string;
  appId?: string;
  releaseId?: string;
  /** The other path parameters (template id, registration id, tester). */
  params?: Record<string, string>;
  /** The HTTP status answered. */
  status: number;
  /** The answer's `code` when the status is 4xx or 5xx. */
  errorCode?: string;
  sourceIp?: string;
}

export interface AuditTrailQuery {
  appId?: string;
  actor?: string;
  releaseId?: string;
  limit: number;
  cursor?: string;
}

export interface AuditTrailPage {
  /** Newest first. */
  items: AuditTrailRecord[];
  nextCursor?: string;
}

/** The admin audit trail: append-only, listed newest first, filtered by app, release or actor. */
export interface AuditTrailStore {
  record(entry: AuditTrailRecord, options?: { abortSignal?: AbortSignal }): Promise<void>;
  list(query: AuditTrailQuery): Promise<AuditTrailPage>;
}

/** A filtered page may need several reads; past this many it answers what it has and a cursor. */
const MAX_READS_PER_PAGE = 10;

const COPY_FIELDS = ['appId', 'releaseId', 'actor'] as const;

export class DynamoAuditTrailStore implements AuditTrailStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The record, plus a copy in the partition of its app and of its release (the filters read
   * those), written together so a listing never sees one without the other.
   */
  async record(entry: AuditTrailRecord, { abortSignal }: { abortSignal?: AbortSignal } = {}): Promise<void> {
    const ttl = Math.floor(Date.parse(entry.at) / 1000) + AUDIT_TRAIL_RETENTION_DAYS * 24 * 3600;
    const main = { ...keys.auditTrail(entry.at, entry.requestId), ...keys.auditTrailActorIndex(entry.actor, entry.at, entry.requestId), type: 'AuditTrail', ...entry, [TABLE_SCHEMA.ttlAttribute]: ttl };
    const copies: ItemKey[] = [
      ...(entry.appId ? [keys.auditTrailOf('APP', entry.appId, entry.at, entry.requestId)] : []),
      ...(entry.releaseId ? [keys.auditTrailOf('RELEASE', entry.releaseId, entry.at, entry.requestId)] : []),
    ];
    if (!copies.length) {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: main }), { abortSignal });
      return;
    }
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: main } },
          ...copies.map((key) => ({ Put: { TableName: this.tableName, Item: { ...key, type: 'AuditTrailCopy', ...entry, [TABLE_SCHEMA.ttlAttribute]: ttl } } })),
        ],
      }),
      { abortSignal },
    );
  }

  /**
   * Newest first. The most selective filter picks the partition (release, then app, then
   * actor through gsi1, else the whole trail); any other filter is a condition on that query.
   */
  async list({ appId, actor, releaseId, limit, cursor }: AuditTrailQuery): Promise<AuditTrailPage> {
    const partition = releaseId
      ? { key: 'pk', value: keys.auditTrailOf('RELEASE', releaseId, '', '').pk, by: 'releaseId' as const }
      : appId
        ? { key: 'pk', value: keys.auditTrailOf('APP', appId, '', '').pk, by: 'appId' as const }
        : actor
          ? { key: 'gsi1pk', value: keys.auditTrailActorIndex(actor, '', '').gsi1pk, by: 'actor' as const }
          : { key: 'pk', value: keys.auditTrail('', '').pk, by: undefined };
    const filters = { appId, actor, releaseId };
    const conditions = COPY_FIELDS.filter((field) => field !== partition.by && filters[field] !== undefined);
    let startKey = decodeCursor(cursor);
    const keyNames = partition.key === 'gsi1pk' ? ['gsi1pk', 'gsi1sk', 'pk', 'sk'] : ['pk', 'sk'];
    if (startKey && (startKey[partition.key] !== partition.value || Object.keys(startKey).sort().join() !== [...keyNames].sort().join())) {
      throw new BadRequestError('cursor belongs to another filter; start again without it', 'invalid_cursor');
    }
    const items: AuditTrailRecord[] = [];
    for (let reads = 0; reads < MAX_READS_PER_PAGE && items.length < limit; reads++) {
      const input: QueryCommandInput = {
        TableName: this.tableName,
        ...(partition.key === 'gsi1pk' ? { IndexName: 'gsi1' } : {}),
        KeyConditionExpression: '#p = :p',
        ScanIndexForward: false,
        // Limit counts the items read before the filter: never read past the last one returned,
        // so the LastEvaluatedKey is exactly where the next page starts.
        Limit: limit - items.length,
        ExclusiveStartKey: startKey,
        ExpressionAttributeNames: { '#p': partition.key, ...Object.fromEntries(conditions.map((field) => [`#${field}`, field])) },
        ExpressionAttributeValues: { ':p': partition.value, ...Object.fromEntries(conditions.map((field) => [`:${field}`, filters[field]])) },
        ...(conditions.length ? { FilterExpression: conditions.map((field) => `#${field} = :${field}`).join(' AND ') } : {}),
      };
      const page = await this.db.send(new QueryCommand(input));
      items.push(...(page.Items ?? []).map(toRecord));
      startKey = page.LastEvaluatedKey as Record<string, string> | undefined;
      if (!startKey) break;
    }
    return { items, ...(startKey ? { nextCursor: encodeCursor(startKey) } : {}) };
  }
}

function toRecord(item: Record<string, unknown>): AuditTrailRecord {
  const { [TABLE_SCHEMA.ttlAttribute]: _ttl, ...record } = withoutKeys<Record<string, unknown>>(item);
  return record as unknown as AuditTrailRecord;
}

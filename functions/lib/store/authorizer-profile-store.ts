import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, paginateQuery, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor } from './cursor';
import { toHistoryEntry, type HistoryEntry } from './authorizer-history';
import { tokenTimes } from './authorizer-token-store';
import { keys, SK } from './keys';

export const AUTHORIZER_STATUSES = ['authorized', 'unauthorized', 'reauthorization_required'] as const;
export type AuthorizerStatus = (typeof AUTHORIZER_STATUSES)[number];

export interface MiniProgramDetails {
  network: Record<string, string[]>;
  categories: { first: string; second: string }[];
  visitStatus?: number;
}

/** What the registry knows of one authorizer (never its tokens). */
export interface AuthorizerProfile {
  appId: string;
  componentAppId: string;
  status: AuthorizerStatus;
  statusReason?: string;
  funcInfo: number[];
  nickname?: string;
  headImg?: string;
  principalName?: string;
  userName?: string;
  signature?: string;
  serviceTypeId?: number;
  verifyTypeId?: number;
  miniProgram?: MiniProgramDetails;
  /** First authorization, ISO-8601. */
  authorizedAt?: string;
  lastAuthorizedAt?: string;
  updatedAt: string;
}

export type ProfileDetails = Pick<
  AuthorizerProfile,
  'nickname' | 'headImg' | 'principalName' | 'userName' | 'signature' | 'serviceTypeId' | 'verifyTypeId' | 'miniProgram' | 'funcInfo'
>;

export interface AuthorizerDetail {
  profile: AuthorizerProfile;
  token: { expiresAt: string; refreshedAt?: string } | null;
  history: HistoryEntry[];
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * The registry of authorizers: profiles, found by appid or listed per component and status.
 * Status is changed only through authorizer-status-store.ts.
 */
export interface AuthorizerProfileStore {
  getProfile(appId: string): Promise<AuthorizerProfile | undefined>;
  /** Profile details from `api_get_authorizer_info`; status is left alone, an unknown appid ignored. */
  updateProfileDetails(appId: string, details: Partial<ProfileDetails>, now: number): Promise<void>;
  /** Profile, token metadata and history, read together. */
  getDetail(appId: string): Promise<AuthorizerDetail | undefined>;
  /** Authorizers of a component, optionally of one status, a page at a time. */
  list(componentAppId: string, query: { status?: AuthorizerStatus; limit: number; cursor?: string }): Promise<Page<AuthorizerProfile>>;
  countByStatus(componentAppId: string, status: AuthorizerStatus): Promise<number>;
  /** Every authorizer of a component (all pages). */
  listAll(componentAppId: string): Promise<AuthorizerProfile[]>;
}

const PROFILE_FIELDS = new Set<string>([
  'appId', 'componentAppId', 'status', 'statusReason', 'funcInfo', 'nickname', 'headImg', 'principalName', 'userName',
  'signature', 'serviceTypeId', 'verifyTypeId', 'miniProgram', 'authorizedAt', 'lastAuthorizedAt', 'updatedAt',
]);

export class DynamoAuthorizerProfileStore implements AuthorizerProfileStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getProfile(appId: string): Promise<AuthorizerProfile | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.authorizerProfile(appId), ConsistentRead: true }));
    return Item ? toProfile(Item) : undefined;
  }

  async updateProfileDetails(appId: string, details: Partial<ProfileDetails>, now: number): Promise<void> {
    const entries = Object.entries({ ...details, updatedAt: new Date(now).toISOString() }).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.authorizerProfile(appId),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** One query of the authorizer's partition. */
  async getDetail(appId: string): Promise<AuthorizerDetail | undefined> {
    const items: Record<string, unknown>[] = [];
    const pages = paginateQuery(
      { client: this.db },
      { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.authorizerPartition(appId) }, ConsistentRead: true },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    const profileItem = items.find((i) => i.sk === SK.authorizerProfile);
    if (!profileItem) return undefined;
    const tokenItem = items.find((i) => i.sk === SK.authorizerToken);
    const token = tokenItem && tokenTimes(tokenItem);
    return {
      profile: toProfile(profileItem),
      token: token && token.expiresAt > 0 ? { expiresAt: new Date(token.expiresAt).toISOString(), ...(token.refreshedAt ? { refreshedAt: new Date(token.refreshedAt).toISOString() } : {}) } : null,
      history: items
        .filter((i) => String(i.sk).startsWith(SK.authorizerHistory))
        .map(toHistoryEntry)
        .reverse(),
    };
  }

  async list(componentAppId: string, { status, limit, cursor }: { status?: AuthorizerStatus; limit: number; cursor?: string }): Promise<Page<AuthorizerProfile>> {
    const { gsi1pk } = keys.authorizersIndex(componentAppId, '', '');
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: status ? 'gsi1pk = :pk AND begins_with(gsi1sk, :status)' : 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk, ...(status ? { ':status': `${status}#` } : {}) },
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    return {
      items: (page.Items ?? []).map(toProfile),
      ...(page.LastEvaluatedKey ? { nextCursor: encodeCursor(page.LastEvaluatedKey) } : {}),
    };
  }

  /** A key-condition query on gsi1, not a scan. */
  async countByStatus(componentAppId: string, status: AuthorizerStatus): Promise<number> {
    const { gsi1pk } = keys.authorizersIndex(componentAppId, '', '');
    let count = 0;
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :status)',
        ExpressionAttributeValues: { ':pk': gsi1pk, ':status': `${status}#` },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  }

  async listAll(componentAppId: string): Promise<AuthorizerProfile[]> {
    const all: AuthorizerProfile[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(componentAppId, { limit: 1000, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  }
}

/**
 * The profile's part of a change of status, as a transaction item: creates the profile when
 * it is new, moves it in the status index, and stamps the authorization times when it is one.
 */
export function statusUpdate(
  tableName: string,
  appId: string,
  componentAppId: string,
  status: AuthorizerStatus,
  at: string,
  { funcInfo, authorized, reason }: { funcInfo?: number[]; authorized?: boolean; reason?: string },
) {
  const index = keys.authorizersIndex(componentAppId, status, appId);
  const sets = ['appId = :appId', 'componentAppId = :componentAppId', '#status = :status', 'updatedAt = :at', 'gsi1pk = :gsi1pk', 'gsi1sk = :gsi1sk', '#type = :type'];
  const values: Record<string, unknown> = { ':appId': appId, ':componentAppId': componentAppId, ':status': status, ':at': at, ':gsi1pk': index.gsi1pk, ':gsi1sk': index.gsi1sk, ':type': 'Authorizer' };
  if (funcInfo) {
    sets.push('funcInfo = :funcInfo');
    values[':funcInfo'] = funcInfo;
  } else {
    sets.push('funcInfo = if_not_exists(funcInfo, :noFuncInfo)');
    values[':noFuncInfo'] = [];
  }
  if (authorized) sets.push('authorizedAt = if_not_exists(authorizedAt, :at)', 'lastAuthorizedAt = :at');
  if (reason) {
    sets.push('statusReason = :reason');
    values[':reason'] = reason;
  }
  return {
    TableName: tableName,
    Key: keys.authorizerProfile(appId),
    UpdateExpression: `SET ${sets.join(', ')}${reason ? '' : ' REMOVE statusReason'}`,
    ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
    ExpressionAttributeValues: values,
  };
}

function toProfile(item: Record<string, unknown>): AuthorizerProfile {
  return Object.fromEntries(Object.entries(item).filter(([name]) => PROFILE_FIELDS.has(name))) as unknown as AuthorizerProfile;
}

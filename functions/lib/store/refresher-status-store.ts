import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, withoutKeys } from './keys';

/** The outcome of the scheduled refresher's last run, for the admin API and health checks. */
export interface RefresherRun {
  startedAt: string;
  durationMs: number;
  outcome: 'ok' | 'partial' | 'failed';
  ticket: 'fresh' | 'missing' | 'stale';
  component: 'fresh' | 'refreshed' | 'no_ticket' | 'failed';
  /** `deferred`: due tokens this run left for the next (its time budget ran out first); soonest-expiring go first. */
  authorizers: { due: number; refreshed: number; repaired: number; failed: number; reauthorizationRequired: number; unauthorized: number; deferred?: number };
  error?: string;
}

export interface RefresherStatusStore {
  save(componentAppId: string, run: RefresherRun): Promise<void>;
  get(componentAppId: string): Promise<RefresherRun | undefined>;
}

export class DynamoRefresherStatusStore implements RefresherStatusStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async save(componentAppId: string, run: RefresherRun): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.refresherStatus(componentAppId), type: 'RefresherRun', ...run } }));
  }

  async get(componentAppId: string): Promise<RefresherRun | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.refresherStatus(componentAppId) }));
    if (!Item) return undefined;
    return withoutKeys<RefresherRun>(Item);
  }
}

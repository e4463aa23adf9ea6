import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, paginateQuery, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { assertAllowed, TARGET_STATES, type TargetState } from '../release/target-lifecycle';
import type { PrivacyTemplate } from '../weapp/privacy';
import { withoutKeys } from './keys';

// Importers that only need the states read them here too; the lifecycle module is their home.
export { TARGET_STATES, type TargetState };

export type ReleaseStatus = 'running' | 'succeeded' | 'completed_with_failures' | 'cancelled';

export interface ReleaseOptions {
  autoRelease: boolean;
  maxConcurrency: number;
  domains?: Record<string, string[]>;
  webviewDomains?: string[];
  extJsonBase?: Record<string, unknown>;
  extJsonOverrides?: Record<string, Record<string, unknown>>;
  testers?: string[];
  /** Keep each app's trial-version QR code after commit (for testers to scan). */
  trialQrcode?: boolean;
  /** Below 100: each app goes live through `grayrelease` to this share of its users instead of `release`. */
  grayPercentage?: number;
  /** Target waves in order; all but the last must be released in full before the next starts. */
  waves?: string[][];
  /** A privacy guide set on every target (development version) after its commit, before its audit. */
  privacy?: PrivacyTemplate;
}

export interface ReleaseRecord {
  releaseId: string;
  templateId: string;
  userVersion: string;
  userDesc: string;
  createdBy: string;
  createdAt: string;
  status: ReleaseStatus;
  executionArn?: string;
  options: ReleaseOptions;
  total: number;
  counts: Record<TargetState, number>;
  finishedAt?: string;
  /** A gray release: the share of users its gray-released apps were last widened to, and when the rollout was completed. */
  gray?: ReleaseGray;
}

export interface ReleaseGray {
  percentage: number;
  at: string;
  completedAt?: string;
}

/** Where one app's gray release stands: its current share, and the last widen or complete WeChat refused. */
export interface TargetGray {
  percentage: number;
  at: string;
  error?: { action: 'widen' | 'complete'; reason: string; errcode?: number; at: string };
}

export interface TargetRecord {
  releaseId: string;
  appId: string;
  state: TargetState;
  auditId?: string;
  failure?: { step: string; reason: string; errcode?: number };
  /** Where the trial-version QR code kept after commit is served. */
  trialQrcode?: string;
  /** Outcome of a rollback attempt on an app this release put live. */
  rollback?: { at: string; ok: boolean; reason?: string; errcode?: number };
  gray?: TargetGray;
  updatedAt: string;
  history: { at: string; state: TargetState; detail?: string }[];
}

const key = {
  release: (releaseId: string) => ({ pk: `RELEASE#${releaseId}`, sk: 'META' }),
  target: (releaseId: string, appId: string) => ({ pk: `RELEASE#${releaseId}`, sk: `TARGET#${appId}` }),
  auditWait: (appId: string) => ({ pk: `AUTHORIZER#${appId}`, sk: 'PIPELINE#AUDIT_WAIT' }),
  /** One item per running release, so the running ones are found however many releases came after them. */
  running: (releaseId: string) => ({ pk: 'RELEASES#RUNNING', sk: releaseId }),
};

const zeroCounts = (): Record<TargetState, number> => Object.fromEntries(TARGET_STATES.map((s) => [s, 0])) as Record<TargetState, number>;

/**
 * Releases and their targets. A target's move from one state to another updates the target
 * (conditioned on its current state) and the release's counters in one transaction, so the
 * counts stay exact however many steps run at once.
 */
export class ReleaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(release: Omit<ReleaseRecord, 'counts' | 'status' | 'total'>, appIds: string[]): Promise<ReleaseRecord> {
    const counts = zeroCounts();
    counts.pending = appIds.length;
    const record: ReleaseRecord = { ...release, status: 'running', total: appIds.length, counts };
    await this.markRunning(release.releaseId);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key.release(release.releaseId), type: 'Release', gsi1pk: 'RELEASES', gsi1sk: `${release.createdAt}#${release.releaseId}`, ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    for (let i = 0; i < appIds.length; i += 25) {
      const items = appIds.slice(i, i + 25).map((appId) => ({
        PutRequest: {
          Item: { ...key.target(release.releaseId, appId), type: 'ReleaseTarget', releaseId: release.releaseId, appId, state: 'pending', updatedAt: release.createdAt, history: [{ at: release.createdAt, state: 'pending' }] },
        },
      }));
      let request: Record<string, typeof items> | undefined = { [this.tableName]: items };
      while (request && Object.keys(request).length) {
        const { UnprocessedItems } = await this.db.send(new BatchWriteCommand({ RequestItems: request }));
        request = UnprocessedItems as typeof request;
      }
    }
    return record;
  }

  async setExecution(releaseId: string, executionArn: string): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: key.release(releaseId), UpdateExpression: 'SET executionArn = :arn', ExpressionAttributeValues: { ':arn': executionArn } }));
  }

  async get(releaseId: string): Promise<ReleaseRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key.release(releaseId), ConsistentRead: true }));
    return Item ? withoutKeys<ReleaseRecord>(Item) : undefined;
  }

  async list(limit: number): Promise<ReleaseRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'RELEASES' }, ScanIndexForward: false, Limit: limit }),
    );
    return Items.map((i) => withoutKeys<ReleaseRecord>(i));
  }

  /**
   * Every running release, newest first, through the running markers: a key query and
   * consistent batch reads, however many releases came after them. A marker that a finish
   * interrupted between its two writes left behind is skipped and removed.
   */
  async running(): Promise<ReleaseRecord[]> {
    const releaseIds: string[] = [];
    const pages = paginateQuery({ client: this.db }, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': key.running('').pk }, ConsistentRead: true });
    for await (const page of pages) releaseIds.push(...(page.Items ?? []).map((i) => String(i.sk)));
    const records: ReleaseRecord[] = [];
    for (let i = 0; i < releaseIds.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
        [this.tableName]: { Keys: releaseIds.slice(i, i + 100).map((id) => key.release(id)), ConsistentRead: true },
      };
      while (request && Object.keys(request).length) {
        const { Responses, UnprocessedKeys } = await this.db.send(new BatchGetCommand({ RequestItems: request }));
        records.push(...(Responses?.[this.tableName] ?? []).map((item) => withoutKeys<ReleaseRecord>(item)));
        request = UnprocessedKeys as typeof request;
      }
    }
    const running = new Set(records.filter((r) => r.status === 'running').map((r) => r.releaseId));
    await Promise.all(releaseIds.filter((id) => !running.has(id)).map((id) => this.unmarkRunning(id)));
    return records.filter((r) => running.has(r.releaseId)).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async getTarget(releaseId: string, appId: string): Promise<TargetRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key.target(releaseId, appId), ConsistentRead: true }));
    return Item ? withoutKeys<TargetRecord>(Item) : undefined;
  }

  async targets(releaseId: string, { state, limit = 1000, cursor }: { state?: TargetState; limit?: number; cursor?: string } = {}): Promise<{ items: TargetRecord[]; nextCursor?: string }> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ...(state ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } } : {}),
        ExpressionAttributeValues: { ':pk': `RELEASE#${releaseId}`, ':prefix': 'TARGET#', ...(state ? { ':state': state } : {}) },
        Limit: limit,
        ConsistentRead: true,
        ...(cursor ? { ExclusiveStartKey: { pk: `RELEASE#${releaseId}`, sk: `TARGET#${cursor}` } } : {}),
      }),
    );
    const items = (page.Items ?? []).map((i) => withoutKeys<TargetRecord>(i));
    const last = page.LastEvaluatedKey?.sk;
    return { items, ...(typeof last === 'string' ? { nextCursor: last.slice('TARGET#'.length) } : {}) };
  }

  /** Every target of a release (all pages), optionally only those in `state`. */
  async allTargets(releaseId: string, state?: TargetState): Promise<TargetRecord[]> {
    const items: TargetRecord[] = [];
    const pages = paginateQuery(
      { client: this.db },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ...(state ? { FilterExpression: '#state = :state', ExpressionAttributeNames: { '#state': 'state' } } : {}),
        ExpressionAttributeValues: { ':pk': `RELEASE#${releaseId}`, ':prefix': 'TARGET#', ...(state ? { ':state': state } : {}) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []).map((i) => withoutKeys<TargetRecord>(i)));
    return items;
  }

  /**
   * Moves a target from one of `from` to `to`, with the release counters, atomically. Returns
   * false when the target is not in any of `from` (a step re-run after a crash, or a cancel);
   * throws IllegalTransitionError for a move the target lifecycle does not allow.
   */
  async transition(
    releaseId: string,
    appId: string,
    from: readonly TargetState[],
    to: TargetState,
    extra: { auditId?: string; failure?: TargetRecord['failure']; gray?: TargetGray; detail?: string; knownState?: TargetState } = {},
    now = Date.now(),
    attempt = 0,
  ): Promise<boolean> {
    assertAllowed({ from, to });
    // A caller that just read the target passes its state and saves a read; the condition
    // on the write still catches a target that moved meanwhile.
    const current = extra.knownState && attempt === 0 ? { state: extra.knownState } : await this.getTarget(releaseId, appId);
    if (!current || !from.includes(current.state)) return false;
    if (current.state === to) return true;
    const at = new Date(now).toISOString();
    const sets = ['#state = :to', 'updatedAt = :at', 'history = list_append(history, :entry)'];
    const values: Record<string, unknown> = { ':to': to, ':from': current.state, ':at': at, ':entry': [{ at, state: to, ...(extra.detail ? { detail: extra.detail } : {}) }] };
    if (extra.auditId) {
      sets.push('auditId = :auditId');
      values[':auditId'] = extra.auditId;
    }
    if (extra.failure) {
      sets.push('failure = :failure');
      values[':failure'] = extra.failure;
    }
    if (extra.gray) {
      sets.push('gray = :gray');
      values[':gray'] = extra.gray;
    }
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: key.target(releaseId, appId),
                UpdateExpression: `SET ${sets.join(', ')}`,
                ConditionExpression: '#state = :from',
                ExpressionAttributeNames: { '#state': 'state' },
                ExpressionAttributeValues: values,
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: key.release(releaseId),
                UpdateExpression: 'ADD counts.#from :minus, counts.#to :plus',
                ExpressionAttributeNames: { '#from': current.state, '#to': to },
                ExpressionAttributeValues: { ':minus': -1, ':plus': 1 },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      // Another step moved this target first, or touched the release counters at the same
      // moment (a transaction conflict): look again and retry, a bounded number of times.
      if (error instanceof TransactionCanceledException && attempt < 20) {
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * (attempt + 1)));
        return this.transition(releaseId, appId, from, to, { ...extra, knownState: undefined }, now, attempt + 1);
      }
      throw error;
    }
  }

  /** The trial-version QR image of one target (small: WeChat's are tens of KB). */
  async saveTrialQrcode(releaseId: string, appId: string, image: { contentType: string; data: Buffer }, location: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { pk: `RELEASE#${releaseId}`, sk: `TRIALQR#${appId}`, type: 'TrialQrcode', contentType: image.contentType, data: image.data } }));
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: key.target(releaseId, appId), UpdateExpression: 'SET trialQrcode = :l', ExpressionAttributeValues: { ':l': location } }));
  }

  async getTrialQrcode(releaseId: string, appId: string): Promise<{ contentType: string; data: Buffer } | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `RELEASE#${releaseId}`, sk: `TRIALQR#${appId}` } }));
    return Item ? { contentType: String(Item.contentType), data: Buffer.from(Item.data as Uint8Array) } : undefined;
  }

  async recordRollback(releaseId: string, appId: string, outcome: NonNullable<TargetRecord['rollback']>): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: key.target(releaseId, appId), UpdateExpression: 'SET #rollback = :r', ExpressionAttributeNames: { '#rollback': 'rollback' }, ExpressionAttributeValues: { ':r': outcome } }));
  }

  /** One app's gray share after a widen, or the reason WeChat refused one; its state does not change. */
  async recordGray(releaseId: string, appId: string, gray: TargetGray): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: key.target(releaseId, appId), UpdateExpression: 'SET gray = :g', ExpressionAttributeValues: { ':g': gray } }));
  }

  /** The release's gray share (what its gray-released apps are widened to), or its completion. */
  async setGray(releaseId: string, gray: ReleaseGray): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: key.release(releaseId), UpdateExpression: 'SET gray = :g', ExpressionAttributeValues: { ':g': gray } }));
  }

  async finish(releaseId: string, status: ReleaseStatus, now = Date.now()): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key.release(releaseId),
          UpdateExpression: 'SET #status = :status, finishedAt = :at',
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':at': new Date(now).toISOString(), ':running': 'running' },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
    await this.unmarkRunning(releaseId);
  }

  async reopen(releaseId: string): Promise<void> {
    await this.markRunning(releaseId);
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: key.release(releaseId), UpdateExpression: 'SET #status = :running REMOVE finishedAt', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':running': 'running' } }));
  }

  /** Before the status turns running, so a running release always has its marker. */
  private async markRunning(releaseId: string): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...key.running(releaseId), type: 'RunningRelease' } }));
  }

  /**
   * After the status left running, and only while it still has: a retry may reopen the
   * release at any moment. A marker this leaves behind is one `running()` skips.
   */
  private async unmarkRunning(releaseId: string): Promise<void> {
    await this.db
      .send(
        new TransactWriteCommand({
          TransactItems: [
            // A comparison with a missing attribute is false, so the marker of a release whose
            // item create() has not written yet stays.
            { ConditionCheck: { TableName: this.tableName, Key: key.release(releaseId), ConditionExpression: '#status <> :running', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':running': 'running' } } },
            { Delete: { TableName: this.tableName, Key: key.running(releaseId) } },
          ],
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof TransactionCanceledException)) throw error;
      });
  }

  // ---- waiting for an audit result -------------------------------------------------------

  /** Remembers which execution waits for this app's audit, so the audit push can resume it. */
  async saveAuditWait(appId: string, wait: { releaseId: string; taskToken: string; auditId?: string }): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...key.auditWait(appId), type: 'AuditWait', appId, ...wait } }));
  }

  async takeAuditWait(appId: string): Promise<{ releaseId: string; taskToken: string; auditId?: string } | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key.auditWait(appId), ConsistentRead: true }));
    return Item ? { releaseId: String(Item.releaseId), taskToken: String(Item.taskToken), ...(Item.auditId ? { auditId: String(Item.auditId) } : {}) } : undefined;
  }

  async clearAuditWait(appId: string, taskToken: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: key.auditWait(appId), ConditionExpression: 'taskToken = :t', ExpressionAttributeValues: { ':t': taskToken } }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }
}

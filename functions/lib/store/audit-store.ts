import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type NativeAttributeValue, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { keys, SK, withoutKeys } from './keys';

/** WeChat's audit states (get_auditstatus), by name. */
export const AUDIT_STATUS_BY_CODE = { 0: 'passed', 1: 'rejected', 2: 'auditing', 3: 'withdrawn', 4: 'delayed' } as const;
export type AuditStatus = (typeof AUDIT_STATUS_BY_CODE)[keyof typeof AUDIT_STATUS_BY_CODE];

export interface AuditEvent {
  at: string;
  event: 'submitted' | 'weapp_audit_success' | 'weapp_audit_fail' | 'weapp_audit_delay' | 'withdrawn' | 'status_polled';
  reason?: string;
  screenshots?: string[];
}

export interface AuditRecord {
  appId: string;
  /** Set when a release submitted it. */
  releaseId?: string;
  auditId: string;
  status: AuditStatus;
  submittedAt: string;
  templateId?: string;
  userVersion?: string;
  userDesc?: string;
  versionDesc?: string;
  /** WeChat's reason text of a rejection or delay, kept verbatim so the operator knows what to fix. */
  reason?: string;
  /** Media ids of WeChat's screenshots of a rejection. */
  screenshots?: string[];
  decidedAt?: string;
  events: AuditEvent[];
}

export interface CommitRecord {
  appId: string;
  releaseId?: string;
  templateId: string;
  userVersion: string;
  userDesc: string;
  extJsonSha256: string;
  committedAt: string;
}

type TransactWriteItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Attempts of `recordOutcomeOnce` when the audit changed between its read and its write. */
const ONCE_ATTEMPTS = 5;

/**
 * How long a submission in flight (`beginSubmission`) catches audit pushes for itself. It ends
 * when the submission is recorded, normally well under a second later; one that never gets
 * recorded (submit_audit refused, the step gave up) stops catching pushes after this.
 */
export const SUBMISSION_WINDOW_MS = 15 * 60_000;

/**
 * The one item per app where a submission in flight and an audit push meet. Its sort key
 * sorts after every `AUDIT#…` key, so the push's reverse query for the newest audit reads it
 * in the same request.
 */
const submittingKey = (appId: string) => ({ pk: keys.authorizerPartition(appId), sk: 'AUDIT~SUBMITTING' });

/** An audit push that came while the app's submission was in flight, kept for the submission to claim. */
interface PendingOutcome {
  startedAt: string;
  expiresAt: number;
  releaseId?: string | null;
  status?: AuditStatus;
  events?: AuditEvent[];
  reason?: string;
  screenshots?: string[];
  decidedAt?: string;
}

/** How a guarded outcome ended: recorded now, already recorded by the same push, or lost to a concurrent write of the guard. */
export type GuardedOutcome =
  | { outcome: 'recorded'; record: AuditRecord }
  /** Recorded on the submission in flight: its record, written next, carries the outcome. */
  | { outcome: 'held_for_submission'; releaseId?: string }
  | { outcome: 'duplicate'; guardItem?: Record<string, AttributeValue> }
  | { outcome: 'conflict' };

const recentKey = keys.recentAuditsIndex;
const RECENT_AUDITS_PK = keys.recentAuditsIndex('', '', '').gsi1pk;

/** The audit history of each app and its last commit, as the platform saw them. */
export interface AuditStore {
  recordCommit(commit: CommitRecord): Promise<void>;
  lastCommit(appId: string): Promise<CommitRecord | undefined>;
  /**
   * Called just before `submit_audit`: until the submission is recorded, an audit push for the
   * app is held for it (WeChat may decide and push before the platform has written the record).
   */
  beginSubmission(appId: string, submission: { releaseId?: string; at: number }): Promise<void>;
  /** Records a submission; an outcome pushed while it was in flight is already on it (decided). */
  recordSubmission(record: Omit<AuditRecord, 'status' | 'events'>): Promise<AuditRecord>;
  /** Newest first. */
  list(appId: string, limit?: number): Promise<AuditRecord[]>;
  /** Audits of every app, most recently changed first. */
  recent(limit?: number): Promise<AuditRecord[]>;
  latest(appId: string): Promise<AuditRecord | undefined>;
  recordOutcome(appId: string, outcome: { status: AuditStatus; event: AuditEvent }): Promise<AuditRecord>;
  recordOutcomeOnce(appId: string, outcome: { status: AuditStatus; event: AuditEvent }, guard: TransactWriteItem): Promise<GuardedOutcome>;
}

/**
 * Told when a write changed an audit's status. Only the write knows (it reads the status it
 * replaced atomically), so the store reports it and the composition root decides what it
 * means (a metric); the store itself knows nothing of observability.
 */
export type AuditStatusChanged = (status: AuditStatus) => void;

export class DynamoAuditStore implements AuditStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly onStatusChanged: AuditStatusChanged = () => undefined,
  ) {}

  async recordCommit(commit: CommitRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...keys.lastCommit(commit.appId), type: 'Commit', ...commit } }));
  }

  async lastCommit(appId: string): Promise<CommitRecord | undefined> {
    const { pk, sk } = keys.lastCommit(appId);
    const { Items } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': pk, ':sk': sk }, ConsistentRead: true }),
    );
    const item = Items?.[0];
    return item ? withoutKeys<CommitRecord>(item) : undefined;
  }

  async beginSubmission(appId: string, { releaseId, at }: { releaseId?: string; at: number }): Promise<void> {
    const fields = { startedAt: new Date(at).toISOString(), expiresAt: at + SUBMISSION_WINDOW_MS, releaseId: releaseId ?? null };
    try {
      // A live one (this submission retried after a crash) keeps what was pushed meanwhile.
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: submittingKey(appId),
          UpdateExpression: 'SET startedAt = :s, expiresAt = :e, releaseId = :r',
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt > :now',
          ExpressionAttributeValues: { ':s': fields.startedAt, ':e': fields.expiresAt, ':r': fields.releaseId, ':now': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // An expired one (a submission never recorded): what it caught was not for this one.
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...submittingKey(appId), ...fields } }));
    }
  }

  /**
   * The submission record and the end of the in-flight item, in one transaction conditional on
   * no push having been held there. If one was, the record is written with its outcome and the
   * item removed on condition that no further push came meanwhile; so whichever of the push
   * and the submission comes second completes the pair, exactly once.
   */
  async recordSubmission(record: Omit<AuditRecord, 'status' | 'events'>, attempt = 1): Promise<AuditRecord> {
    const submitted: AuditRecord = { ...record, status: 'auditing', events: [{ at: record.submittedAt, event: 'submitted' }] };
    const itemOf = (full: AuditRecord) => ({ ...this.key(record.appId, record.submittedAt, record.auditId), ...recentKey(full.decidedAt ?? record.submittedAt, record.appId, record.auditId), type: 'Audit', ...full });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: itemOf(submitted) } },
            {
              Delete: {
                TableName: this.tableName,
                Key: submittingKey(record.appId),
                ConditionExpression: 'attribute_not_exists(#status) OR expiresAt < :now',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':now': Date.now() },
              },
            },
          ],
        }),
      );
      return submitted;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [, heldReason] = error.CancellationReasons ?? [];
      if (heldReason?.Code === 'ConditionalCheckFailed') return this.claimHeldOutcome(submitted, itemOf, attempt);
      if (heldReason?.Code === 'TransactionConflict' && attempt < ONCE_ATTEMPTS) return this.recordSubmission(record, attempt + 1);
      throw error;
    }
  }

  /** The submission's record with the outcome a push left while it was in flight. */
  private async claimHeldOutcome(submitted: AuditRecord, itemOf: (full: AuditRecord) => Record<string, NativeAttributeValue>, attempt: number): Promise<AuditRecord> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: submittingKey(submitted.appId), ConsistentRead: true }));
    const held = (Item ?? {}) as PendingOutcome;
    const events = held.events ?? [];
    const decided: AuditRecord = {
      ...submitted,
      status: held.status ?? 'auditing',
      events: [...submitted.events, ...events],
      ...(held.reason !== undefined ? { reason: held.reason } : {}),
      ...(held.screenshots ? { screenshots: held.screenshots } : {}),
      ...(held.decidedAt ? { decidedAt: held.decidedAt } : {}),
    };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: itemOf(decided) } },
            // Another push held since it was read: read it again.
            { Delete: { TableName: this.tableName, Key: submittingKey(submitted.appId), ConditionExpression: 'size(events) = :n', ExpressionAttributeValues: { ':n': events.length } } },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || attempt >= ONCE_ATTEMPTS) throw error;
      return this.recordSubmission(submitted, attempt + 1);
    }
    if (decided.status !== 'auditing') this.onStatusChanged(decided.status);
    return decided;
  }

  /** Newest first. */
  async list(appId: string, limit = 50): Promise<AuditRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.authorizerPartition(appId), ':prefix': SK.audit },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return Items.map((item) => withoutKeys<AuditRecord>(item));
  }

  /** Audits of every app, most recently changed first (submitted, passed, rejected, delayed...). */
  async recent(limit = 20): Promise<AuditRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': RECENT_AUDITS_PK },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => withoutKeys<AuditRecord>(item));
  }

  async latest(appId: string): Promise<AuditRecord | undefined> {
    return (await this.list(appId, 1))[0];
  }

  /**
   * Applies an audit outcome to the app's newest audit (WeChat's push names no audit id).
   * When the platform holds none — the audit was submitted elsewhere — one is created so the
   * outcome is not lost.
   */
  async recordOutcome(appId: string, outcome: { status: AuditStatus; event: AuditEvent }): Promise<AuditRecord> {
    let target = await this.latest(appId);
    if (!target) target = await this.recordSubmission({ appId, auditId: `external-${randomBytes(3).toString('hex')}`, submittedAt: outcome.event.at });
    const decided = outcome.status === 'passed' || outcome.status === 'rejected';
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        ...this.outcomeUpdate({ ...target, appId }, outcome),
        // The values before this write, read atomically with it: a push and a poll reporting the
        // same outcome at once count it once.
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const before = (Attributes ?? {}) as Partial<AuditRecord>;
    if (before.status !== outcome.status) this.onStatusChanged(outcome.status);
    return {
      ...target,
      status: outcome.status,
      events: [...(before.events ?? target.events ?? []), outcome.event],
      ...(outcome.event.reason !== undefined ? { reason: outcome.event.reason } : {}),
      ...(outcome.event.screenshots ? { screenshots: outcome.event.screenshots } : {}),
      ...(decided ? { decidedAt: outcome.event.at } : {}),
    };
  }

  /**
   * `recordOutcome` for a push that must take effect once: the outcome and `guard` (the push's
   * idempotency record, a conditional `Put`) commit in one transaction, so a push costs a query
   * and one write. The audit's status as read is a condition of the write, which keeps the
   * outcome counted once when a poll records it at the same moment (then it reads again).
   * `duplicate` when the guard's condition failed (with the item that failed it, if the guard
   * asked for it); `conflict` when a concurrent transaction held the guard's item (the same
   * push being handled right now).
   */
  async recordOutcomeOnce(appId: string, outcome: { status: AuditStatus; event: AuditEvent }, guard: TransactWriteItem, attempt = 1): Promise<GuardedOutcome> {
    const { latest, submitting } = await this.latestWithSubmitting(appId);
    const { status, event } = outcome;
    const decided = status === 'passed' || status === 'rejected';
    const changes = {
      status,
      ...(event.reason !== undefined ? { reason: event.reason } : {}),
      ...(event.screenshots ? { screenshots: event.screenshots } : {}),
      ...(decided ? { decidedAt: event.at } : {}),
    };
    let write: TransactWriteItem;
    let record: AuditRecord | undefined;
    if (submitting) {
      // A submission in flight: WeChat decided before its record was written. Held on the
      // in-flight item, which the submission's record claims; if the record was written
      // since this read (the item is gone or renewed), read again.
      const update = this.outcomeUpdate({ appId, submittedAt: submitting.startedAt, auditId: 'submitting' }, outcome);
      write = {
        Update: {
          ...update,
          Key: submittingKey(appId),
          UpdateExpression: update.UpdateExpression.replace(', gsi1pk = :recentPk, gsi1sk = :recentSk', ''),
          ConditionExpression: 'startedAt = :started',
          ExpressionAttributeValues: { ...withoutRecentValues(update.ExpressionAttributeValues), ':started': submitting.startedAt },
        },
      };
    } else if (latest) {
      record = { ...latest, ...changes, events: [...(latest.events ?? []), event] };
      const update = this.outcomeUpdate({ ...latest, appId }, outcome);
      write = {
        Update: { ...update, ConditionExpression: '#status = :seen', ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':seen': latest.status } },
      };
    } else {
      // An audit submitted elsewhere: opened and decided in the same write.
      const auditId = `external-${randomBytes(3).toString('hex')}`;
      record = { appId, auditId, submittedAt: event.at, ...changes, events: [{ at: event.at, event: 'submitted' }, event] };
      write = {
        Put: {
          TableName: this.tableName,
          Item: { ...this.key(appId, event.at, auditId), ...recentKey(event.at, appId, auditId), type: 'Audit', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    }
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: [guard, write] }));
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const [guardReason, writeReason] = error.CancellationReasons ?? [];
      if (guardReason?.Code === 'ConditionalCheckFailed') return { outcome: 'duplicate', guardItem: guardReason.Item };
      if (guardReason?.Code === 'TransactionConflict') return { outcome: 'conflict' };
      if ((writeReason?.Code === 'ConditionalCheckFailed' || writeReason?.Code === 'TransactionConflict') && attempt < ONCE_ATTEMPTS) {
        return this.recordOutcomeOnce(appId, outcome, guard, attempt + 1);
      }
      throw error;
    }
    if (!record) return { outcome: 'held_for_submission', ...(submitting?.releaseId ? { releaseId: submitting.releaseId } : {}) };
    if (latest?.status !== status) this.onStatusChanged(status);
    return { outcome: 'recorded', record };
  }

  /** The newest audit and a live in-flight submission, in one query (the in-flight item sorts last). */
  private async latestWithSubmitting(appId: string): Promise<{ latest?: AuditRecord; submitting?: PendingOutcome }> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.authorizerPartition(appId), ':prefix': 'AUDIT' },
        ScanIndexForward: false,
        Limit: 2,
        ConsistentRead: true,
      }),
    );
    const submittingItem = Items.find((item) => item.sk === submittingKey(appId).sk);
    const auditItem = Items.find((item) => String(item.sk).startsWith(SK.audit));
    const submitting = submittingItem ? withoutKeys<PendingOutcome>(submittingItem) : undefined;
    return {
      ...(auditItem ? { latest: withoutKeys<AuditRecord>(auditItem) } : {}),
      ...(submitting && submitting.expiresAt > Date.now() ? { submitting } : {}),
    };
  }

  /** The one write of an outcome onto an audit: status, event, WeChat's reason and screenshots, and its place among recent audits. */
  private outcomeUpdate(target: Pick<AuditRecord, 'appId' | 'submittedAt' | 'auditId'>, { status, event }: { status: AuditStatus; event: AuditEvent }) {
    const decided = status === 'passed' || status === 'rejected';
    return {
      TableName: this.tableName,
      Key: this.key(target.appId, target.submittedAt, target.auditId),
      UpdateExpression: `SET #status = :status, gsi1pk = :recentPk, gsi1sk = :recentSk, events = list_append(if_not_exists(events, :empty), :event)${event.reason !== undefined ? ', reason = :reason' : ''}${event.screenshots ? ', screenshots = :shots' : ''}${decided ? ', decidedAt = :at' : ''}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':recentPk': RECENT_AUDITS_PK,
        ':recentSk': recentKey(event.at, target.appId, target.auditId).gsi1sk,
        ':event': [event],
        ':empty': [],
        ...(event.reason !== undefined ? { ':reason': event.reason } : {}),
        ...(event.screenshots ? { ':shots': event.screenshots } : {}),
        ...(decided ? { ':at': event.at } : {}),
      } as Record<string, unknown>,
    };
  }

  private key(appId: string, submittedAt: string, auditId: string) {
    return keys.audit(appId, submittedAt, auditId);
  }
}

function withoutRecentValues(values: Record<string, unknown>): Record<string, unknown> {
  const { ':recentPk': _pk, ':recentSk': _sk, ...rest } = values;
  return rest;
}

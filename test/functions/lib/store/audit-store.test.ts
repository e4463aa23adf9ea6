import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localDynamoClient } from '../../../../local/dynamodb';
import { DynamoAuditStore, SUBMISSION_WINDOW_MS, type AuditStatus } from '../../../../functions/lib/store/audit-store';

describe('Class: DynamoAuditStore', () => {
  const tableName = `audits-${randomUUID()}`;
  const db = DynamoDBDocumentClient.from(localDynamoClient(process.env.TEST_DYNAMODB_ENDPOINT!));
  const changes: AuditStatus[] = [];
  const audits = new DynamoAuditStore(db, tableName, (status) => changes.push(status));
  let n = 0;
  const appId = () => `wxaudit${String(++n).padStart(10, '0')}`;
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  // The idempotency record of one push, as the callback writes it.
  const guard = (id: string) => ({ Put: { TableName: tableName, Item: { pk: `TEST_ONCE#${id}`, sk: 'ONCE' }, ConditionExpression: 'attribute_not_exists(pk)' } });

  beforeAll(() => ensureTable(process.env.TEST_DYNAMODB_ENDPOINT!, tableName));
  afterAll(() => db.destroy());
  beforeEach(() => changes.splice(0));

  it('keeps the last commit of an app', async () => {
    const id = appId();
    expect(await audits.lastCommit(id)).toBeUndefined();
    const commit = { appId: id, templateId: '7', userVersion: '1.0.0', userDesc: 'first', extJsonSha256: 'abc', committedAt: at(0) };
    await audits.recordCommit(commit);
    await audits.recordCommit({ ...commit, userVersion: '1.0.1' });
    expect(await audits.lastCommit(id)).toEqual({ ...commit, userVersion: '1.0.1' });
  });

  it('lists submissions newest first, per app and across apps', async () => {
    const [a, b] = [appId(), appId()];
    await audits.recordSubmission({ appId: a, auditId: 'a1', submittedAt: at(1) });
    await audits.recordSubmission({ appId: a, auditId: 'a2', submittedAt: at(2) });
    const submitted = await audits.recordSubmission({ appId: b, auditId: 'b1', submittedAt: at(3), releaseId: 'rel-1' });
    expect(submitted).toMatchObject({ status: 'auditing', events: [{ at: at(3), event: 'submitted' }] });
    expect((await audits.list(a)).map((r) => r.auditId)).toEqual(['a2', 'a1']);
    expect((await audits.latest(a))?.auditId).toBe('a2');
    expect((await audits.recent(10)).map((r) => r.auditId).filter((x) => ['a1', 'a2', 'b1'].includes(x))).toEqual(['b1', 'a2', 'a1']);
  });

  it('applies an outcome to the newest audit, telling of a change of status once', async () => {
    const id = appId();
    await audits.recordSubmission({ appId: id, auditId: 'x1', submittedAt: at(1) });
    const rejected = await audits.recordOutcome(id, { status: 'rejected', event: { at: at(5), event: 'weapp_audit_fail', reason: 'blurry', screenshots: ['m1'] } });
    expect(rejected).toMatchObject({ auditId: 'x1', status: 'rejected', reason: 'blurry', screenshots: ['m1'], decidedAt: at(5) });
    await audits.recordOutcome(id, { status: 'rejected', event: { at: at(6), event: 'status_polled' } });
    expect(changes).toEqual(['rejected']);
    expect((await audits.latest(id))?.events.map((e) => e.event)).toEqual(['submitted', 'weapp_audit_fail', 'status_polled']);
    // Moved to the front of the recent audits.
    expect((await audits.recent(1))[0]?.auditId).toBe('x1');
  });

  it('opens an audit submitted elsewhere when an outcome names none it holds', async () => {
    const id = appId();
    const record = await audits.recordOutcome(id, { status: 'passed', event: { at: at(7), event: 'weapp_audit_success' } });
    expect(record.auditId).toMatch(/^external-/);
    expect(await audits.latest(id)).toMatchObject({ status: 'passed', decidedAt: at(7) });
  });

  it('records a guarded outcome once: the guard and the outcome commit together, a repeat is a duplicate', async () => {
    const id = appId();
    await audits.recordSubmission({ appId: id, auditId: 'g1', submittedAt: at(1) });
    const push = randomUUID();
    const first = await audits.recordOutcomeOnce(id, { status: 'passed', event: { at: at(8), event: 'weapp_audit_success' } }, guard(push));
    expect(first).toMatchObject({ outcome: 'recorded', record: { auditId: 'g1', status: 'passed' } });
    expect((await audits.recordOutcomeOnce(id, { status: 'passed', event: { at: at(8), event: 'weapp_audit_success' } }, guard(push))).outcome).toBe('duplicate');
    expect((await audits.latest(id))?.events).toHaveLength(2);
    expect(changes).toEqual(['passed']);

    const elsewhere = appId();
    const opened = await audits.recordOutcomeOnce(elsewhere, { status: 'delayed', event: { at: at(9), event: 'weapp_audit_delay', reason: 'busy' } }, guard(randomUUID()));
    expect(opened).toMatchObject({ outcome: 'recorded', record: { status: 'delayed', reason: 'busy' } });
    expect(await audits.latest(elsewhere)).toMatchObject({ status: 'delayed', events: [{ event: 'submitted' }, { event: 'weapp_audit_delay' }] });
  });

  describe('a push and the submission it decides, in either order', () => {
    const success = { status: 'passed' as const, event: { at: at(20), event: 'weapp_audit_success' as const } };
    const submission = (id: string, auditId = 'r1') => ({ appId: id, auditId, submittedAt: at(19), releaseId: 'rel-race' });

    it('a push before the submission is recorded is held for it, and the record carries the outcome', async () => {
      const id = appId();
      // An earlier audit, decided long ago: the push must not land on it.
      await audits.recordSubmission({ appId: id, auditId: 'old', submittedAt: at(1) });
      await audits.recordOutcome(id, { status: 'passed', event: { at: at(2), event: 'weapp_audit_success' } });
      changes.splice(0);
      await audits.beginSubmission(id, { releaseId: 'rel-race', at: Date.now() });
      const push = randomUUID();
      expect(await audits.recordOutcomeOnce(id, success, guard(push))).toEqual({ outcome: 'held_for_submission', releaseId: 'rel-race' });
      // WeChat delivers it again: the guard keeps it to once.
      expect((await audits.recordOutcomeOnce(id, success, guard(push))).outcome).toBe('duplicate');
      expect(changes).toEqual([]);

      const recorded = await audits.recordSubmission(submission(id));
      expect(recorded).toMatchObject({ auditId: 'r1', releaseId: 'rel-race', status: 'passed', decidedAt: at(20), events: [{ event: 'submitted' }, { event: 'weapp_audit_success' }] });
      expect(await audits.latest(id)).toEqual(recorded);
      expect((await audits.list(id)).map((r) => [r.auditId, r.status, r.events.length])).toEqual([
        ['r1', 'passed', 2],
        ['old', 'passed', 2],
      ]);
      expect(changes).toEqual(['passed']);
      // The push's re-delivery after the record: nothing more.
      expect((await audits.recordOutcomeOnce(id, success, guard(push))).outcome).toBe('duplicate');
      expect((await audits.latest(id))?.events).toHaveLength(2);
    });

    it('a push after the submission is recorded lands on its record, as before', async () => {
      const id = appId();
      await audits.beginSubmission(id, { releaseId: 'rel-race', at: Date.now() });
      expect(await audits.recordSubmission(submission(id))).toMatchObject({ status: 'auditing' });
      const push = randomUUID();
      expect(await audits.recordOutcomeOnce(id, success, guard(push))).toMatchObject({ outcome: 'recorded', record: { auditId: 'r1', status: 'passed' } });
      expect((await audits.recordOutcomeOnce(id, success, guard(push))).outcome).toBe('duplicate');
      expect((await audits.list(id)).map((r) => [r.auditId, r.status, r.events.length])).toEqual([['r1', 'passed', 2]]);
    });

    it('a delay notice and the result both held: the record gets both, in order', async () => {
      const id = appId();
      await audits.beginSubmission(id, { at: Date.now() });
      await audits.recordOutcomeOnce(id, { status: 'delayed', event: { at: at(20), event: 'weapp_audit_delay', reason: 'busy' } }, guard(randomUUID()));
      await audits.recordOutcomeOnce(id, { status: 'rejected', event: { at: at(21), event: 'weapp_audit_fail', reason: 'blurry', screenshots: ['m1'] } }, guard(randomUUID()));
      expect(await audits.recordSubmission(submission(id))).toMatchObject({
        status: 'rejected',
        reason: 'blurry',
        screenshots: ['m1'],
        events: [{ event: 'submitted' }, { event: 'weapp_audit_delay' }, { event: 'weapp_audit_fail' }],
      });
    });

    it('a submission recorded between the push reading and writing: the push finds the record on its second try', async () => {
      const id = appId();
      await audits.beginSubmission(id, { releaseId: 'rel-race', at: Date.now() });
      // The push's read happens, then the submission is recorded before the push writes.
      const interleaved = new DynamoAuditStore(
        {
          send: async (command: unknown) => {
            if (command instanceof TransactWriteCommand && !recordedBetween) {
              recordedBetween = true;
              await audits.recordSubmission(submission(id));
            }
            return db.send(command as never);
          },
        } as unknown as DynamoDBDocumentClient,
        tableName,
      );
      let recordedBetween = false;
      expect(await interleaved.recordOutcomeOnce(id, success, guard(randomUUID()))).toMatchObject({ outcome: 'recorded', record: { auditId: 'r1', status: 'passed' } });
      expect(recordedBetween).toBe(true);
      expect((await audits.list(id)).map((r) => [r.auditId, r.status, r.events.length])).toEqual([['r1', 'passed', 2]]);
    });

    it('a push held between the submission reading nothing and writing: the claim picks it up', async () => {
      const id = appId();
      await audits.beginSubmission(id, { releaseId: 'rel-race', at: Date.now() });
      const push = randomUUID();
      // The push lands while the submission's transaction is on its way (before it reaches the table).
      const interleaved = new DynamoAuditStore(
        {
          send: async (command: unknown) => {
            if (command instanceof TransactWriteCommand && !pushedBetween) {
              pushedBetween = true;
              expect((await audits.recordOutcomeOnce(id, success, guard(push))).outcome).toBe('held_for_submission');
            }
            return db.send(command as never);
          },
        } as unknown as DynamoDBDocumentClient,
        tableName,
      );
      let pushedBetween = false;
      expect(await interleaved.recordSubmission(submission(id))).toMatchObject({ status: 'passed', events: [{ event: 'submitted' }, { event: 'weapp_audit_success' }] });
      expect((await audits.list(id)).map((r) => [r.auditId, r.status])).toEqual([['r1', 'passed']]);
    });

    it('an in-flight submission that was never recorded stops catching pushes once expired', async () => {
      const id = appId();
      await audits.beginSubmission(id, { at: Date.now() - 2 * SUBMISSION_WINDOW_MS });
      expect(await audits.recordOutcomeOnce(id, success, guard(randomUUID()))).toMatchObject({ outcome: 'recorded', record: { auditId: expect.stringMatching(/^external-/) } });
      // A new submission starts clean: the stale item is replaced, and its record is only submitted.
      await audits.beginSubmission(id, { at: Date.now() });
      expect(await audits.recordSubmission({ ...submission(id), submittedAt: at(30) })).toMatchObject({ status: 'auditing' });
    });
  });
});

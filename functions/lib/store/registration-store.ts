import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keys, withoutKeys } from './keys';

export type RegistrationState = 'pending' | 'succeeded' | 'failed';

/** A task status WeChat reported, with what it means. */
export interface WeChatTaskStatus {
  status: number;
  message: string;
  at: string;
}

export interface RegistrationRecord {
  registrationId: string;
  name: string;
  /** The 18-character unified social credit code. */
  code: string;
  componentPhone: string;
  /** WeChat's task id; the push names it in `info.taskid`. */
  taskId: string;
  /** The page the legal person must open to verify and confirm. */
  authorizeUrl: string;
  /** When the authorize URL stops working (WeChat: 24 h after create). */
  authorizeUrlExpiresAt: string;
  state: RegistrationState;
  createdAt: string;
  updatedAt: string;
  /** The last task status WeChat reported (create, `query`); the outcome push sets `result`. */
  wechatStatus: WeChatTaskStatus;
  /** The new mini program, once WeChat reports success. */
  appId?: string;
  /** WeChat's status code of the outcome (0 = success) with its meaning. */
  result?: { status: number; message: string };
}

export type NewRegistration = Pick<RegistrationRecord, 'name' | 'code' | 'componentPhone' | 'taskId' | 'authorizeUrl' | 'authorizeUrlExpiresAt' | 'wechatStatus'>;

/** Fast-registration tasks WeChat accepted, and their outcome. */
export interface RegistrationStore {
  create(input: NewRegistration, now?: number): Promise<RegistrationRecord>;
  get(registrationId: string): Promise<RegistrationRecord | undefined>;
  /** The id of the registration of this WeChat task. */
  findIdByTask(taskId: string): Promise<string | undefined>;
  /** Newest first. */
  list(limit: number): Promise<RegistrationRecord[]>;
  recordOutcome(registrationId: string, outcome: { state: Exclude<RegistrationState, 'pending'>; appId?: string; result: { status: number; message: string } }, now?: number): Promise<void>;
  /** Keeps the task status WeChat's `query` answered; the record as it now is. */
  recordWeChatStatus(registrationId: string, wechatStatus: WeChatTaskStatus, now?: number): Promise<RegistrationRecord>;
}

export class DynamoRegistrationStore implements RegistrationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(input: NewRegistration, now = Date.now()): Promise<RegistrationRecord> {
    const at = new Date(now).toISOString();
    const record: RegistrationRecord = { ...input, registrationId: `reg-${randomUUID().slice(0, 12)}`, state: 'pending', createdAt: at, updatedAt: at };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...keys.registration(record.registrationId), type: 'Registration', ...keys.registrationsIndex(at, record.registrationId), ...record } } },
          // The push names WeChat's task, not our id: this finds the request.
          { Put: { TableName: this.tableName, Item: { ...keys.registrationTask(input.taskId), type: 'RegistrationTask', registrationId: record.registrationId }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    return record;
  }

  async get(registrationId: string): Promise<RegistrationRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.registration(registrationId), ConsistentRead: true }));
    return Item ? withoutKeys<RegistrationRecord>(Item) : undefined;
  }

  /** The id of the registration of this WeChat task, from its task item alone. */
  async findIdByTask(taskId: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keys.registrationTask(taskId), ConsistentRead: true }));
    return Item ? String(Item.registrationId) : undefined;
  }

  async list(limit: number): Promise<RegistrationRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.registrationsIndex('', '').gsi1pk }, ScanIndexForward: false, Limit: limit }),
    );
    return Items.map((item) => withoutKeys<RegistrationRecord>(item));
  }

  async recordOutcome(registrationId: string, outcome: { state: Exclude<RegistrationState, 'pending'>; appId?: string; result: { status: number; message: string } }, now = Date.now()): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.registration(registrationId),
        UpdateExpression: `SET #state = :state, #result = :result, updatedAt = :at${outcome.appId ? ', appId = :appId' : ''}`,
        ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
        ExpressionAttributeValues: { ':state': outcome.state, ':result': outcome.result, ':at': new Date(now).toISOString(), ...(outcome.appId ? { ':appId': outcome.appId } : {}) },
      }),
    );
  }

  /** Keeps the task status WeChat's `query` answered; the record as it now is. */
  async recordWeChatStatus(registrationId: string, wechatStatus: WeChatTaskStatus, now = Date.now()): Promise<RegistrationRecord> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.registration(registrationId),
        UpdateExpression: 'SET wechatStatus = :s, updatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':s': wechatStatus, ':at': new Date(now).toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return withoutKeys<RegistrationRecord>(Attributes ?? {});
  }
}

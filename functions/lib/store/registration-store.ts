import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withoutKeys } from './keys';

export type RegistrationState = 'pending' | 'succeeded' | 'failed';

export interface RegistrationRecord {
  registrationId: string;
  name: string;
  code: string;
  codeType: 1 | 2 | 3;
  legalPersonaWechat: string;
  legalPersonaName: string;
  componentPhone: string;
  state: RegistrationState;
  createdAt: string;
  updatedAt: string;
  /** The new mini program, once WeChat reports success. */
  appId?: string;
  /** WeChat's status code of the outcome (0 = success) with its meaning. */
  result?: { status: number; message: string };
  /** What the last `action=search` answered. */
  lastSearch?: { at: string; answer: Record<string, unknown> };
}

/** WeChat matches a registration by company name and legal person; so do we. */
const matchKey = (name: string, legalPersonaWechat: string) => createHash('sha256').update(`${name}\u0000${legalPersonaWechat}`).digest('hex').slice(0, 32);

/** Fast-registration requests and their outcome. */
export class RegistrationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(input: Omit<RegistrationRecord, 'registrationId' | 'state' | 'createdAt' | 'updatedAt'>, now = Date.now()): Promise<RegistrationRecord> {
    const at = new Date(now).toISOString();
    const record: RegistrationRecord = { ...input, registrationId: `reg-${randomUUID().slice(0, 12)}`, state: 'pending', createdAt: at, updatedAt: at };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { pk: `REGISTRATION#${record.registrationId}`, sk: 'META', type: 'Registration', gsi1pk: 'REGISTRATIONS', gsi1sk: `${at}#${record.registrationId}`, ...record } } },
          // The push names the company and legal person, not our id: this finds the request.
          { Put: { TableName: this.tableName, Item: { pk: `REGISTRATION_MATCH#${matchKey(input.name, input.legalPersonaWechat)}`, sk: 'MATCH', type: 'RegistrationMatch', registrationId: record.registrationId } } },
        ],
      }),
    );
    return record;
  }

  async get(registrationId: string): Promise<RegistrationRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `REGISTRATION#${registrationId}`, sk: 'META' }, ConsistentRead: true }));
    return Item ? withoutKeys<RegistrationRecord>(Item) : undefined;
  }

  /** The id of the registration requested for this company and legal person, from its match item alone. */
  async findIdByCompany(name: string, legalPersonaWechat: string): Promise<string | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: `REGISTRATION_MATCH#${matchKey(name, legalPersonaWechat)}`, sk: 'MATCH' }, ConsistentRead: true }));
    return Item ? String(Item.registrationId) : undefined;
  }

  async list(limit: number): Promise<RegistrationRecord[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({ TableName: this.tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': 'REGISTRATIONS' }, ScanIndexForward: false, Limit: limit }),
    );
    return Items.map((item) => withoutKeys<RegistrationRecord>(item));
  }

  async recordOutcome(registrationId: string, outcome: { state: RegistrationState; appId?: string; result: { status: number; message: string } }, now = Date.now()): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `REGISTRATION#${registrationId}`, sk: 'META' },
        UpdateExpression: `SET #state = :state, #result = :result, updatedAt = :at${outcome.appId ? ', appId = :appId' : ''}`,
        ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
        ExpressionAttributeValues: { ':state': outcome.state, ':result': outcome.result, ':at': new Date(now).toISOString(), ...(outcome.appId ? { ':appId': outcome.appId } : {}) },
      }),
    );
  }

  /** Keeps WeChat's search answer on the record; the record as it now is. */
  async recordSearch(registrationId: string, answer: Record<string, unknown>, now = Date.now()): Promise<RegistrationRecord> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `REGISTRATION#${registrationId}`, sk: 'META' },
        UpdateExpression: 'SET lastSearch = :s, updatedAt = :at',
        ExpressionAttributeValues: { ':s': { at: new Date(now).toISOString(), answer }, ':at': new Date(now).toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return withoutKeys<RegistrationRecord>(Attributes ?? {});
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Structural view of `TABLE_SCHEMA` (functions/lib/store/table-schema.ts). */
export interface TableSchema {
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly { readonly indexName: string; readonly partitionKey: string; readonly sortKey?: string }[];
  readonly ttlAttribute: string;
}

export interface PlatformTableProps {
  readonly schema: TableSchema;
}

/**
 * The single platform table. It holds component tickets and merchant authorizer tokens, so it
 * is encrypted with a key we control, recoverable to any second of the last 35 days, and
 * survives both `cdk destroy` and an accidental delete in the console.
 */
export class PlatformTable extends Construct {
  readonly table: TableV2;
  readonly encryptionKey: Key;

  constructor(scope: Construct, id: string, props: PlatformTableProps) {
    super(scope, id);
    const { schema } = props;

    this.encryptionKey = new Key(this, 'Key', {
      description: 'weapp-fleet platform table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: schema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: schema.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: schema.indexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: index.sortKey ? { name: index.sortKey, type: AttributeType.STRING } : undefined,
      })),
      timeToLiveAttribute: schema.ttlAttribute,
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(this.encryptionKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

import { RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DATA_KEY_PURPOSE } from '../../functions/lib/crypto-at-rest/data-keys';

/**
 * The key merchant tokens are encrypted under (functions/lib/crypto-at-rest/): separate from
 * the table's key, so reading the table — which most functions may — yields ciphertexts,
 * and only the functions granted this key can turn them back into tokens.
 */
export class TokenKey extends Construct {
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'weapp-fleet merchant tokens at rest: wraps the data keys the token stores encrypt with',
      enableKeyRotation: true,
      // Losing it loses every stored token (merchants would have to authorize again).
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }

  /**
   * Exactly the two calls the token stores make — a new data key, the unwrap of one — and
   * only for data keys made for tokens at rest (the encryption context every call carries).
   */
  grantTokenUse(fn: LambdaFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': DATA_KEY_PURPOSE } },
      }),
    );
    fn.addEnvironment('TOKEN_KEY_ARN', this.key.keyArn);
  }
}

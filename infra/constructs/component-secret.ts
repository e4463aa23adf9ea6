import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export const COMPONENT_SECRET_NAME = 'weapp-fleet/component';

/**
 * The third-party platform credentials: `{ appSecret, token, aesKey }` (component appsecret,
 * message-verification token, EncodingAESKey).
 *
 * The generated values are placeholders: WeChat issues the appsecret and the operator chooses
 * token/aesKey in the open platform console, then overwrites this secret after the first deploy
 * (`aws secretsmanager put-secret-value --secret-id weapp-fleet/component ...`). Until then
 * callback signatures fail verification, which is the safe failure.
 */
export class ComponentSecret extends Construct {
  readonly secret: Secret;
  readonly encryptionKey: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // Separate from the table key: a function that may read the table cannot decrypt this.
    this.encryptionKey = new Key(this, 'Key', {
      description: `weapp-fleet ${COMPONENT_SECRET_NAME} secret`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.secret = new Secret(this, 'Secret', {
      secretName: COMPONENT_SECRET_NAME,
      description: 'WeChat third-party platform credentials { appSecret, token, aesKey }; set by the operator after deploy',
      encryptionKey: this.encryptionKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ token: 'REPLACE_AFTER_DEPLOY', aesKey: 'REPLACE_AFTER_DEPLOY' }),
        generateStringKey: 'appSecret',
        excludePunctuation: true,
        passwordLength: 32,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The appsecret is issued by WeChat and token/EncodingAESKey must match the WeChat open platform ' +
        'console, so no rotation Lambda can change them; they are rotated by hand in both places.',
    });
  }
}

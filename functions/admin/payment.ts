import { secretsManagerClient } from '../lib/aws/secrets-manager';
import { config } from '../lib/config';
import { implement } from '../lib/http/api-route';
import { serveRoutes } from '../lib/http/serve-routes';
import { PaymentService } from '../lib/payment/payment-service';
import { authorizerProfileStore } from '../lib/composition/stores/authorizer-profile';
import { paymentStore } from '../lib/composition/stores/payment';
import { AuthorizerUnavailableError } from '../lib/tokens/authorizer-access-token';
import { PAYMENT_ROUTES as R } from './payment-contract';

let service: PaymentService | undefined;
const payments = () => {
  const env = config();
  service ??= new PaymentService({
    store: paymentStore(),
    // Loaded on demand: only the calls that store or remove a P12 use S3.
    s3: async () => (await import('../lib/aws/s3')).s3Client(),
    secrets: secretsManagerClient(),
    bucket: env.PAYMENT_BUCKET,
    kmsKeyId: env.PAYMENT_KMS_KEY_ID,
    secretPrefix: env.PAYMENT_SECRET_PREFIX,
  });
  return service;
};

/** `/admin/authorizers/{appId}/payment`: WeChat Pay settings, stored as secrets. */
export const handler = serveRoutes([
  implement(R.putPayment, async ({ params, body }) => {
    const profile = await authorizerProfileStore().getProfile(params.appId);
    if (profile?.status !== 'authorized') throw new AuthorizerUnavailableError(`${params.appId} has not authorized this platform`);
    return payments().put(params.appId, {
      mchId: body.mchId,
      ...(body.apiKey ? { apiKey: body.apiKey } : {}),
      ...(body.apiV3Key ? { apiV3Key: body.apiV3Key } : {}),
      ...(body.p12 ? { p12: Buffer.from(body.p12, 'base64') } : {}),
      ...(body.p12Password ? { p12Password: body.p12Password } : {}),
    });
  }),
  implement(R.getPayment, async ({ params }) => payments().get(params.appId)),
  implement(R.deletePayment, async ({ params }) => {
    await payments().delete(params.appId);
    return { ok: true as const };
  }),
]);

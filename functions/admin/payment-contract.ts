import * as z from 'zod';
import { route } from '../lib/http/api-route';
import { AppParams } from './weapp/contract';

const Key32 = (name: string) => z.string().regex(/^[A-Za-z0-9]{32}$/, `${name} must be 32 letters or digits`);

const PaymentMetadata = z.object({
  appId: z.string(),
  mchId: z.string(),
  certificate: z.object({ serialNumber: z.string(), notBefore: z.string(), notAfter: z.string() }).nullable(),
  hasApiKey: z.boolean(),
  hasApiV3Key: z.boolean(),
  updatedAt: z.string(),
});

/** Payment settings of one mini program (brief step 7): metadata out, secrets only in. */
export const PAYMENT_ROUTES = {
  putPayment: route({
    method: 'PUT', role: 'admin', path: '/admin/authorizers/{appId}/payment', tag: 'payment', summary: 'Store the merchant id, API keys and apiclient_cert.p12 (validated first; JSON with a base64 P12, or multipart/form-data with the file)', params: AppParams,
    multipart: true,
    body: z
      .object({
        mchId: z.string().regex(/^\d{8,12}$/, 'mchId is the WeChat Pay merchant number (8–12 digits)'),
        apiKey: Key32('apiKey').optional(),
        apiV3Key: Key32('apiV3Key').optional(),
        p12: z.base64().max(140_000, 'the P12 is over 100 KB').optional(),
        p12Password: z.string().min(1).max(64).optional(),
      })
      .strict(),
    response: PaymentMetadata,
  }),
  getPayment: route({ method: 'GET', role: 'viewer', path: '/admin/authorizers/{appId}/payment', tag: 'payment', summary: 'Payment metadata (merchant id, certificate serial and expiry); never a key', params: AppParams, response: PaymentMetadata }),
  deletePayment: route({ method: 'DELETE', role: 'admin', path: '/admin/authorizers/{appId}/payment', tag: 'payment', summary: 'Remove the certificate, keys and metadata', params: AppParams, response: z.object({ ok: z.literal(true) }) }),
} as const;

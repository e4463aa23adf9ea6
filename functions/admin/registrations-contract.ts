import * as z from 'zod';
import { route } from '../lib/http/api-route';

/** WeChat's code types, by name. */
export const CODE_TYPES = { unified_social_credit_code: 1, organization_code: 2, business_license_number: 3 } as const;

const RegistrationParams = z.object({ registrationId: z.string().regex(/^reg-[0-9a-f-]{1,40}$/, 'not a registration id') });

const Registration = z.object({
  registrationId: z.string(),
  name: z.string(),
  code: z.string(),
  codeType: z.number(),
  legalPersonaWechat: z.string(),
  legalPersonaName: z.string(),
  componentPhone: z.string(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  createdAt: z.string(),
  updatedAt: z.string(),
  appId: z.string().optional(),
  result: z.object({ status: z.number(), message: z.string() }).optional(),
  lastSearch: z.object({ at: z.string(), answer: z.record(z.string(), z.unknown()) }).optional(),
});

/** Fast registration of enterprise mini programs (brief step 3). */
export const REGISTRATION_ROUTES = {
  createRegistration: route({
    method: 'POST', path: '/admin/registrations', tag: 'registration', summary: 'Register a new enterprise mini program (the legal person confirms in WeChat)', status: 201,
    body: z
      .object({
        name: z.string().trim().min(1, 'name must not be empty').max(100),
        code: z.string().trim().min(1, 'code must not be empty').max(64),
        codeType: z.enum(Object.keys(CODE_TYPES) as [keyof typeof CODE_TYPES, ...(keyof typeof CODE_TYPES)[]]),
        legalPersonaWechat: z.string().trim().min(1, 'legalPersonaWechat must not be empty').max(64),
        legalPersonaName: z.string().trim().min(1, 'legalPersonaName must not be empty').max(64),
        // WeChat accepts mobile and landline numbers ("0592-7181661"): digits with optional dashes.
        componentPhone: z.string().regex(/^(?=(?:\D*\d){5,20}\D*$)[0-9-]+$/, 'componentPhone must be a phone number: 5–20 digits, dashes allowed'),
      })
      .strict()
      .superRefine((value, ctx) => {
        // A unified social credit code is 18 characters of digits and upper-case letters.
        if (value.codeType === 'unified_social_credit_code' && !/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value.code)) {
          ctx.addIssue({ code: 'custom', path: ['code'], message: 'not a unified social credit code (18 characters)' });
        }
      }),
    response: Registration, wechat: ['fastregisterweapp?action=create'],
  }),
  listRegistrations: route({
    method: 'GET', path: '/admin/registrations', tag: 'registration', summary: 'Fast registrations, newest first',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(), response: z.object({ registrations: z.array(Registration) }),
  }),
  getRegistration: route({ method: 'GET', path: '/admin/registrations/{registrationId}', tag: 'registration', summary: 'One fast registration and its outcome', params: RegistrationParams, response: Registration }),
  searchRegistration: route({
    method: 'POST', path: '/admin/registrations/{registrationId}/search', tag: 'registration', summary: 'Ask WeChat how the registration is going', params: RegistrationParams,
    response: Registration, wechat: ['fastregisterweapp?action=search'],
  }),
} as const;

import * as z from 'zod';
import { route } from '../lib/http/api-route';

const RegistrationParams = z.object({ registrationId: z.string().regex(/^reg-[0-9a-f-]{1,40}$/, 'not a registration id') });

/** A unified social credit code: 18 characters, digits and the upper-case letters it allows (no I, O, S, V, Z). */
export const CREDIT_CODE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

const TaskStatus = z.object({ status: z.number(), message: z.string(), at: z.string() });

/**
 * A registration as stored. The task fields are optional only for records made by the retired
 * `fastregisterweapp` (before 2026-04-30), which had no task id or authorize URL.
 */
const Registration = z.object({
  registrationId: z.string(),
  name: z.string(),
  code: z.string(),
  componentPhone: z.string(),
  taskId: z.string().optional(),
  /** The page the legal person opens (link or QR code) to verify and confirm… */
  authorizeUrl: z.string().optional(),
  /** …until 24 h after create; an unfinished task times out then. */
  authorizeUrlExpiresAt: z.string().optional(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** WeChat's task status from create or the last query. */
  wechatStatus: TaskStatus.optional(),
  appId: z.string().optional(),
  result: z.object({ status: z.number(), message: z.string() }).optional(),
});

/** Fast registration of enterprise mini programs (brief step 3). */
export const REGISTRATION_ROUTES = {
  createRegistration: route({
    method: 'POST', role: 'admin', path: '/admin/registrations', tag: 'registration', status: 201,
    summary: 'Register a new enterprise mini program: WeChat answers a link the legal person must open within 24 h',
    body: z
      .object({
        name: z.string().trim().min(1, 'name must not be empty').max(100),
        code: z.string().trim().regex(CREDIT_CODE, 'code must be an 18-character unified social credit code'),
        // WeChat accepts mobile and landline numbers ("0592-7181661"): digits with optional dashes.
        componentPhone: z.string().regex(/^(?=(?:\D*\d){5,20}\D*$)[0-9-]+$/, 'componentPhone must be a phone number: 5–20 digits, dashes allowed'),
      })
      .strict(),
    response: Registration, wechat: ['fastregisterenterpriseweapp?action=create'],
  }),
  listRegistrations: route({
    method: 'GET', role: 'viewer', path: '/admin/registrations', tag: 'registration', summary: 'Fast registrations, newest first',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(), response: z.object({ registrations: z.array(Registration) }),
  }),
  getRegistration: route({ method: 'GET', role: 'viewer', path: '/admin/registrations/{registrationId}', tag: 'registration', summary: 'One fast registration and its outcome', params: RegistrationParams, response: Registration }),
  queryRegistration: route({
    method: 'POST', role: 'admin', path: '/admin/registrations/{registrationId}/query', tag: 'registration', summary: "Ask WeChat for the task's status and keep it on the registration", params: RegistrationParams,
    response: Registration, wechat: ['fastregisterenterpriseweapp?action=query'],
  }),
} as const;

import * as z from 'zod';
import { route } from '../lib/http/api-route';
import { ServerDomainLists, WebviewDomainList } from '../lib/weapp/domains';
import { PrivacyTemplate } from '../lib/weapp/privacy';
import { TARGET_STATES } from '../lib/release/target-lifecycle';
import { AppId, JsonObject } from './app-schemas';

const ReleaseParams = z.object({ releaseId: z.string().regex(/^rel-[0-9a-z-]{1,64}$/, 'not a release id') });

const Counts = z.record(z.enum(TARGET_STATES), z.number());
export const Release = z.object({
  releaseId: z.string(),
  templateId: z.string(),
  userVersion: z.string(),
  userDesc: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(['running', 'succeeded', 'completed_with_failures', 'cancelled']),
  executionArn: z.string().optional(),
  total: z.number(),
  counts: Counts,
  options: z.object({ autoRelease: z.boolean(), maxConcurrency: z.number(), grayPercentage: z.number().optional() }),
  /** A gray release: the share its gray-released apps were last widened to, and when the rollout was completed. */
  gray: z.object({ percentage: z.number(), at: z.string(), completedAt: z.string().optional() }).optional(),
});
const Target = z.object({
  appId: z.string(),
  state: z.enum(TARGET_STATES),
  auditId: z.string().optional(),
  failure: z.object({ step: z.string(), reason: z.string(), errcode: z.number().optional() }).optional(),
  rollback: z.object({ at: z.string(), ok: z.boolean(), reason: z.string().optional(), errcode: z.number().optional() }).optional(),
  /** Share of users the app is live for while gray-released (100 once completed), and the last widen or complete WeChat refused. */
  gray: z.object({
    percentage: z.number(),
    at: z.string(),
    error: z.object({ action: z.enum(['widen', 'complete']), reason: z.string(), errcode: z.number().optional(), at: z.string() }).optional(),
  }).optional(),
  trialQrcode: z.string().optional(),
  updatedAt: z.string(),
  history: z.array(z.object({ at: z.string(), state: z.string(), detail: z.string().optional() })),
});

/**
 * The release pipeline's admin routes: one template to one mini program or the whole fleet.
 * Actions on a release are their own path segment (`/{releaseId}/approve`): API Gateway path
 * variables span whole segments, so `/{releaseId}:approve` could not be routed.
 */
export const RELEASE_ROUTES = {
  startRelease: route({
    method: 'POST', role: 'operator', path: '/admin/releases', tag: 'releases', summary: 'Start a release: domains → commit → audit → release for every target', status: 202,
    description: 'An operator may release to listed apps (`targets.appIds`); releasing to the whole fleet (`targets.allAuthorized`) needs the admin role (403 `forbidden` otherwise).',
    body: z.object({
      templateId: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform(String),
      userVersion: z.string().min(1).max(64),
      userDesc: z.string().max(1024).default(''),
      targets: z.union([
        z.object({ appIds: z.array(AppId).min(1).max(2000) }).strict(),
        /** Every authorized mini program, optionally narrowed: name contains, permission set granted, apps left out. */
        z.object({
          allAuthorized: z.literal(true),
          nicknameContains: z.string().min(1).max(60).optional(),
          withFuncInfo: z.number().int().optional(),
          excludeAppIds: z.array(AppId).max(2000).optional(),
        }).strict(),
      ]),
      extJsonBase: JsonObject.optional(),
      extJsonOverrides: z.record(AppId, JsonObject).optional(),
      domains: ServerDomainLists.optional(),
      webviewDomains: WebviewDomainList.optional(),
      autoRelease: z.boolean().default(true),
      /** Bound as testers of every app after commit. */
      testers: z.array(z.string().min(1).max(64)).max(50).optional(),
      /** Keep each app's trial-version QR code (served per target). */
      trialQrcode: z.boolean().default(false),
      /**
       * Below 100: each app goes live through WeChat's `grayrelease` to this share of its users
       * instead of `release`, and waits gray-released until the rollout is widened or completed.
       * WeChat gray-releases only over a version already online: an app with none fails (85079).
       */
      grayPercentage: z.number().int().min(1).max(100).optional(),
      /**
       * A privacy guide (用户隐私保护指引) for every target, set as its development version after
       * commit and before audit: WeChat rejects code that collects user information without one.
       * `contactOverrides` gives an app its own contacts, merged over `ownerSetting`.
       */
      privacy: PrivacyTemplate.optional(),
      /** The first `count` targets (or the listed ones) must pass audit and be released before the rest start. */
      canary: z.union([z.object({ count: z.number().int().min(1) }).strict(), z.object({ appIds: z.array(AppId).min(1) }).strict()]).optional(),
      maxConcurrency: z.number().int().min(1).max(40).default(10),
    }).strict(),
    response: Release,
    wechat: ['gettemplatelist', 'setprivacysetting (per app, with privacy)'],
  }),
  listReleases: route({
    method: 'GET', role: 'viewer', path: '/admin/releases', tag: 'releases', summary: 'Recent releases',
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(), response: z.object({ releases: z.array(Release) }),
  }),
  getRelease: route({
    method: 'GET', role: 'viewer', path: '/admin/releases/{releaseId}', tag: 'releases', summary: 'Progress: counts by state and a page of targets', params: ReleaseParams,
    query: z.object({ state: z.enum(TARGET_STATES).optional(), limit: z.coerce.number().int().min(1).max(500).default(100), cursor: AppId.optional() }).strict(),
    response: Release.extend({ targets: z.array(Target), nextCursor: z.string().optional() }),
  }),
  approveRelease: route({
    method: 'POST', role: 'operator', path: '/admin/releases/{releaseId}/approve', tag: 'releases', summary: 'Release the apps held for approval (as many as fit in one request; call again while `remaining` > 0)', params: ReleaseParams,
    response: z.object({ released: z.number(), failed: z.number(), remaining: z.number() }), wechat: ['release'],
  }),
  cancelRelease: route({
    method: 'POST', role: 'operator', path: '/admin/releases/{releaseId}/cancel', tag: 'releases', summary: 'Stop the release; unfinished apps become cancelled (as many as fit in one request; call again while `remaining` > 0)', params: ReleaseParams,
    response: z.object({ cancelled: z.number(), remaining: z.number() }),
  }),
  getTrialQrcode: route({
    method: 'GET', role: 'viewer', path: '/admin/releases/{releaseId}/targets/{appId}/trial-qrcode', tag: 'releases', summary: 'The trial QR code kept for one app of a release (image)',
    params: ReleaseParams.extend({ appId: AppId }), response: 'image',
  }),
  rollbackRelease: route({
    method: 'POST', role: 'operator', path: '/admin/releases/{releaseId}/rollback', tag: 'releases', summary: 'Revert every app this release put live (one level; a gray-released app by cancelling its gray release), outcome per app (as many as fit in one request; call again while `remaining` > 0)', params: ReleaseParams,
    response: z.object({ rolledBack: z.number(), failed: z.number(), remaining: z.number() }), wechat: ['revertcoderelease', 'revertgrayrelease'],
  }),
  widenGrayRelease: route({
    method: 'POST', role: 'operator', path: '/admin/releases/{releaseId}/gray', tag: 'releases',
    summary: 'Widen a gray release: every gray-released app to a higher share of its users (as many as fit in one request; call again while `remaining` > 0)', params: ReleaseParams,
    body: z.object({ percentage: z.number().int().min(1).max(100) }).strict(),
    response: z.object({ widened: z.number(), failed: z.number(), remaining: z.number() }), wechat: ['grayrelease', 'getgrayreleaseplan'],
  }),
  completeRollout: route({
    method: 'POST', role: 'operator', path: '/admin/releases/{releaseId}/complete-rollout', tag: 'releases',
    summary: 'Complete a gray release: every gray-released app live for everyone (as many as fit in one request; call again while `remaining` > 0)', params: ReleaseParams,
    response: z.object({ completed: z.number(), failed: z.number(), remaining: z.number() }), wechat: ['release'],
  }),
  retryFailed: route({
    method: 'POST', role: 'operator', path: '/admin/releases/{releaseId}/retry-failed', tag: 'releases', summary: 'Run the failed apps again', params: ReleaseParams,
    response: z.object({ retried: z.number(), executionArn: z.string().optional() }),
  }),
} as const;

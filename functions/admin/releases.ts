import { implement } from '../lib/http/api-route';
import { requireRole, serveRoutes } from '../lib/http/serve-routes';
import { NotFoundError } from '../lib/errors';
import { releaseStore } from '../lib/composition/stores/release';
import { enableTokenKey } from '../lib/composition/token-key';
import { RELEASE_ROUTES as R } from './releases-contract';
import { configuredTokenKey } from '../lib/crypto-at-rest/configured-key';

// This function uses merchant tokens (manifest `tokenKey`), so it takes the token key.
enableTokenKey(configuredTokenKey);

// The console polls a release's progress and lists releases all day: those read the table only.
// Starting, approving, widening, cancelling, retrying and rolling back are rare clicks that call
// WeChat and Step Functions, so the release service loads (with the WeChat client, the
// component credentials and the Step Functions client) on the first of them.
const service = async () => (await import('../lib/composition/release-service')).releaseService();

/** `/admin/releases…`: start a fleet release and follow, approve, widen or complete (gray), cancel, retry or roll it back. */
export const handler = serveRoutes([
  implement(R.startRelease, async ({ body, event }) => {
    // The route is the operator's; the whole fleet at once is the admin's.
    if ('allAuthorized' in body.targets) requireRole(event, 'admin', 'a release to every authorized app (targets.allAuthorized)');
    const claims = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer?.jwt?.claims;
    return (await service()).start({
      templateId: body.templateId,
      userVersion: body.userVersion,
      userDesc: body.userDesc,
      targets: 'allAuthorized' in body.targets ? { filter: body.targets } : { appIds: body.targets.appIds },
      ...(body.canary ? { canary: body.canary } : {}),
      options: {
        autoRelease: body.autoRelease,
        maxConcurrency: body.maxConcurrency,
        ...(body.domains ? { domains: body.domains } : {}),
        ...(body.webviewDomains ? { webviewDomains: body.webviewDomains } : {}),
        ...(body.extJsonBase ? { extJsonBase: body.extJsonBase } : {}),
        ...(body.extJsonOverrides ? { extJsonOverrides: body.extJsonOverrides } : {}),
        ...(body.grayPercentage ? { grayPercentage: body.grayPercentage } : {}),
        ...(body.testers?.length ? { testers: body.testers } : {}),
        ...(body.trialQrcode ? { trialQrcode: true } : {}),
        ...(body.privacy ? { privacy: body.privacy } : {}),
      },
      createdBy: String(claims?.email ?? claims?.['cognito:username'] ?? claims?.sub ?? 'admin'),
    });
  }),
  implement(R.listReleases, async ({ query }) => ({ releases: await releaseStore().list(query.limit) })),
  implement(R.getRelease, async ({ params, query }) => {
    const release = await releaseStore().get(params.releaseId);
    if (!release) throw new NotFoundError(`no release ${params.releaseId}`);
    const page = await releaseStore().targets(params.releaseId, query);
    return { ...release, targets: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }),
  implement(R.approveRelease, async ({ params }) => (await service()).approve(params.releaseId)),
  implement(R.cancelRelease, async ({ params }) => (await service()).cancel(params.releaseId)),
  implement(R.getTrialQrcode, async ({ params }) => {
    const image = await releaseStore().getTrialQrcode(params.releaseId, params.appId);
    if (!image) throw new NotFoundError(`no trial QR code kept for ${params.appId} in ${params.releaseId}`);
    return image;
  }),
  implement(R.rollbackRelease, async ({ params }) => (await service()).rollback(params.releaseId)),
  implement(R.widenGrayRelease, async ({ params, body }) => (await service()).widenGray(params.releaseId, body.percentage)),
  implement(R.completeRollout, async ({ params }) => (await service()).completeRollout(params.releaseId)),
  implement(R.retryFailed, async ({ params }) => (await service()).retryFailed(params.releaseId)),
]);

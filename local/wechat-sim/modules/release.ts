import { z } from 'zod';
import type { SimApp, SimRelease, SimState } from '../state';
import { ok, wechatError, type SimModule } from '../types';
import { syncNetwork } from './domains';
import { authorizerApi, FUNC_SETS, formatError, parseBody, seconds } from './weapp-api';

const GrayReleaseRequest = z.object({ gray_percentage: z.number().optional(), support_experiencer_first: z.boolean().optional(), support_debuger_first: z.boolean().optional() });
const VisitStatusRequest = z.object({ action: z.string().optional() });

const grayActive = (app: SimApp) => app.gray?.status === 1 || app.gray?.status === 2;

const historyJson = (release: SimRelease) => ({
  app_version: release.appVersion,
  user_version: release.version.userVersion,
  user_desc: release.version.userDesc,
  commit_time: seconds(release.version.commitTime),
});

/** Versions a rollback can target: every earlier release except the one online, newest first. */
const history = (app: SimApp) => app.releases.filter((r) => r.appVersion !== app.online?.appVersion).reverse();

/**
 * Publishing an audited version and taking it back (brief steps 15–16): full and gray release,
 * one-step rollback and rollback to a listed version, visibility, and version info.
 */
export function releaseModule(state: SimState): SimModule {
  return {
    routes: {
      // WeChat insists on a JSON body of `{}` (an empty body is 47001). The simulator ignores
      // any fields in the object rather than refusing them, since WeChat does not document that.
      'POST /wxa/release': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app, authorizer }) => {
        const latest = app.audits.at(-1);
        if (latest && (latest.status === 2 || latest.status === 4)) return wechatError(85020, 'audit status does not allow release');
        if (!latest || latest.status !== 0) return wechatError(85019, 'no passed audit version to release');
        if (latest.released) return wechatError(85052, 'this version has already been released');
        const release: SimRelease = {
          appVersion: (app.releases.at(-1)?.appVersion ?? 0) + 1,
          version: latest.version,
          auditId: latest.auditId,
          releaseTime: state.now(),
        };
        app.previous = app.online;
        app.online = release;
        app.releases.push(release);
        app.reverted = false;
        latest.released = true;
        // A full release ends a gray release of the same version.
        if (app.gray && grayActive(app)) app.gray.status = 3;
        // The first release through the platform swaps the app's own domains for the platform's.
        syncNetwork(app, authorizer);
        return ok();
      }),

      'GET /wxa/revertcoderelease': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app, request }) => {
        const { action, app_version: appVersion } = request.query;
        if (action === 'get_history_version') return ok({ version_list: history(app).map(historyJson) });
        if (grayActive(app)) return wechatError(87011, 'gray release in progress, cannot revert');
        let target: SimRelease | undefined;
        if (appVersion !== undefined) {
          target = history(app).find((r) => String(r.appVersion) === appVersion);
        } else {
          // One step back only: a rollback clears `previous`, so there is nothing further back.
          target = app.previous;
        }
        if (!target) return wechatError(87012, 'forbid revert this version release');
        app.online = target;
        app.previous = undefined;
        app.reverted = true;
        return ok();
      }),

      // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_grayrelease
      // (codes from the 2.0 page, Third-party_Platforms/2.0/api/code/grayrelease.html): the staged
      // release of the passed audit over the version online, instead of a full release.
      'POST /wxa/grayrelease': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(GrayReleaseRequest, body);
        if (!request) return formatError();
        const percentage = request.gray_percentage;
        const experiencersFirst = request.support_experiencer_first ?? false;
        const debuggersFirst = request.support_debuger_first ?? false;
        // An integer 0–100; 0 reaches only testers, so it needs one of the two flags.
        if (percentage === undefined || !Number.isInteger(percentage) || percentage < 0 || percentage > 100) return wechatError(85081, 'invalid gray percentage');
        if (percentage === 0 && !experiencersFirst && !debuggersFirst) return wechatError(85081, 'invalid gray percentage: 0 needs support_experiencer_first or support_debuger_first');
        const latest = app.audits.at(-1);
        // WeChat's codes: 85080 the submitted audit has not passed (the brief guessed 85019),
        // 85079 no online version to gray against, 85082 a running plan may only go up.
        if (!latest || latest.status !== 0 || latest.released) return wechatError(85080, 'audit has not passed');
        if (!app.online) return wechatError(85079, 'miniprogram has no online release');
        if (app.gray && grayActive(app) && app.gray.auditId === latest.auditId) {
          if (percentage <= app.gray.grayPercentage) return wechatError(85082, 'gray percentage must be higher than the current one');
          Object.assign(app.gray, { grayPercentage: percentage, status: 1, experiencersFirst, debuggersFirst });
          return ok();
        }
        app.gray = { status: 1, createTimestamp: seconds(state.now()), grayPercentage: percentage, experiencersFirst, debuggersFirst, auditId: latest.auditId };
        return ok();
      }),

      'GET /wxa/getgrayreleaseplan': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) =>
        ok({
          gray_release_plan: {
            status: app.gray?.status ?? 0,
            create_timestamp: app.gray?.createTimestamp ?? 0,
            gray_percentage: app.gray?.grayPercentage ?? 0,
            support_experiencer_first: app.gray?.experiencersFirst ?? false,
            support_debuger_first: app.gray?.debuggersFirst ?? false,
          },
        }),
      ),

      // WeChat documents no error for "no gray release to revert"; the simulator answers ok and changes nothing.
      'GET /wxa/revertgrayrelease': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) => {
        if (app.gray && grayActive(app)) app.gray.status = 4;
        return ok();
      }),

      'POST /wxa/change_visitstatus': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(VisitStatusRequest, body);
        if (!request) return formatError();
        if (request.action !== 'open' && request.action !== 'close') return wechatError(85022, 'invalid action');
        if (request.action === app.visitStatus) return wechatError(85021, 'status not changeable');
        app.visitStatus = request.action;
        return ok();
      }),

      'POST /wxa/getversioninfo': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) => {
        const experience = app.committed;
        const online = app.online;
        // WeChat leaves out the part that does not exist yet.
        return ok({
          ...(experience ? { exp_info: { exp_time: seconds(experience.commitTime), exp_version: experience.userVersion, exp_desc: experience.userDesc } } : {}),
          ...(online ? { release_info: { release_time: seconds(online.releaseTime), release_version: online.version.userVersion, release_desc: online.version.userDesc } } : {}),
        });
      }),
    },
  };
}

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AuthorizerEventPush, AuthorizerEventPusher } from '../authorizer-events';
import type { SimApp, SimAudit, SimState } from '../state';
import { ok, wechatError, type SimModule } from '../types';
import { privacyRejectionReason, unexplainedPrivacyKeys } from './privacy';
import { authorizerApi, bump, FUNC_SETS, formatError, numericId, parseBody, seconds, used } from './weapp-api';

/** Markers in the committed `user_desc` that steer the simulated reviewer. */
export const AUDIT_FAIL_MARKER = '[fail]';
export const AUDIT_DELAY_MARKER = '[delay]';

/**
 * Undo limits: 5 a day and 10 a month per mini program, 87013 beyond
 * (https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_undoaudit.html).
 * Our reference and an old 87013 errmsg said once a day; the doc page wins.
 */
const UNDO_PER_DAY = 5;
const UNDO_PER_MONTH = 10;
/** submit_audit takes at most five items. */
const MAX_AUDIT_ITEMS = 5;

const FAIL_REASON = '小程序内容不符合规范：页面存在未完成的功能（simulated rejection: user_desc carries [fail]）';
const DELAY_REASON = '审核排队中，审核时间将延长（simulated delay: user_desc carries [delay]）';

export type AuditEventKind = 'success' | 'fail' | 'delay';

const SubmitAuditRequest = z.object({
  item_list: z
    .array(
      z.object({
        address: z.string().optional(),
        tag: z.string().optional(),
        first_class: z.string().optional(),
        second_class: z.string().optional(),
        first_id: z.number().optional(),
        second_id: z.number().optional(),
        title: z.string().optional(),
      }),
    )
    .optional(),
});
const AuditIdRequest = z.object({ auditid: numericId.optional() });

const isRunning = (audit: SimAudit) => audit.status === 2 || audit.status === 4;

/**
 * The simulated reviewer. An audit finishes `auditDelayMs` after submission (real timers, so
 * tests pick small values); a `[delay]` audit first sends a delay notice and takes another
 * `auditDelayMs`. Each result goes to the platform as an encrypted message event.
 */
export class AuditCenter {
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly state: SimState,
    private readonly events: AuthorizerEventPusher,
  ) {}

  /** Starts reviewing a new audit. */
  start(audit: SimAudit): void {
    this.schedule(audit, this.state.options.auditDelayMs);
  }

  /** `speedupaudit`: the reviewer gets to it in a tenth of the usual time. */
  speedUp(audit: SimAudit): void {
    audit.speedup = true;
    this.schedule(audit, Math.ceil(this.state.options.auditDelayMs / 10));
  }

  /** `undocodeaudit`: the audit stops; no event follows. */
  withdraw(audit: SimAudit): void {
    this.cancel(audit);
    audit.status = 3;
    audit.finishTime = this.state.now();
  }

  /** Finishes one audit now (its delay notice first, where due), pushes included. */
  async decideNow(audit: SimAudit): Promise<void> {
    while (isRunning(audit)) await this.advance(audit);
  }

  /** Finishes every running audit now (delay notices first, where due), pushes included. */
  async completeAll(): Promise<void> {
    const running = [...this.state.apps.values()].flatMap((app) => app.audits.filter(isRunning));
    await Promise.all(
      running.map(async (audit) => {
        while (isRunning(audit)) await this.advance(audit);
      }),
    );
  }

  /** Pushes one audit event by hand (state unchanged): for tests of repeated and out-of-order pushes. */
  pushEvent(appId: string, kind: AuditEventKind, audit?: SimAudit): Promise<AuthorizerEventPush | undefined> {
    const subject = audit ?? this.state.apps.get(appId)?.audits.at(-1);
    const at = seconds(this.state.now());
    if (kind === 'success') return this.events.push(appId, 'weapp_audit_success', { SuccTime: at }, subject?.auditId);
    if (kind === 'fail') {
      return this.events.push(appId, 'weapp_audit_fail', { Reason: subject?.reason || FAIL_REASON, FailTime: at, ScreenShot: subject?.screenshot || screenshots() }, subject?.auditId);
    }
    return this.events.push(appId, 'weapp_audit_delay', { Reason: DELAY_REASON, DelayTime: at }, subject?.auditId);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private schedule(audit: SimAudit, ms: number): void {
    this.cancel(audit);
    const timer = setTimeout(() => {
      this.timers.delete(audit.auditId);
      void this.advance(audit);
    }, ms);
    timer.unref();
    this.timers.set(audit.auditId, timer);
  }

  private cancel(audit: SimAudit): void {
    clearTimeout(this.timers.get(audit.auditId));
    this.timers.delete(audit.auditId);
  }

  /**
   * One step of the review. State changes before the push is awaited, so a timer and
   * `completeAll` racing on the same audit cannot send an event twice.
   */
  private async advance(audit: SimAudit): Promise<void> {
    if (!isRunning(audit)) return;
    const desc = audit.version.userDesc;
    if (audit.status === 2 && desc.includes(AUDIT_DELAY_MARKER) && !audit.delayNotified) {
      audit.status = 4;
      audit.delayNotified = true;
      audit.reason = DELAY_REASON;
      this.schedule(audit, this.state.options.auditDelayMs);
      await this.pushEvent(audit.appId, 'delay', audit);
      return;
    }
    this.cancel(audit);
    audit.finishTime = this.state.now();
    const unexplained = unexplainedPrivacyKeys(audit);
    if (desc.includes(AUDIT_FAIL_MARKER) || unexplained.length > 0 || this.state.auditRejectedApps.has(audit.appId)) {
      audit.status = 1;
      audit.reason = unexplained.length > 0 ? privacyRejectionReason(unexplained) : FAIL_REASON;
      audit.screenshot = screenshots();
      await this.pushEvent(audit.appId, 'fail', audit);
    } else {
      audit.status = 0;
      audit.reason = '';
      await this.pushEvent(audit.appId, 'success', audit);
    }
  }
}

/** Two media ids of "screenshots" of the offending pages, `|`-separated as WeChat sends them. */
const screenshots = () => [randomBytes(48).toString('base64url'), randomBytes(48).toString('base64url')].join('|');

/**
 * What get_auditstatus and get_latest_auditstatus report. Only the latter names the audit id,
 * and the two spell the screenshots differently: `screenshot` on get_auditstatus, `ScreenShot`
 * in get_latest_auditstatus's example (its doc table says `screenshot`).
 */
function auditStatusJson(audit: SimAudit, latest: boolean) {
  return {
    ...(latest ? { auditid: audit.auditId, ScreenShot: audit.screenshot } : { screenshot: audit.screenshot }),
    status: audit.status,
    reason: audit.reason,
    user_version: audit.version.userVersion,
    user_desc: audit.version.userDesc,
    submit_audit_time: seconds(audit.submitTime),
  };
}

/** The platform's audit quota of this month (shared by all its mini programs): WeChat's `queryquota` numbers. */
function quota(state: SimState) {
  const month = state.period('month');
  const limit = state.options.auditQuotaPerMonth;
  const speedupLimit = state.options.speedupQuotaPerMonth;
  return {
    rest: Math.max(0, limit - used(state.platformCounters.auditSubmits, month)),
    limit,
    speedup_rest: Math.max(0, speedupLimit - used(state.platformCounters.speedups, month)),
    speedup_limit: speedupLimit,
  };
}

/** Submitting code for review, following it, withdrawing and speeding it up (brief steps 13–14). */
export function auditModule(state: SimState, center: AuditCenter): SimModule {
  const findAudit = (app: SimApp, auditId: number | undefined) => app.audits.find((a) => a.auditId === auditId);
  return {
    routes: {
      'GET /wxa/queryquota': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) => ok(quota(state))),

      'POST /wxa/submit_audit': authorizerApi(state, { funcSets: FUNC_SETS.development }, async ({ body, app, appId, authorizer }) => {
        const request = parseBody(SubmitAuditRequest, body);
        if (!request) return formatError();
        const version = app.committed;
        if (!version) return wechatError(85086, 'must commit code before submit audit');
        if (app.audits.some(isRunning)) return wechatError(85009, 'already has an audit in progress');
        if (authorizer.profileIncomplete) return wechatError(86002, 'mini program has not set nickname, head image or signature');
        const items = request.item_list ?? [];
        if (items.length > MAX_AUDIT_ITEMS) return wechatError(85023, 'item_list must have 1 to 5 items');
        const badPage = items.find((item) => item.address !== undefined && !version.pages.includes(item.address.split('?')[0]!));
        if (badPage) return wechatError(85007, `invalid page: ${badPage.address}`);
        const month = state.period('month');
        if (app.forceQuotaExceeded || quota(state).rest <= 0) return wechatError(85085, 'submit audit reach limit, please wait for the audits to finish');
        bump(state.platformCounters.auditSubmits, month);
        const audit: SimAudit = {
          auditId: state.nextAuditId(),
          appId,
          version: { ...version, pages: [...version.pages] },
          request: { ...body },
          submitTime: state.now(),
          status: 2,
          reason: '',
          screenshot: '',
          delayNotified: false,
          speedup: false,
          released: false,
          // The review reads the development privacy guide as it is now; a later set does not change this audit.
          ...(app.privacy.dev ? { privacy: structuredClone(app.privacy.dev) } : {}),
        };
        app.audits.push(audit);
        if (state.options.auditDecidesBeforeAnswer) await center.decideNow(audit);
        else center.start(audit);
        return ok({ auditid: audit.auditId });
      }),

      'POST /wxa/get_auditstatus': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(AuditIdRequest, body);
        if (!request) return formatError();
        const audit = findAudit(app, request.auditid);
        if (!audit) return wechatError(85012, 'invalid audit id');
        return ok(auditStatusJson(audit, false));
      }),

      'GET /wxa/get_latest_auditstatus': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) => {
        const audit = app.audits.at(-1);
        // Nothing was ever submitted: the sim answers WeChat's "invalid audit id".
        if (!audit) return wechatError(85012, 'invalid audit id: no audit submitted');
        return ok(auditStatusJson(audit, true));
      }),

      'GET /wxa/undocodeaudit': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) => {
        const audit = app.audits.find(isRunning);
        // Nothing under review: WeChat has been seen answering 87012 "forbid revert this version"
        // here (e.g. after a rejection); 87013 stays the undo quota.
        if (!audit) return wechatError(87012, 'forbid revert this version release: no audit in progress');
        const day = state.period('day');
        const month = state.period('month');
        if (used(app.counters.undos, day) >= UNDO_PER_DAY || used(app.counters.undos, month) >= UNDO_PER_MONTH) {
          return wechatError(87013, 'no quota to undo code (5 times a day, 10 times a month)');
        }
        bump(app.counters.undos, day);
        bump(app.counters.undos, month);
        center.withdraw(audit);
        return ok();
      }),

      // https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/code-management/api_speedupcodeaudit
      'POST /wxa/speedupaudit': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app }) => {
        const request = parseBody(AuditIdRequest, body);
        if (!request) return formatError();
        const audit = findAudit(app, request.auditid);
        if (!audit) return wechatError(85012, 'invalid audit id');
        if (!isRunning(audit)) return wechatError(89402, 'the audit is not in the audit queue');
        if (audit.speedup) return wechatError(89404, 'this audit has already been sped up');
        if (quota(state).speedup_rest <= 0) return wechatError(89405, 'no speed-up quota left this month');
        bump(state.platformCounters.speedups, state.period('month'));
        center.speedUp(audit);
        return ok();
      }),
    },
  };
}

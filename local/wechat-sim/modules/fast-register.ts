import { z } from 'zod';
import { ERR } from '../../../functions/lib/wechat/errcodes';
import type { SimFastRegistration, SimState } from '../state';
import type { PushSender } from '../ticket-pusher';
import { json, ok, wechatError, type SimModule, type SimRequest, type SimResponse } from '../types';
import { SimControlError } from './merchant-console';
import { componentTokenError } from './weapp-api';

/**
 * Fast registration of enterprise mini programs (快速注册企业小程序), the version WeChat serves
 * since 2026-04-30: `POST /wxa/component/fastregisterenterpriseweapp?action=create|query` with
 * the component token as `access_token`, and `notify_third_fasteregister` once the legal person
 * has (or has not) verified. The retired `/cgi-bin/component/fastregisterweapp` answers
 * `-1 system error` from the server (catalogue's RETIRED_WECHAT_PATHS), as WeChat does now.
 *
 * Sources (see the catalogue entry): WeChat's announcement
 * https://developers.weixin.qq.com/community/develop/doc/0004829e9105005ce7d480e6561401 for the
 * fields (name; code, 18-character unified social credit code only; component_phone, required;
 * new_version must be true; no code_type and no legal-person fields) and for the flow: WeChat
 * answers an authorize_url, sends the legal person nothing, and the legal person must complete
 * it within 24 h. The task statuses are those of the same new-version family's page
 * (api_fastregisterpersonalmp): 0 task created, 1 timed out, 2 refused by the user, 12 created,
 * 14 verification failed, 1001–1008 limits and blacklists, …
 *
 * Errcodes, and where each choice comes from:
 * - 41001 when the token is not under `access_token` (the server, from the catalogue).
 * - -1 "system error" when `new_version` is not `true`: the announcement switched the old
 *   version off with fastregisterweapp, and that is what the switched-off path answers.
 * - 47001 "data format error" for a body that is not an object or a field of the wrong type.
 * - 89253 "lack of some params" for a missing or blank name, code or component_phone
 *   (component_phone is required in the new version).
 * - 89247 "inner error" for a code that is not an 18-character unified social credit code: what
 *   WeChat answered for a code of the wrong length
 *   (https://developers.weixin.qq.com/community/develop/doc/000eca9ce3459035b7ea3744951800).
 * - 40097 "invalid args" for a component_phone that is not phone-like (the simulator's choice;
 *   WeChat documents no phone errcode and its examples include landlines such as 0592-7181661).
 * - 89249 "task running" while the same company (code) has a pending task ("该主体已有任务执行中").
 * - query: 89253 without a taskid, 89250 "task not found" for an unknown one.
 * - An `action` other than create/query: 40097 (chosen; undocumented).
 *
 * The legal person (simulator control, not WeChat): `authorize_url` is
 * `<simulator>/sim/fast-registrations/<taskid>/authorize`, a page with Confirm and Refuse
 * buttons; tests post to `/sim/fast-registrations/<taskid>/approve|reject` or call
 * `sim.answerFastRegistration()` / `sim.completeFastRegistrations()`. A company name carrying
 * `[reject]` makes completeFastRegistrations() fail the task with status 2 (refused);
 * `[reject:1001]` picks any other status.
 */

export const FAST_REGISTER_REJECT_MARKER = '[reject]';
/** The status a refusal carries when none is named: 2, "任务已经被用户拒绝". */
export const DEFAULT_REJECT_STATUS = 2;
/** The status of an unanswered task after 24 h: 1, "任务超时". */
export const TIMEOUT_STATUS = 1;
/** The task status once the mini program exists: 12, "创建成功". */
export const CREATED_STATUS = 12;
/** How long the legal person has to open authorize_url and finish. */
export const AUTHORIZE_URL_LIFETIME_MS = 24 * 3600_000;

/** WeChat's task `status` values (the new-version family's enum) and their meaning, in its words. */
export const FAST_REGISTER_TASK_STATUS: Readonly<Record<number, string>> = {
  0: '生成任务',
  1: '任务超时',
  2: '任务已经被用户拒绝',
  3: '用户同意创建',
  4: '已经发起人脸流程',
  5: '人脸认证失败',
  6: '人脸认证ok',
  7: '人脸认证后，已经提交手机号码下发验证码',
  8: '手机验证失败',
  9: '手机验证成功',
  10: '手机号验证成功后，提交了创建',
  11: '创建失败',
  12: '创建成功',
  13: '验证成功',
  14: '验证失败',
  1001: '主体创建小程序数量达到上限',
  1002: '主体违规命中黑名单',
  1003: '管理员绑定账号数量达到上限',
  1004: '管理员违规命中黑名单',
  1005: '管理员手机绑定账号数量达到上限',
  1006: '管理员手机号违规命中黑名单',
  1007: '管理员身份证创建账号数量达到上限',
  1008: '管理员身份证违规命中黑名单',
};

/** errmsg of each errcode: WeChat's hint (提示语) where it gives one. */
const ERRMSG = {
  [ERR.FAST_REGISTER_INNER_ERROR]: 'inner error',
  [ERR.FAST_REGISTER_TASK_RUNNING]: 'task running',
  [ERR.FAST_REGISTER_TASK_NOT_FOUND]: 'task not found',
  [ERR.FAST_REGISTER_MISSING_PARAMS]: 'lack of some params',
} as const;

/** Every field optional, so a missing one gets 89253 rather than a format error. */
const CreateRequest = z.object({
  name: z.string().optional(),
  code: z.string().optional(),
  component_phone: z.string().optional(),
  new_version: z.boolean().optional(),
});
const QueryRequest = z.object({ taskid: z.string().optional(), new_version: z.boolean().optional() });

/** A unified social credit code: 18 digits and upper-case letters (the only code the new version takes). */
const CREDIT_CODE = /^[0-9A-Z]{18}$/;
const PHONE = /^[0-9+\-() ]+$/;

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

export type NewFastRegistration = Pick<SimFastRegistration, 'name' | 'code' | 'componentPhone'>;

/** What the legal person does on the authorize_url page. */
export type LegalPersonAnswer = { approve: true } | { approve: false; status?: number };

/**
 * The WeChat side of registration tasks: issues the authorize_url, waits for the legal person
 * (or 24 h), then creates the mini program (or fails the task) and pushes the outcome to the
 * platform's authorization event URL.
 */
export class FastRegistrationCenter {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly state: SimState,
    private readonly sender: PushSender,
    private readonly eventsUrl: () => string | undefined,
    /** Where the simulator listens: the authorize_url points there. */
    private readonly baseUrl: () => string,
  ) {}

  get tasks(): readonly SimFastRegistration[] {
    return this.state.fastRegistrations;
  }

  create(fields: NewFastRegistration): SimFastRegistration {
    const taskId = this.state.nextFastRegistrationId();
    const createTime = this.state.now();
    const task: SimFastRegistration = {
      taskId,
      ...fields,
      authorizeUrl: `${this.baseUrl()}/sim/fast-registrations/${taskId}/authorize`,
      status: 0,
      state: 'pending',
      createTime,
      expiresAt: createTime + AUTHORIZE_URL_LIFETIME_MS,
    };
    this.state.fastRegistrations.push(task);
    const delay = this.state.options.fastRegisterDelayMs;
    if (delay > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(taskId);
        this.track(this.finish(task, answerFromName(task.name)));
      }, delay);
      timer.unref();
      this.timers.set(taskId, timer);
    }
    return task;
  }

  /** A pending task of the same company (主体), which blocks a new one (89249). */
  runningFor(code: string): SimFastRegistration | undefined {
    this.expireDue();
    return this.state.fastRegistrations.find((t) => t.state === 'pending' && t.code === code);
  }

  /** The task with this taskid, timed out first if its 24 h are over. */
  find(taskId: string): SimFastRegistration | undefined {
    this.expireDue();
    return this.state.fastRegistrations.find((t) => t.taskId === taskId);
  }

  /** The legal person opens authorize_url. */
  open(taskId: string): SimFastRegistration {
    const task = this.require(taskId);
    task.openedAt ??= this.state.now();
    return task;
  }

  /** The legal person confirms or refuses one task; resolves once its push is answered. */
  async answer(taskId: string, answer: LegalPersonAnswer): Promise<SimFastRegistration> {
    const task = this.require(taskId);
    if (task.state !== 'pending') throw new SimControlError(409, `task ${taskId} already ended with status ${task.status}`);
    task.openedAt ??= this.state.now();
    const work = this.finish(task, answer);
    this.track(work);
    await work;
    return task;
  }

  /**
   * Every pending task ends now (a `[reject]` company name: refused; otherwise confirmed; past
   * 24 h: timed out); resolves once every push (these and earlier timers') is answered.
   */
  async completeAll(): Promise<number> {
    this.expireDue();
    const pending = this.state.fastRegistrations.filter((t) => t.state === 'pending');
    for (const task of pending) this.track(this.finish(task, answerFromName(task.name)));
    await this.settled();
    return pending.length;
  }

  /** Resolves when no push is in flight. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private require(taskId: string): SimFastRegistration {
    const task = this.find(taskId);
    if (!task) throw new SimControlError(404, `no fast-registration task ${taskId}`);
    return task;
  }

  /** Tasks whose authorize_url expired unanswered fail with status 1 (their pushes go out in the background). */
  private expireDue(): void {
    const now = this.state.now();
    for (const task of this.state.fastRegistrations) {
      if (task.state === 'pending' && now > task.expiresAt) this.track(this.finish(task, { approve: false, status: TIMEOUT_STATUS }));
    }
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * The legal person's answer. State changes before the push is awaited, so a timer and a
   * control call racing on the same task cannot push twice. An answer after the 24 h is a timeout.
   */
  private async finish(task: SimFastRegistration, answer: LegalPersonAnswer): Promise<void> {
    if (task.state !== 'pending') return;
    clearTimeout(this.timers.get(task.taskId));
    this.timers.delete(task.taskId);
    task.finishTime = this.state.now();
    const effective: LegalPersonAnswer = task.finishTime > task.expiresAt ? { approve: false, status: TIMEOUT_STATUS } : answer;
    if (effective.approve) {
      // Fast-registered mini programs are authorized to the registering platform at once; the
      // auth code in the push is exchanged with api_query_auth like an `authorized` one.
      const authorizer = this.state.createAuthorizer({ nickname: task.name, principalName: task.name, createdViaApi: true });
      task.state = 'succeeded';
      task.status = CREATED_STATUS;
      task.pushStatus = 0;
      task.msg = 'OK';
      task.appId = authorizer.appId;
      task.authCode = this.state.issueAuthCode(authorizer.appId).authCode;
    } else {
      const status = effective.status ?? DEFAULT_REJECT_STATUS;
      task.state = 'failed';
      task.status = status;
      task.pushStatus = status;
      task.msg = FAST_REGISTER_TASK_STATUS[status] ?? `status ${status}`;
    }
    task.xml = fastRegisterPushXml(this.state.options.component.appId, Math.floor(task.finishTime / 1000), task);
    const url = this.eventsUrl();
    if (url) task.push = await this.sender.push(url, task.xml, undefined, 'fastRegistration');
  }
}

/** What a company name asks completeFastRegistrations() for: `[reject]` → refused (2), `[reject:1001]` → 1001. */
export function answerFromName(name: string): LegalPersonAnswer {
  const match = /\[reject(?::(\d+))?\]/.exec(name);
  if (!match) return { approve: true };
  const status = match[1] === undefined ? DEFAULT_REJECT_STATUS : Number(match[1]);
  return { approve: false, status: status === 0 ? DEFAULT_REJECT_STATUS : status };
}

const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
const text = (value: string) => value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/**
 * `notify_third_fasteregister` in the shape of WeChat's docs: lower-case tags, `appid`/`status`/
 * `auth_code`/`msg` as plain text, the task in a nested `<info>` led by its `taskid` (the one field
 * that ties the push to a new-version task). A failure carries no `appid` and no `auth_code`.
 */
export function fastRegisterPushXml(componentAppId: string, createTime: number, task: SimFastRegistration): string {
  return (
    `<xml><AppId>${cdata(componentAppId)}</AppId><CreateTime>${createTime}</CreateTime>` +
    `<InfoType>${cdata('notify_third_fasteregister')}</InfoType>` +
    (task.appId ? `<appid>${text(task.appId)}</appid>` : '') +
    `<status>${task.pushStatus ?? 0}</status>` +
    (task.authCode ? `<auth_code>${text(task.authCode)}</auth_code>` : '') +
    `<msg>${text(task.msg ?? '')}</msg>` +
    `<info><taskid>${cdata(task.taskId)}</taskid><name>${cdata(task.name)}</name><code>${cdata(task.code)}</code>` +
    `<component_phone>${cdata(task.componentPhone)}</component_phone></info></xml>`
  );
}

function create(center: FastRegistrationCenter, request: SimRequest): SimResponse {
  const body = request.body ?? {};
  const parsed = CreateRequest.safeParse(body);
  if (Array.isArray(body) || !parsed.success) return wechatError(ERR.DATA_FORMAT, 'data format error');
  const { name, code, component_phone: phone, new_version: newVersion } = parsed.data;
  if (newVersion !== true) return wechatError(ERR.SYSTEM_BUSY, 'system error');
  if (!present(name) || !present(code) || !present(phone)) return wechatError(ERR.FAST_REGISTER_MISSING_PARAMS, ERRMSG[ERR.FAST_REGISTER_MISSING_PARAMS]);
  if (!CREDIT_CODE.test(code.trim())) return wechatError(ERR.FAST_REGISTER_INNER_ERROR, ERRMSG[ERR.FAST_REGISTER_INNER_ERROR]);
  const digits = phone.replace(/\D/g, '').length;
  if (!PHONE.test(phone) || digits < 5 || digits > 20) return wechatError(ERR.INVALID_ARGS, 'invalid args: component_phone is not a phone number');
  if (center.runningFor(code.trim())) return wechatError(ERR.FAST_REGISTER_TASK_RUNNING, ERRMSG[ERR.FAST_REGISTER_TASK_RUNNING]);
  const task = center.create({ name, code: code.trim(), componentPhone: phone });
  return ok({ taskid: task.taskId, authorize_url: task.authorizeUrl, status: task.status });
}

function query(center: FastRegistrationCenter, request: SimRequest): SimResponse {
  const body = request.body ?? {};
  const parsed = QueryRequest.safeParse(body);
  if (Array.isArray(body) || !parsed.success) return wechatError(ERR.DATA_FORMAT, 'data format error');
  if (parsed.data.new_version !== true) return wechatError(ERR.SYSTEM_BUSY, 'system error');
  const { taskid } = parsed.data;
  if (!present(taskid)) return wechatError(ERR.FAST_REGISTER_MISSING_PARAMS, ERRMSG[ERR.FAST_REGISTER_MISSING_PARAMS]);
  const task = center.find(taskid);
  if (!task) return wechatError(ERR.FAST_REGISTER_TASK_NOT_FOUND, ERRMSG[ERR.FAST_REGISTER_TASK_NOT_FOUND]);
  return ok({ taskid: task.taskId, authorize_url: task.authorizeUrl, status: task.status });
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, inner: string): SimResponse {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${escapeHtml(title)}</h1>${inner}</body></html>`,
  };
}

/**
 * The authorize_url page: where WeChat's page verifies the legal person (face, phone) and asks
 * for consent, the simulator shows the task and two buttons that play the legal person.
 */
function authorizePage(task: SimFastRegistration): SimResponse {
  const base = `/sim/fast-registrations/${encodeURIComponent(task.taskId)}`;
  const facts = `<p>Company <b>${escapeHtml(task.name)}</b><br>Credit code <code>${escapeHtml(task.code)}</code><br>Platform contact ${escapeHtml(task.componentPhone)}</p>`;
  if (task.state !== 'pending') return page(200, 'Registration finished (simulated WeChat)', `${facts}<p data-state="${task.state}">This task ended: status ${task.status} (${escapeHtml(FAST_REGISTER_TASK_STATUS[task.status] ?? '')}).</p>`);
  return page(
    200,
    'Register a mini program (simulated WeChat)',
    `${facts}<p>As the legal representative, confirm to create the mini program and authorize the platform to manage it. Valid until ${new Date(task.expiresAt).toISOString()}.</p>` +
      `<form method="post" action="${base}/approve?page=1" style="display:inline"><button type="submit" data-test="approve">Confirm</button></form> ` +
      `<form method="post" action="${base}/reject?page=1" style="display:inline"><button type="submit" data-test="reject">Refuse</button></form>`,
  );
}

async function control(request: SimRequest, act: () => Promise<SimFastRegistration> | SimFastRegistration, asPage: (task: SimFastRegistration) => SimResponse): Promise<SimResponse> {
  try {
    const task = await act();
    return request.query.page ? asPage(task) : json(task);
  } catch (error) {
    if (!(error instanceof SimControlError)) throw error;
    return request.query.page ? page(error.status, 'Registration', `<p>${escapeHtml(error.message)}</p>`) : json({ error: error.message }, error.status);
  }
}

function rejectStatus(request: SimRequest): number | undefined {
  const raw = request.query.status ?? (request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>).status : undefined);
  if (raw === undefined) return undefined;
  const status = Number(raw);
  if (!Number.isInteger(status) || status <= 0) throw new SimControlError(400, 'status must be a positive integer (a WeChat task status)');
  return status;
}

export function fastRegisterModule(state: SimState, center: FastRegistrationCenter): SimModule {
  return {
    routes: {
      'POST /wxa/component/fastregisterenterpriseweapp': (request) => {
        const tokenError = componentTokenError(state, request.token);
        if (tokenError) return tokenError;
        const { action } = request.query;
        if (action === 'create') return create(center, request);
        if (action === 'query') return query(center, request);
        return wechatError(ERR.INVALID_ARGS, 'invalid args: action must be create or query');
      },
      'GET /sim/fast-registrations': () => json(center.tasks),
      /** Every pending task ends now (the legal person answers); resolves once the pushes are answered. */
      'POST /sim/fast-registrations/complete': async () => json({ completed: await center.completeAll() }),
      /** The authorize_url: the legal person opens it. */
      'GET /sim/fast-registrations/:taskId/authorize': (request) => control({ ...request, query: { ...request.query, page: '1' } }, () => center.open(request.params.taskId!), authorizePage),
      'POST /sim/fast-registrations/:taskId/approve': (request) => control(request, () => center.answer(request.params.taskId!, { approve: true }), authorizePage),
      'POST /sim/fast-registrations/:taskId/reject': (request) =>
        control(
          request,
          () => {
            const status = rejectStatus(request);
            return center.answer(request.params.taskId!, status === undefined ? { approve: false } : { approve: false, status });
          },
          authorizePage,
        ),
    },
  };
}

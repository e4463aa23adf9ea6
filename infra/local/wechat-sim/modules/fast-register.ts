import { z } from 'zod';
import type { FastRegisterCodeType, SimFastRegistration, SimState } from '../state';
import type { PushSender } from '../ticket-pusher';
import { json, ok, wechatError, type SimModule, type SimRequest, type SimResponse } from '../types';
import { componentTokenError } from './weapp-api';

/**
 * Fast registration of enterprise mini programs (快速注册企业小程序):
 * `POST /cgi-bin/component/fastregisterweapp?action=create|search` with the component token, and
 * the `notify_third_fasteregister` push once the legal person has (or has not) confirmed.
 *
 * Errcodes follow WeChat's API page ("快速注册企业小程序", registerMiniprogram) rather than the
 * project reference where the two differ:
 * - 89253 "lack of some params" for a missing/empty required field (WeChat; not 89247, which is
 *   WeChat's "inner error, retry later" and is only produced here by `sim.script()`).
 * - 89248 invalid code_type; 86004 invalid WeChat id; 61070 legal person name and WeChat id do
 *   not match (WeChat and reference agree).
 * - 89255 `code` does not fit its `code_type` (WeChat's newer table: "code参数无效，请检查 code 长度
 *   以及内容是否正确"; the reference does not list it; older WeChat answered 89247 here).
 * - 89249: WeChat says "该主体已有任务执行中" — the *company* (主体) has a task running — and that
 *   tasks are serial per identity ("单次任务结束后才可以使用相同信息下发第二次任务"); the reference
 *   says "this legal person". The simulator refuses while a pending task has the same company
 *   code, the same company name, or the same legal person WeChat id. WeChat's "retry 24 h after
 *   the last task" is not modelled: once a task ended, a new one is accepted.
 * - component_phone: WeChat marks it optional (必填: 否) and its own example is "1234567"; real
 *   calls send landlines ("0592-7181661"). So the simulator does NOT require 11 digits: absent or
 *   empty is fine, anything phone-like (5–20 digits with + - ( ) spaces) is fine, anything else
 *   (letters, a non-string) gets 40097 "invalid args" (WeChat's global invalid-argument code;
 *   the choice is the simulator's — WeChat documents no phone errcode).
 * - An `action` other than create/search: 40097 (chosen; undocumented).
 * - Non-string fields or a non-number code_type: 47001 data format error (WeChat types them so).
 *
 * `action=search` (WeChat: "只提供当下任务结果查询" — only the current task): 89251 "legal person
 * checking" while the task waits for the legal person (WeChat also has 89252 "front checking",
 * the consistency check before that step, which the simulator skips), errcode 0 once the
 * mini program was created, 89250 "task not found" when no task matches — and also once a task
 * failed (it is over; the outcome travelled in the push, as the community has reported 89250
 * after the legal person finished).
 *
 * Steering markers (the simulator's, not WeChat's):
 * - legal_persona_wechat starting with `unknown` → 86004; legal_persona_name starting with
 *   `mismatch` → 61070 (case-insensitive).
 * - company name containing `[reject]` → the task fails with status 100003 (the legal person
 *   did not confirm within 24 h); `[reject:103]` picks any other status, e.g. WeChat's 101–105,
 *   1000–1008, -1, 100001/100002.
 */

export const FAST_REGISTER_REJECT_MARKER = '[reject]';
export const UNKNOWN_WECHAT_PREFIX = 'unknown';
export const NAME_MISMATCH_PREFIX = 'mismatch';
/** The failure a bare `[reject]` produces. */
export const DEFAULT_REJECT_STATUS = 100003;

/** WeChat's `status` values of `notify_third_fasteregister` and their meaning (its docs' wording). */
export const FAST_REGISTER_STATUS_MSG: Readonly<Record<number, string>> = {
  [-1]: '企业与法人姓名不一致',
  101: '工商数据返回：“企业已注销”',
  102: '工商数据返回：“企业不存在或企业信息未更新”',
  103: '工商数据返回：“企业法定代表人姓名不一致”',
  104: '工商数据返回：“企业法定代表人身份证号码不一致”',
  105: '法定代表人身份证号码，工商数据未更新，请 5-15 个工作日之后尝试',
  1000: '工商数据返回：“企业信息或法定代表人信息不一致”',
  1001: '主体创建小程序数量达到上限',
  1002: '主体违规命中黑名单',
  1003: '管理员绑定账号数量达到上限',
  1004: '管理员违规命中黑名单',
  1005: '管理员手机绑定账号数量达到上限',
  1006: '管理员手机号违规命中黑名单',
  1007: '管理员身份证创建账号数量达到上限',
  1008: '管理员身份证违规命中黑名单',
  100001: '已下发的模板消息法人并未确认且已超时（24h），未进行身份证校验',
  100002: '已下发的模板消息法人并未确认且已超时（24h），未进行人脸识别校验',
  100003: '已下发的模板消息法人并未确认且已超时（24h）',
};

/** errmsg of each errcode: WeChat's hint (提示语) where it gives one. */
const ERRMSG = {
  89247: 'inner error',
  89248: 'invalid code type',
  89249: 'task running',
  89250: 'task not found',
  89251: 'legal person checking',
  89253: 'lack of some params',
  89255: 'invalid code, check its length and content for the code_type',
  86004: 'invalid wechat',
  61070: 'name, wechat name not in accordance',
} as const;

/** Every field optional, so a missing one gets 89253 rather than a format error. */
const CreateRequest = z.object({
  name: z.string().optional(),
  code: z.string().optional(),
  code_type: z.number().optional(),
  legal_persona_wechat: z.string().optional(),
  legal_persona_name: z.string().optional(),
  component_phone: z.string().optional(),
});
const SearchRequest = z.object({
  name: z.string().optional(),
  legal_persona_wechat: z.string().optional(),
  legal_persona_name: z.string().optional(),
});

/** Lengths and alphabets WeChat gives per code_type: 18-char USCC, 9-char xxxxxxxx-x, 15-digit licence no. */
const CODE_FORMAT: Record<FastRegisterCodeType, RegExp> = {
  1: /^[0-9A-Za-z]{18}$/,
  2: /^[0-9A-Za-z]{8}-?[0-9A-Za-z]$/,
  3: /^[0-9]{15}$/,
};
const PHONE = /^[0-9+\-() ]+$/;

const present = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

export type NewFastRegistration = Pick<SimFastRegistration, 'name' | 'code' | 'codeType' | 'legalPersonaWechat' | 'legalPersonaName' | 'componentPhone'>;

/**
 * The WeChat side of a registration task: waits `fastRegisterDelayMs` (the legal person's
 * confirmation), then creates the mini program (or fails it) and pushes the outcome to the
 * platform's authorization event URL.
 */
export class FastRegistrationCenter {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly state: SimState,
    private readonly sender: PushSender,
    private readonly eventsUrl: () => string | undefined,
  ) {}

  get tasks(): readonly SimFastRegistration[] {
    return this.state.fastRegistrations;
  }

  create(fields: NewFastRegistration): SimFastRegistration {
    const task: SimFastRegistration = { taskId: this.state.nextFastRegistrationId(), ...fields, state: 'pending', createTime: this.state.now() };
    this.state.fastRegistrations.push(task);
    const timer = setTimeout(() => {
      this.timers.delete(task.taskId);
      this.track(this.finish(task));
    }, this.state.options.fastRegisterDelayMs);
    timer.unref();
    this.timers.set(task.taskId, timer);
    return task;
  }

  /** A pending task that blocks a new one for the same company or legal person (89249). */
  runningFor(fields: Pick<NewFastRegistration, 'name' | 'code' | 'legalPersonaWechat'>): SimFastRegistration | undefined {
    return this.state.fastRegistrations.find(
      (t) => t.state === 'pending' && (t.code.toUpperCase() === fields.code.toUpperCase() || t.name === fields.name || t.legalPersonaWechat === fields.legalPersonaWechat),
    );
  }

  /** The newest task with exactly this company name and legal person (what `action=search` looks up). */
  find(name: string, legalPersonaWechat: string, legalPersonaName: string): SimFastRegistration | undefined {
    return this.state.fastRegistrations.findLast((t) => t.name === name && t.legalPersonaWechat === legalPersonaWechat && t.legalPersonaName === legalPersonaName);
  }

  /** Ends every pending task now and resolves once every push (these and earlier timers') is answered. */
  async completeAll(): Promise<number> {
    const pending = this.state.fastRegistrations.filter((t) => t.state === 'pending');
    for (const task of pending) this.track(this.finish(task));
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

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /**
   * The legal person's answer. State changes before the push is awaited, so a timer and
   * `completeAll` racing on the same task cannot push twice.
   */
  private async finish(task: SimFastRegistration): Promise<void> {
    if (task.state !== 'pending') return;
    clearTimeout(this.timers.get(task.taskId));
    this.timers.delete(task.taskId);
    task.finishTime = this.state.now();
    const rejectStatus = rejectionStatus(task.name);
    if (rejectStatus === undefined) {
      // Fast-registered mini programs are authorized to the registering platform at once; the
      // auth code in the push is exchanged with api_query_auth like an `authorized` one.
      const authorizer = this.state.createAuthorizer({ nickname: task.name, principalName: task.name, createdViaApi: true });
      task.state = 'succeeded';
      task.status = 0;
      task.msg = 'OK';
      task.appId = authorizer.appId;
      task.authCode = this.state.issueAuthCode(authorizer.appId).authCode;
    } else {
      task.state = 'failed';
      task.status = rejectStatus;
      task.msg = `${FAST_REGISTER_STATUS_MSG[rejectStatus] ?? `status ${rejectStatus}`} (simulated: company name carries ${FAST_REGISTER_REJECT_MARKER})`;
    }
    task.xml = fastRegisterPushXml(this.state.options.component.appId, Math.floor(task.finishTime / 1000), task);
    const url = this.eventsUrl();
    if (url) task.push = await this.sender.push(url, task.xml, undefined, 'fastRegistration');
  }
}

/** The failure status a company name asks for: `[reject]` → 100003, `[reject:103]` → 103; undefined: success. */
export function rejectionStatus(name: string): number | undefined {
  const match = /\[reject(?::(-?\d+))?\]/.exec(name);
  if (!match) return undefined;
  const status = match[1] === undefined ? DEFAULT_REJECT_STATUS : Number(match[1]);
  return status === 0 ? DEFAULT_REJECT_STATUS : status;
}

const cdata = (value: string) => `<![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
const text = (value: string) => value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));

/**
 * `notify_third_fasteregister` as WeChat's docs show it: lower-case tags, `appid`/`status`/
 * `auth_code`/`msg` as plain text, the request echoed in a nested `<info>`. A failure carries
 * no `appid` and no `auth_code` element.
 */
export function fastRegisterPushXml(componentAppId: string, createTime: number, task: SimFastRegistration): string {
  return (
    `<xml><AppId>${cdata(componentAppId)}</AppId><CreateTime>${createTime}</CreateTime>` +
    `<InfoType>${cdata('notify_third_fasteregister')}</InfoType>` +
    (task.appId ? `<appid>${text(task.appId)}</appid>` : '') +
    `<status>${task.status ?? 0}</status>` +
    (task.authCode ? `<auth_code>${text(task.authCode)}</auth_code>` : '') +
    `<msg>${text(task.msg ?? '')}</msg>` +
    `<info><name>${cdata(task.name)}</name><code>${cdata(task.code)}</code><code_type>${task.codeType}</code_type>` +
    `<legal_persona_wechat>${cdata(task.legalPersonaWechat)}</legal_persona_wechat><legal_persona_name>${cdata(task.legalPersonaName)}</legal_persona_name>` +
    `<component_phone>${cdata(task.componentPhone)}</component_phone></info></xml>`
  );
}

function bodyOf(request: SimRequest): unknown {
  return request.body ?? {};
}

function create(center: FastRegistrationCenter, request: SimRequest): SimResponse {
  const parsed = CreateRequest.safeParse(bodyOf(request));
  if (!parsed.success) return wechatError(47001, 'data format error');
  const { name, code, code_type: codeType, legal_persona_wechat: wechat, legal_persona_name: personName, component_phone: phone } = parsed.data;
  if (!present(name) || !present(code) || codeType === undefined || !present(wechat) || !present(personName)) return wechatError(89253, ERRMSG[89253]);
  if (codeType !== 1 && codeType !== 2 && codeType !== 3) return wechatError(89248, ERRMSG[89248]);
  if (!CODE_FORMAT[codeType].test(code.trim())) return wechatError(89255, ERRMSG[89255]);
  if (present(phone)) {
    const digits = phone.replace(/\D/g, '').length;
    if (!PHONE.test(phone) || digits < 5 || digits > 20) return wechatError(40097, 'invalid args: component_phone is not a phone number');
  }
  if (wechat.toLowerCase().startsWith(UNKNOWN_WECHAT_PREFIX)) return wechatError(86004, ERRMSG[86004]);
  if (personName.toLowerCase().startsWith(NAME_MISMATCH_PREFIX)) return wechatError(61070, ERRMSG[61070]);
  if (center.runningFor({ name, code: code.trim(), legalPersonaWechat: wechat })) return wechatError(89249, ERRMSG[89249]);
  center.create({ name, code: code.trim(), codeType, legalPersonaWechat: wechat, legalPersonaName: personName, componentPhone: phone ?? '' });
  return ok();
}

function search(center: FastRegistrationCenter, request: SimRequest): SimResponse {
  const parsed = SearchRequest.safeParse(bodyOf(request));
  if (!parsed.success) return wechatError(47001, 'data format error');
  const { name, legal_persona_wechat: wechat, legal_persona_name: personName } = parsed.data;
  if (!present(name) || !present(wechat) || !present(personName)) return wechatError(89253, ERRMSG[89253]);
  const task = center.find(name, wechat, personName);
  if (!task) return wechatError(89250, ERRMSG[89250]);
  if (task.state === 'pending') return wechatError(89251, ERRMSG[89251]);
  if (task.state === 'failed') return wechatError(89250, `${ERRMSG[89250]}: the task ended with status ${task.status}`);
  return ok();
}

export function fastRegisterModule(state: SimState, center: FastRegistrationCenter): SimModule {
  return {
    routes: {
      'POST /cgi-bin/component/fastregisterweapp': (request) => {
        const tokenError = componentTokenError(state, request.token);
        if (tokenError) return tokenError;
        const { action } = request.query;
        if (action === 'create') return create(center, request);
        if (action === 'search') return search(center, request);
        return wechatError(40097, 'invalid args: action must be create or search');
      },
      'GET /sim/fast-registrations': () => json(center.tasks),
      /** Every pending task ends now (the legal person answers); resolves once the pushes are answered. */
      'POST /sim/fast-registrations/complete': async () => json({ completed: await center.completeAll() }),
    },
  };
}

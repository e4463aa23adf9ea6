import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import type { AuthorizationService } from '../authorization/authorization-service';
import { ConflictError, NotFoundError } from '../errors';
import type { RegistrationRecord, RegistrationStore } from '../store/registration-store';
import type { ComponentApi } from '../wechat/component';
import type { FastRegisterPush } from '../wechat/component-push';
import { pushStatusMeaning, taskStatusMeaning } from './fast-register-status';

/** WeChat gives the legal person 24 h to open the authorize URL and finish. */
export const AUTHORIZE_URL_LIFETIME_MS = 24 * 3600_000;

export type RegistrationInput = Pick<RegistrationRecord, 'name' | 'code' | 'componentPhone'>;

/**
 * Fast registration of enterprise mini programs (`fastregisterenterpriseweapp`, new version):
 * the task and its authorize URL, its status on request, and the outcome push.
 */
export class RegistrationService {
  constructor(
    private readonly store: RegistrationStore,
    private readonly componentApi: ComponentApi,
    private readonly authorization: AuthorizationService,
    private readonly now: () => number = Date.now,
  ) {}

  /** Asks WeChat for the task; stored only once WeChat accepted it (a refusal throws first). */
  async create(input: RegistrationInput): Promise<RegistrationRecord> {
    const requestedAt = this.now();
    const task = await this.componentApi.createFastRegistration(input);
    return this.store.create({
      ...input,
      taskId: task.taskid,
      authorizeUrl: task.authorize_url,
      // Counted from before the call: never later than WeChat's own deadline.
      authorizeUrlExpiresAt: new Date(requestedAt + AUTHORIZE_URL_LIFETIME_MS).toISOString(),
      wechatStatus: { status: task.status, message: taskStatusMeaning(task.status), at: new Date(requestedAt).toISOString() },
    });
  }

  /** `action=query`: WeChat's current task status, kept on the record. */
  async query(registrationId: string): Promise<RegistrationRecord> {
    const record = await this.store.get(registrationId);
    if (!record) throw new NotFoundError(`no registration ${registrationId}`);
    // Records of the retired fastregisterweapp (before 2026-04-30) have no task to ask about.
    if (!record.taskId) throw new ConflictError(`registration ${registrationId} was made with the retired fastregisterweapp and has no WeChat task`, 'no_wechat_task');
    const answer = await this.componentApi.queryFastRegistration(record.taskId);
    return this.store.recordWeChatStatus(registrationId, { status: answer.status, message: taskStatusMeaning(answer.status), at: new Date(this.now()).toISOString() });
  }

  /**
   * `notify_third_fasteregister`, matched to its registration by `info.taskid`: on success the
   * pushed auth_code is exchanged at once, so the new mini program is in the registry already
   * authorized, with tokens; a failure records WeChat's status and its meaning (no appid).
   */
  async handlePush(push: FastRegisterPush, context?: Context): Promise<void> {
    const taskId = push.info.taskid;
    const registrationId = taskId ? await this.store.findIdByTask(taskId) : undefined;
    if (push.status === 0) {
      // Success always carries the code; without it there is nothing to exchange.
      if (!push.auth_code) return void logger.error('fast registration success push without auth_code', { registrationId, taskId });
      const { appId } = await this.authorization.completeAuthorization(push.auth_code, { source: 'push', event: 'authorized' }, { context });
      if (registrationId) await this.store.recordOutcome(registrationId, { state: 'succeeded', appId, result: { status: 0, message: pushStatusMeaning(0, push.msg) } });
      logger.info('fast registration succeeded', { authorizerAppId: appId, registrationId, taskId });
      return;
    }
    if (registrationId) await this.store.recordOutcome(registrationId, { state: 'failed', result: { status: push.status, message: pushStatusMeaning(push.status, push.msg) } });
    logger.warn(registrationId ? 'fast registration failed' : 'fast registration failed for a task we do not know', { registrationId, taskId, status: push.status });
  }
}

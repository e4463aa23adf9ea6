import type { Context } from 'aws-lambda';
import { logger } from '../logger';
import type { AuthorizationService } from '../authorization/authorization-service';
import { NotFoundError } from '../errors';
import type { RegistrationRecord, RegistrationStore } from '../store/registration-store';
import type { ComponentApi } from '../wechat/component';
import type { FastRegisterPush } from '../wechat/component-push';
import { ERRCODE_MEANINGS, WeChatApiError } from '../wechat/errors';

/** 89250 task not found (or ended), 89251 waiting for the legal person, 89252 under review. */
const SEARCH_STATUS_ERRCODES = new Set([89250, 89251, 89252]);

/**
 * What a failed fast registration's `status` means (WeChat's notify_third_fasteregister
 * codes), so the operator can tell the merchant what to fix.
 */
export const FAST_REGISTER_STATUS: Readonly<Record<number, string>> = {
  0: 'registered',
  [-1]: 'company name and legal person do not match',
  101: 'business registry: the company is deregistered',
  102: 'business registry: the company does not exist or its record is not updated yet',
  103: 'business registry: the legal representative\'s name does not match',
  104: 'business registry: the legal representative\'s ID number does not match',
  105: 'business registry not updated for the legal representative\'s ID; retry in 5–15 working days',
  1000: 'business registry: company or legal representative information does not match',
  1001: 'the company has reached its limit of mini programs',
  1002: 'the company is blacklisted',
  1003: 'the administrator has reached the limit of bound accounts',
  1004: 'the administrator is blacklisted',
  1005: 'the administrator\'s phone has reached the limit of bound accounts',
  1006: 'the administrator\'s phone is blacklisted',
  1007: 'the administrator\'s ID has reached the limit of created accounts',
  1008: 'the administrator\'s ID is blacklisted',
  100001: 'the legal representative did not confirm within 24 h (ID check not done)',
  100002: 'the legal representative did not confirm within 24 h (face check not done)',
  100003: 'the legal representative did not confirm within 24 h',
};

export type RegistrationInput = Pick<RegistrationRecord, 'name' | 'code' | 'codeType' | 'legalPersonaWechat' | 'legalPersonaName' | 'componentPhone'>;

/** Fast registration of enterprise mini programs (`fastregisterweapp`) and its outcome push. */
export class RegistrationService {
  constructor(
    private readonly store: RegistrationStore,
    private readonly componentApi: ComponentApi,
    private readonly authorization: AuthorizationService,
  ) {}

  /** Asks WeChat to create the mini program; stored only once WeChat accepted the task. */
  async create(input: RegistrationInput): Promise<RegistrationRecord> {
    await this.componentApi.fastRegisterWeapp('create', {
      name: input.name,
      code: input.code,
      code_type: input.codeType,
      legal_persona_wechat: input.legalPersonaWechat,
      legal_persona_name: input.legalPersonaName,
      component_phone: input.componentPhone,
    });
    return this.store.create(input);
  }

  /** `action=search`: WeChat's current answer, kept on the record. */
  async search(registrationId: string): Promise<RegistrationRecord> {
    const record = await this.require(registrationId);
    let answer: Record<string, unknown>;
    try {
      answer = await this.componentApi.fastRegisterWeapp('search', { name: record.name, legal_persona_wechat: record.legalPersonaWechat, legal_persona_name: record.legalPersonaName });
    } catch (error) {
      // For a search these errcodes are the task's status, not a failure of the call.
      if (!(error instanceof WeChatApiError && SEARCH_STATUS_ERRCODES.has(error.errcode))) throw error;
      answer = { errcode: error.errcode, errmsg: error.errmsg, meaning: ERRCODE_MEANINGS[error.errcode] ?? error.errmsg };
    }
    return this.store.recordSearch(registrationId, answer);
  }

  /**
   * `notify_third_fasteregister`: on success the pushed auth_code is exchanged at once, so the
   * new mini program is in the registry already authorized, with tokens.
   */
  async handlePush(push: FastRegisterPush, context?: Context): Promise<void> {
    const registrationId = await this.store.findIdByCompany(push.info.name, push.info.legal_persona_wechat);
    if (push.status === 0 && push.auth_code) {
      const { appId } = await this.authorization.completeAuthorization(push.auth_code, { source: 'push', event: 'authorized' }, { context });
      if (registrationId) await this.store.recordOutcome(registrationId, { state: 'succeeded', appId, result: { status: 0, message: FAST_REGISTER_STATUS[0]! } });
      logger.info('fast registration succeeded', { authorizerAppId: appId, registrationId });
      return;
    }
    const message = FAST_REGISTER_STATUS[push.status] ?? (push.msg || `WeChat status ${push.status}`);
    if (registrationId) await this.store.recordOutcome(registrationId, { state: 'failed', result: { status: push.status, message } });
    logger.warn('fast registration failed', { registrationId, status: push.status });
  }

  private async require(registrationId: string): Promise<RegistrationRecord> {
    const record = await this.store.get(registrationId);
    if (!record) throw new NotFoundError(`no registration ${registrationId}`);
    return record;
  }
}

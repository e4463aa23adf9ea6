import { ReleaseService } from '../release/release-service';
import { componentCredentials } from '../wechat/component-credentials';
import { authorizerProfileStore } from './stores/authorizer-profile';
import { releaseStore } from './stores/release';
import { miniProgramService, templateApi } from './weapp-services';

/**
 * Starting and acting on fleet releases: the template library, the mini programs' WeChat calls
 * and Step Functions. Its own module so that adminReleases loads it, and with it the WeChat
 * client and the Step Functions client, on the first action rather than at every cold start.
 */
export async function releaseService(): Promise<ReleaseService> {
  const credentials = await componentCredentials();
  const [templates, miniPrograms] = await Promise.all([templateApi(credentials), miniProgramService(credentials)]);
  return new ReleaseService({ releases: releaseStore(), authorizers: authorizerProfileStore() }, templates, credentials.appId, miniPrograms);
}

import { SFNClient } from '@aws-sdk/client-sfn';
import { config } from '../config';
import { sharedClient } from './client-registry';

/** `STEPFUNCTIONS_ENDPOINT` points it at a local stand-in; without it, the regional service. */
export function sfnClient(): SFNClient {
  return sharedClient(sfnClient, () => {
    const { STEPFUNCTIONS_ENDPOINT, AWS_REGION } = config();
    return new SFNClient({ region: AWS_REGION, ...(STEPFUNCTIONS_ENDPOINT ? { endpoint: STEPFUNCTIONS_ENDPOINT } : {}) });
  });
}

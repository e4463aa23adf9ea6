import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { RefreshLease } from '../../store/refresh-lease';
import { once } from '../process-scope';

/** The lease the token stores share, so one refresher at a time renews a token. */
export function refreshLease(): RefreshLease {
  return once(refreshLease, () => new RefreshLease(dynamoDocumentClient(), config().TABLE_NAME));
}

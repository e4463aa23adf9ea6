import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { ReleaseStore } from '../../store/release-store';
import { once } from '../process-scope';

export function releaseStore(): ReleaseStore {
  return once(releaseStore, () => new ReleaseStore(dynamoDocumentClient(), config().TABLE_NAME));
}

import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoAuditStore, type AuditStore } from '../../store/audit-store';
import { countAuditOutcome } from '../../observability/release-signals';
import { once } from '../process-scope';

/** WeChat's code audits (the admin API's own trail is `auditTrailStore`). */
export function auditStore(): AuditStore {
  return once(auditStore, () => new DynamoAuditStore(dynamoDocumentClient(), config().TABLE_NAME, countAuditOutcome));
}

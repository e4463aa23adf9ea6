import { dynamoDocumentClient } from '../../aws/dynamodb';
import { config } from '../../config';
import { DynamoAuditTrailStore, type AuditTrailStore } from '../../store/audit-trail-store';
import { once } from '../process-scope';

/** Who did what through the admin API (not WeChat's code audits: that is `auditStore`). */
export function auditTrailStore(): AuditTrailStore {
  return once(auditTrailStore, () => new DynamoAuditTrailStore(dynamoDocumentClient(), config().TABLE_NAME));
}

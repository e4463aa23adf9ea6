import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured JSON logger for every function. Values of secrets and tokens are never
 * passed to it; log their presence or expiry instead.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'weapp-fleet' });

/**
 * SDK clients built from configuration only: an `*_ENDPOINT` value points the same client at
 * a local stand-in, its absence at the real regional service. Created lazily and shared per
 * process, so a warm Lambda reuses its connections.
 *
 * All of them at once, for the tests and the local runtime. Function code imports the one
 * module per client it uses (./dynamodb, ./secrets-manager, ./sfn, ./s3): with code
 * splitting a module is bundled whole into the chunk that needs it, so one module holding
 * every client put Step Functions and S3 into every function's init.
 */
export { resetClients } from './client-registry';
export { dynamoClient, dynamoDocumentClient } from './dynamodb';
export { s3Client } from './s3';
export { secretsManagerClient } from './secrets-manager';
export { sfnClient } from './sfn';

/**
 * The release state machine, written once. The per-app chain below runs in two Map flavours:
 * inline inside each wave (`Waves` → `Targets`), and as child executions of a Distributed Map
 * for fleets too large for the execution input (`DistributedTargets`), where its states carry
 * the `Fleet` prefix because state names are unique per machine. CDK deploys and the local
 * runner executes the JSON `releaseDefinitionJson()` builds, with `${PipelineFunctionArn}`
 * substituted by each (the step names are STEPS of functions/lib/release/steps.ts).
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type State = { [key: string]: Json };

/** Replaced by the pipeline function's ARN: `definitionSubstitutions` in CDK, `substitute()` locally. */
const PIPELINE_FUNCTION = '${PipelineFunctionArn}';
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
/** The per-app chain's state names in the Distributed Map start with this. */
export const DISTRIBUTED_PREFIX = 'Fleet';

/** WeChat's "try later" (WeChatRetryableError, step-errors.ts) and Lambda's own throttling. */
const RETRYABLE = ['WeChatRetryableError', 'Lambda.TooManyRequestsException', 'Lambda.ServiceException'];
const RETRY_WECHAT: State = { ErrorEquals: RETRYABLE, IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' };
/** Bookkeeping steps only touch the table: any failure is worth a few quick retries. */
const RETRY_ANY: State = { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 };
/** Any other failure of a step is recorded on that app; it never stops the others. */
const CATCH_INTO_FAILURE: State = { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' };

const invoke = (payload: State): State => ({ Type: 'Task', Resource: LAMBDA_INVOKE, Parameters: { FunctionName: PIPELINE_FUNCTION, Payload: payload } });
const forApp = (step: string, extra: State = {}): State => ({ step, 'releaseId.$': '$.releaseId', 'appId.$': '$.appId', ...extra });

/** A step that calls WeChat for one app and answers `{ outcome }`. */
const appStep = (step: string, next: string): State => ({
  ...invoke(forApp(step)),
  ResultSelector: { 'outcome.$': '$.Payload.outcome' },
  ResultPath: '$.last',
  Retry: [RETRY_WECHAT],
  Catch: [CATCH_INTO_FAILURE],
  Next: next,
});

/** One target app, from its domains to released, held or failed: the chain both Maps run. */
const PER_APP: { StartAt: string; States: Record<string, State> } = {
  StartAt: 'SetDomains',
  States: {
    SetDomains: appStep('setDomains', 'Commit'),
    Commit: appStep('commit', 'SubmitAudit'),
    SubmitAudit: appStep('submitAudit', 'AuditQuotaLeft'),
    AuditQuotaLeft: {
      Type: 'Choice',
      Choices: [{ Variable: '$.last.outcome', StringEquals: 'waiting_quota', Next: 'WaitForAuditQuota' }],
      Default: 'WaitForAudit',
    },
    WaitForAuditQuota: { Type: 'Wait', Seconds: 3600, Next: 'SubmitAudit' },
    WaitForAudit: {
      Comment: 'Costs nothing while waiting: the audit push resumes it with the task token. If no push comes in time, poll.',
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: PIPELINE_FUNCTION, Payload: forApp('awaitAudit', { 'taskToken.$': '$$.Task.Token' }) },
      TimeoutSeconds: 21600,
      ResultPath: '$.audit',
      Catch: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], ResultPath: null, Next: 'PollAudit' }, CATCH_INTO_FAILURE],
      Next: 'AuditOutcome',
    },
    PollAudit: {
      ...invoke(forApp('pollAudit')),
      ResultSelector: { 'status.$': '$.Payload.status' },
      ResultPath: '$.audit',
      Retry: [{ ErrorEquals: RETRYABLE, IntervalSeconds: 30, MaxAttempts: 6, BackoffRate: 2 }],
      Catch: [CATCH_INTO_FAILURE],
      Next: 'AuditOutcome',
    },
    AuditOutcome: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.audit.status', StringEquals: 'passed', Next: 'ReleaseNow' },
        { Variable: '$.audit.status', StringEquals: 'rejected', Next: 'Done' },
        { Variable: '$.audit.status', StringEquals: 'withdrawn', Next: 'Done' },
      ],
      Default: 'WaitBeforePolling',
    },
    WaitBeforePolling: { Type: 'Wait', Seconds: 1800, Next: 'PollAudit' },
    ReleaseNow: appStep('release', 'ReleaseOutcome'),
    ReleaseOutcome: {
      Type: 'Choice',
      Comment: 'WeChat refused the release because the audit is still under review (the success push was for another audit): poll it again.',
      Choices: [{ Variable: '$.last.outcome', StringEquals: 'audit_pending', Next: 'WaitBeforePolling' }],
      Default: 'Done',
    },
    RecordFailure: {
      ...invoke(forApp('recordFailure', { 'error.$': '$.error' })),
      ResultPath: null,
      Retry: [RETRY_ANY],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

/** A copy of `chain` with `prefix` on every state name and on every transition to one. */
export function withPrefix(chain: { StartAt: string; States: Record<string, State> }, prefix: string): { StartAt: string; States: Record<string, State> } {
  const names = new Set(Object.keys(chain.States));
  const rename = (name: string): string => (names.has(name) ? `${prefix}${name}` : name);
  const walk = (value: Json): Json => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, (key === 'Next' || key === 'Default') && typeof v === 'string' ? rename(v) : walk(v)]));
  };
  return { StartAt: rename(chain.StartAt), States: Object.fromEntries(Object.entries(chain.States).map(([name, state]) => [rename(name), walk(state) as State])) };
}

const TARGET_ITEM: State = { 'releaseId.$': '$.releaseId', 'appId.$': '$$.Map.Item.Value' };

/** The whole machine, a fresh object each call. */
export function releaseDefinition(): { Comment: string; StartAt: string; States: Record<string, State> } {
  const fleet = withPrefix(PER_APP, DISTRIBUTED_PREFIX);
  return {
    Comment:
      'weapp-fleet release: for every target mini program, set domains, commit the template, submit for audit, wait for the result (push, or polling if the push is lost), then release or hold for approval. A failure is recorded on that app and never stops the others.',
    StartAt: 'TargetSource',
    States: {
      TargetSource: {
        Type: 'Choice',
        Comment: 'Up to a few thousand targets travel in the execution input (inline Map, waves); beyond that the list is in S3 (Distributed Map).',
        Choices: [{ Variable: '$.targetsS3', IsPresent: true, Next: 'DistributedTargets' }],
        Default: 'Waves',
      },
      Waves: {
        Comment: 'Waves run one after another: a canary wave must be released in full before the rest start.',
        Type: 'Map',
        ItemsPath: '$.waves',
        MaxConcurrency: 1,
        ItemSelector: { 'releaseId.$': '$.releaseId', 'maxConcurrency.$': '$.maxConcurrency', 'waveIndex.$': '$$.Map.Item.Index', 'targets.$': '$$.Map.Item.Value' },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'GateWave',
          States: {
            GateWave: {
              ...invoke({ step: 'gateWave', 'releaseId.$': '$.releaseId', 'waveIndex.$': '$.waveIndex' }),
              ResultSelector: { 'proceed.$': '$.Payload.proceed' },
              ResultPath: '$.gate',
              Retry: [RETRY_ANY],
              Next: 'WaveProceeds',
            },
            WaveProceeds: { Type: 'Choice', Choices: [{ Variable: '$.gate.proceed', BooleanEquals: true, Next: 'Targets' }], Default: 'WaveStopped' },
            WaveStopped: { Type: 'Succeed' },
            Targets: {
              Type: 'Map',
              ItemsPath: '$.targets',
              MaxConcurrencyPath: '$.maxConcurrency',
              ItemSelector: TARGET_ITEM,
              ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, ...PER_APP },
              ResultPath: null,
              End: true,
            },
          },
        },
        ResultPath: null,
        Next: 'Finalize',
      },
      DistributedTargets: {
        Comment: 'Fleets too large for the execution input: the target list is read from S3 and each app runs as a child execution (same per-app states).',
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': '$.targetsS3.bucket', 'Key.$': '$.targetsS3.key' } },
        MaxConcurrencyPath: '$.maxConcurrency',
        ToleratedFailurePercentage: 100,
        ItemSelector: TARGET_ITEM,
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...fleet },
        ResultPath: null,
        Next: 'Finalize',
      },
      Finalize: {
        ...invoke({ step: 'finalize', 'releaseId.$': '$.releaseId' }),
        ResultSelector: { 'status.$': '$.Payload.status', 'counts.$': '$.Payload.counts' },
        Retry: [RETRY_ANY],
        End: true,
      },
    },
  };
}

/** The definition as CDK deploys it and the local runner reads it (before substitution). */
export function releaseDefinitionJson(): string {
  return `${JSON.stringify(releaseDefinition(), null, 2)}\n`;
}

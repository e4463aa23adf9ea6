import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, dynamoDocumentClient } from '../../functions/lib/aws/clients';
import { keys } from '../../functions/lib/store/keys';
import { tokenItem } from '../../functions/lib/store/authorizer-token-store';
import { tokenCipher } from '../../functions/lib/platform';
import { REFRESH_FINISH_MARGIN_MS, type RefreshSummary } from '../../functions/scheduler/refresh-tokens';
import { AUTHORIZER_REFRESH_AHEAD_MS } from '../../functions/lib/tokens/authorizer-access-token';
import { FUNCTIONS } from '../../infra/manifest';
import { localLambdaContext } from '../../local/lambda-context';
import { startBenchPlatform } from './bench-platform';
import { fmt, verdict } from './stats';

const AUTHORIZERS = Number(process.env.BENCH_AUTHORIZERS ?? 100_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
/** 20 is the platform's default REFRESH_CONCURRENCY. */
const CONCURRENCY_LEVELS = (process.env.BENCH_CONCURRENCY ?? '20').split(',').map(Number);
/** WeChat's authorizer access tokens live 2 h; the schedule (infra/manifest.ts) runs the refresher every 5 minutes. */
const TOKEN_LIFETIME_MS = 2 * 3600 * 1000;
const SCHEDULE_INTERVAL_MS = 5 * 60 * 1000;
const LAMBDA_MAX_MS = 15 * 60 * 1000;
/** BatchWrites in flight while seeding. */
const SEED_PARALLEL = 8;
const TARGET_RATIO = 1.25;
const TARGET_REQUESTS_PER_REFRESH = 3;

/**
 * The scheduled refresher renewing 100,000 due authorizer tokens at once (the worst case: the
 * whole fleet due in the same run) against the simulator with 50 ms added to every WeChat
 * answer, invoked as Lambda would be, with its 300 s timeout. The limit is N × latency /
 * concurrency: the time the WeChat calls alone take at that concurrency. DynamoDB requests are
 * counted on the SDK client. A run that would outlast its timeout stops starting refreshes 30 s
 * before it and leaves the rest due for the next scheduled run; the bench says whether one run
 * keeps every token valid, and otherwise how many runs the backlog takes.
 */
export async function refreshBench(): Promise<void> {
  const platform = await startBenchPlatform();
  try {
    const sim = platform.simulator!;
    const { tableName, component } = platform.settings;
    await sim.ticketPusher.pushNow();
    const seeded = sim.seedAuthorizers(AUTHORIZERS);
    const db = dynamoDocumentClient();
    const seedStarted = performance.now();
    // Registry state as after authorization: refresh tokens stored, access tokens not yet due.
    // Items as the token store writes them (tokenItem), in batches rather than one transaction each.
    const tokens = seeded.map(({ appId, refreshToken }) => ({ appId, componentAppId: component.appId, refreshToken }));
    const cipher = tokenCipher();
    const items = async (expiresAt: number) => Promise.all(tokens.map(async (token) => (await tokenItem.put(tableName, cipher, { ...token, expiresAt })).Item));
    await putAll(tableName, await items(Date.now() + TOKEN_LIFETIME_MS), component.appId, Date.now() + TOKEN_LIFETIME_MS);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../functions/scheduler/refresh-tokens') as { handler: (event: unknown, context?: ReturnType<typeof localLambdaContext>) => Promise<RefreshSummary> };
    // Warm-up run without latency and with nothing due: obtains the component token.
    const warm = await handler({});
    if (warm.authorizers.due !== 0 || warm.component !== 'refreshed') throw new Error(`warm-up run: ${JSON.stringify(warm)}`);
    // Now the whole fleet is due at once.
    await putAll(tableName, await items(0), component.appId, 0);
    console.log(`refresh: ${fmt(AUTHORIZERS)} authorizers seeded (simulator state, and the token items through BatchWrite) in ${fmt((performance.now() - seedStarted) / 1000, 1)} s`);

    let requests = 0;
    const byCommand = new Map<string, number>();
    dynamoClient().middlewareStack.add(
      (next, context) => (args) => {
        requests++;
        byCommand.set(context.commandName ?? '?', (byCommand.get(context.commandName ?? '?') ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'benchRequestCounter' },
    );

    const timeoutMs = FUNCTIONS.refreshTokens.timeoutSeconds * 1000;
    console.log(`refresh: ${fmt(AUTHORIZERS)} due authorizer tokens at once, simulator latency ${LATENCY_MS} ms, one scheduled invocation (timeout ${fmt(timeoutMs / 1000)} s, no refresh started in its last ${fmt(REFRESH_FINISH_MARGIN_MS / 1000)} s)`);
    for (const [level, concurrency] of CONCURRENCY_LEVELS.entries()) {
      // Make every token due again, straight from the expiry index (refresh tokens rotate on each refresh).
      if (level > 0) {
        const { Items = [] } = await queryAll(tableName, component.appId);
        await putAll(tableName, Items, component.appId, 0);
      }
      process.env.REFRESH_CONCURRENCY = String(concurrency);
      (await import('../../functions/lib/config')).resetConfig();
      requests = 0;
      byCommand.clear();
      sim.latencyMs = LATENCY_MS;
      const started = performance.now();
      const run = await handler({}, localLambdaContext('refreshTokens'));
      const wallMs = performance.now() - started;
      sim.latencyMs = 0;
      const { refreshed, deferred = 0, failed } = run.authorizers;
      if (refreshed + deferred !== AUTHORIZERS || failed > 0) throw new Error(`refreshed ${refreshed} and deferred ${deferred} of ${AUTHORIZERS} (${JSON.stringify(run.authorizers)})`);
      const limitMs = (AUTHORIZERS * LATENCY_MS) / concurrency;
      const ratio = wallMs / limitMs;
      const perRefresh = requests / refreshed;
      // A backlog split over runs every 5 minutes: the last token is refreshed (runs − 1) × 5 min after the first, inside its 30 min ahead.
      const runsNeeded = Math.ceil(AUTHORIZERS / refreshed);
      const keptValid = (runsNeeded - 1) * SCHEDULE_INTERVAL_MS < AUTHORIZER_REFRESH_AHEAD_MS;
      console.log(`  concurrency ${concurrency}${concurrency === 20 ? ' (default)' : ''}`);
      console.log(`    wall time             ${fmt(wallMs / 1000, 2)} s   (${fmt(refreshed / (wallMs / 1000))} refreshes/s); the function's timeout ${fmt(timeoutMs / 1000)} s, Lambda's maximum ${fmt(LAMBDA_MAX_MS / 1000)} s  ${verdict(wallMs < timeoutMs)}`);
      console.log(`    refreshed             ${fmt(refreshed)} of ${fmt(AUTHORIZERS)}; deferred to the next run ${fmt(deferred)}`);
      console.log(`    limit N×latency/conc. ${fmt(limitMs / 1000, 2)} s`);
      if (deferred === 0) console.log(`    ratio                 ${fmt(ratio, 2)}×   target ≤ ${TARGET_RATIO}×  ${verdict(ratio <= TARGET_RATIO)}`);
      console.log(`    every token valid     ${deferred === 0 ? 'yes: one scheduled run refreshed the whole fleet' : `${keptValid ? 'yes' : 'NO'}: the backlog takes ${runsNeeded} runs ${fmt(SCHEDULE_INTERVAL_MS / 60_000)} min apart, the last token ${fmt(((runsNeeded - 1) * SCHEDULE_INTERVAL_MS) / 60_000)} min after the first, refreshed ${fmt(AUTHORIZER_REFRESH_AHEAD_MS / 60_000)} min ahead of expiry`}  ${verdict(keptValid)}`);
      console.log(`    steady state          tokens spread over their ${fmt(TOKEN_LIFETIME_MS / 3_600_000)} h life: ${fmt((AUTHORIZERS * SCHEDULE_INTERVAL_MS) / TOKEN_LIFETIME_MS)} due per ${fmt(SCHEDULE_INTERVAL_MS / 60_000)}-minute run, ${fmt(((AUTHORIZERS * SCHEDULE_INTERVAL_MS) / TOKEN_LIFETIME_MS / refreshed) * wallMs / 1000, 1)} s at this rate`);
      console.log(`    DynamoDB requests     ${fmt(requests)} = ${fmt(perRefresh, 2)} per refresh   target ≤ ${TARGET_REQUESTS_PER_REFRESH}  ${verdict(perRefresh <= TARGET_REQUESTS_PER_REFRESH)}`);
      console.log(`      by command          ${[...byCommand].map(([name, n]) => `${name.replace(/Command$/, '')} ${fmt(n)}`).join(', ')}`);
    }
  } finally {
    await platform.stop();
  }

  async function queryAll(tableName: string, componentAppId: string): Promise<{ Items?: Record<string, unknown>[] }> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoDocumentClient().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.tokenExpiryIndex(componentAppId, 0, '').gsi1pk },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { Items: items };
  }

  /** Writes the token items with this expiry (0: due now), SEED_PARALLEL batches of 25 at a time, unprocessed items retried. */
  async function putAll(tableName: string, items: Record<string, unknown>[], componentAppId: string, expiresAt: number): Promise<void> {
    const batches: Record<string, unknown>[][] = [];
    for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
          [tableName]: batch.map((item) => ({ PutRequest: { Item: { ...item, expiresAt, ...keys.tokenExpiryIndex(componentAppId, expiresAt, String(item.appId)) } } })),
        };
        while (request && Object.keys(request).length) {
          const { UnprocessedItems } = await dynamoDocumentClient().send(new BatchWriteCommand({ RequestItems: request }));
          request = UnprocessedItems as typeof request;
        }
      }
    };
    await Promise.all(Array.from({ length: SEED_PARALLEL }, worker));
  }
}

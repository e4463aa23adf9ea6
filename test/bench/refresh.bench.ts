import { performance } from 'node:perf_hooks';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoClient, dynamoDocumentClient } from '../../functions/lib/aws/clients';
import { keys } from '../../functions/lib/store/keys';
import type { RefreshSummary } from '../../functions/scheduler/refresh-tokens';
import { startBenchPlatform } from './bench-platform';
import { fmt, verdict } from './stats';

const AUTHORIZERS = Number(process.env.BENCH_AUTHORIZERS ?? 10_000);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
/** 20 is the platform's default REFRESH_CONCURRENCY. */
const CONCURRENCY_LEVELS = (process.env.BENCH_CONCURRENCY ?? '10,20').split(',').map(Number);
const TARGET_RATIO = 1.25;
const TARGET_REQUESTS_PER_REFRESH = 3;

/**
 * The scheduled refresher renewing 10,000 due authorizer tokens against the simulator with
 * 50 ms added to every WeChat answer. The limit is N × latency / concurrency: the time the
 * WeChat calls alone take at that concurrency. DynamoDB requests are counted on the SDK client.
 */
export async function refreshBench(): Promise<void> {
  const platform = await startBenchPlatform();
  try {
    const sim = platform.simulator!;
    const { tableName, component } = platform.settings;
    await sim.ticketPusher.pushNow();
    const seeded = sim.seedAuthorizers(AUTHORIZERS);
    const db = dynamoDocumentClient();
    // Registry state as after authorization: refresh tokens stored, access tokens due.
    await putAll(
      tableName,
      seeded.map(({ appId, refreshToken }) => ({ ...keys.authorizerToken(appId), type: 'AuthorizerToken', appId, componentAppId: component.appId, refreshToken })),
      component.appId,
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require('../../functions/scheduler/refresh-tokens') as { handler: () => Promise<RefreshSummary> };
    // Warm-up run without latency: obtains the component token and warms both JITs.
    const warm = await handler();
    if (warm.authorizers.refreshed !== AUTHORIZERS) throw new Error(`warm-up run refreshed ${warm.authorizers.refreshed} of ${AUTHORIZERS}`);

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

    console.log(`refresh: ${fmt(AUTHORIZERS)} due authorizer tokens, simulator latency ${LATENCY_MS} ms`);
    for (const concurrency of CONCURRENCY_LEVELS) {
      // Make every token due again, straight from the expiry index.
      const { Items = [] } = await queryAll(tableName, component.appId);
      await putAll(tableName, Items, component.appId);
      process.env.REFRESH_CONCURRENCY = String(concurrency);
      (await import('../../functions/lib/config')).resetConfig();
      requests = 0;
      byCommand.clear();
      sim.latencyMs = LATENCY_MS;
      const started = performance.now();
      const run = await handler();
      const wallMs = performance.now() - started;
      sim.latencyMs = 0;
      if (run.authorizers.refreshed !== AUTHORIZERS) throw new Error(`refreshed ${run.authorizers.refreshed} of ${AUTHORIZERS} (${JSON.stringify(run.authorizers)})`);
      const limitMs = (AUTHORIZERS * LATENCY_MS) / concurrency;
      const ratio = wallMs / limitMs;
      const perRefresh = requests / AUTHORIZERS;
      console.log(`  concurrency ${concurrency}${concurrency === 20 ? ' (default)' : ''}`);
      console.log(`    wall time             ${fmt(wallMs / 1000, 2)} s   (${fmt(AUTHORIZERS / (wallMs / 1000))} refreshes/s)`);
      console.log(`    limit N×latency/conc. ${fmt(limitMs / 1000, 2)} s`);
      console.log(`    ratio                 ${fmt(ratio, 2)}×   target ≤ ${TARGET_RATIO}×  ${verdict(ratio <= TARGET_RATIO)}`);
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

  async function putAll(tableName: string, items: Record<string, unknown>[], componentAppId: string): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      await dynamoDocumentClient().send(
        new BatchWriteCommand({
          RequestItems: {
            [tableName]: items.slice(i, i + 25).map((item) => ({
              PutRequest: { Item: { ...item, expiresAt: 0, ...keys.tokenExpiryIndex(componentAppId, 0, String(item.appId)) } },
            })),
          },
        }),
      );
    }
  }
}

import { localLambdaContext } from '../../../local/lambda-context';
import { REFRESH_FINISH_MARGIN_MS, type RefreshSummary } from '../../../functions/scheduler/refresh-tokens';
import { useWorld } from '../../helpers/world';

/**
 * A fleet too large for one invocation is refreshed over several: no refresh starts in the last
 * REFRESH_FINISH_MARGIN_MS before the Lambda timeout, and what is left stays due for the next
 * scheduled run. Access tokens here live 10 minutes, so every authorizer is due at once.
 */
describe('refresher time budget', () => {
  const world = useWorld({ ticket: true, refresh: true, apps: 3, settings: { simAccessTokenTtlSeconds: 600 } });

  const runWith = async (remainingMs: number): Promise<RefreshSummary> => {
    const handler = world.platform.gateway.handlerFor('refreshTokens') as (event: unknown, context: ReturnType<typeof localLambdaContext>) => Promise<RefreshSummary>;
    return handler({}, { ...localLambdaContext('refreshTokens'), getRemainingTimeInMillis: () => remainingMs });
  };
  const tokenCalls = () => world.wechatCalls('/cgi-bin/component/api_authorizer_token').length;

  it('starts no refresh once its budget is spent, leaving the due tokens for the next run', async () => {
    const before = tokenCalls();
    const starved = await runWith(REFRESH_FINISH_MARGIN_MS);
    expect(starved.authorizers).toMatchObject({ due: 3, refreshed: 0, failed: 0, deferred: 3 });
    expect(starved.outcome).toBe('ok');
    expect(tokenCalls()).toBe(before);

    const next = await runWith(300_000);
    expect(next.authorizers).toMatchObject({ due: 3, refreshed: 3, failed: 0, deferred: 0 });
    expect(tokenCalls()).toBe(before + 3);
  });
});

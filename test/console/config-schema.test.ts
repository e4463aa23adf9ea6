import { ConsoleConfigSchema } from '../../console/src/config-schema';
import { LOCAL_CONSOLE_CONFIG } from '../../local/console-files';

/** The console refuses to start on a config it cannot use, and says why. */
describe('console config.json', () => {
  it('accepts what the local gateway serves (token mode, same origin)', () => {
    expect(ConsoleConfigSchema.parse(LOCAL_CONSOLE_CONFIG)).toEqual({ apiBaseUrl: '', auth: { mode: 'token' } });
  });

  it('accepts a Cognito user pool', () => {
    const config = { apiBaseUrl: '', auth: { mode: 'cognito', region: 'ap-east-1', userPoolId: 'ap-east-1_AbC123xyz', clientId: '4n1tq1f2example' } };
    expect(ConsoleConfigSchema.parse(config)).toEqual(config);
  });

  it.each([
    ['no auth', { apiBaseUrl: '' }],
    ['an unknown mode', { apiBaseUrl: '', auth: { mode: 'basic' } }],
    ['Cognito without a client id', { apiBaseUrl: '', auth: { mode: 'cognito', region: 'ap-east-1', userPoolId: 'ap-east-1_AbC123xyz' } }],
    ['a malformed user pool id', { apiBaseUrl: '', auth: { mode: 'cognito', region: 'ap-east-1', userPoolId: 'pool', clientId: 'x' } }],
    ['an API base that is not a URL', { apiBaseUrl: 'api', auth: { mode: 'token' } }],
  ])('refuses %s', (_, config) => {
    expect(ConsoleConfigSchema.safeParse(config).success).toBe(false);
  });
});

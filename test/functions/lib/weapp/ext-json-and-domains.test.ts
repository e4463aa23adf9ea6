import { buildExtJson, deepMerge } from '../../../../functions/lib/weapp/ext-json';
import { ServerDomainLists, toWeChatDomains, WebviewDomainList } from '../../../../functions/lib/weapp/domains';

describe('buildExtJson()', () => {
  it('merges the app’s values over the shared base and pins extAppid to the app', () => {
    const text = buildExtJson('wx0123456789abcdef', { ext: { theme: 'blue', api: 'https://api.example.com' }, window: { navigationBarTitleText: 'Shop' } }, { ext: { shopId: 42, theme: 'red' } });
    expect(JSON.parse(text)).toEqual({
      extEnable: true,
      extAppid: 'wx0123456789abcdef',
      ext: { theme: 'red', api: 'https://api.example.com', shopId: 42 },
      window: { navigationBarTitleText: 'Shop' },
    });
  });

  it('refuses an extAppid naming another app', () => {
    expect(() => buildExtJson('wx0123456789abcdef', {}, { extAppid: 'wxffffffffffffffff' })).toThrow(/extAppid/);
  });

  it('replaces arrays instead of merging them', () => {
    expect(deepMerge({ a: [1, 2], b: { c: 1 } }, { a: [3] })).toEqual({ a: [3], b: { c: 1 } });
  });
});

describe('domain validation', () => {
  it.each([
    ['https://api.example.com', true],
    ['https://api.example.com/', true],
    ['http://api.example.com', false],
    ['https://api.example.com/path', false],
    ['https://api.example.com?x=1', false],
    ['https://10.0.0.1', false],
    ['api.example.com', false],
  ])('request domain %s valid=%s', (domain, valid) => {
    expect(ServerDomainLists.safeParse({ request: [domain] }).success).toBe(valid);
  });

  it('wants wss for sockets and refuses more than 200 per kind', () => {
    expect(ServerDomainLists.safeParse({ wsRequest: ['wss://ws.example.com'] }).success).toBe(true);
    expect(ServerDomainLists.safeParse({ wsRequest: ['https://ws.example.com'] }).success).toBe(false);
    expect(ServerDomainLists.safeParse({ request: Array.from({ length: 201 }, (_, i) => `https://a${i}.example.com`) }).success).toBe(false);
    expect(ServerDomainLists.safeParse({ requests: ['https://a.example.com'] }).success).toBe(false);
  });

  it('maps to WeChat’s field names without trailing slashes', () => {
    expect(toWeChatDomains({ request: ['https://a.example.com/'], download: ['https://d.example.com'] })).toEqual({ requestdomain: ['https://a.example.com'], downloaddomain: ['https://d.example.com'] });
  });

  it('web-view domains are https only', () => {
    expect(WebviewDomainList.safeParse(['https://www.example.com']).success).toBe(true);
    expect(WebviewDomainList.safeParse(['wss://www.example.com']).success).toBe(false);
  });
});

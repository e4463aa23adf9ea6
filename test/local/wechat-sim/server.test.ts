import { WeChatSimulator } from '../../../local/wechat-sim/server';
import { generateCredentials } from '../../../local/settings';

describe('WeChat simulator: start', () => {
  const g = generateCredentials();
  const component = { appId: g.componentAppId, appSecret: g.componentSecret, token: g.componentToken, aesKey: g.componentAesKey };

  it('refuses a port that is taken instead of crashing the process', async () => {
    const first = new WeChatSimulator({ component });
    await first.start();
    try {
      const port = Number(new URL(first.url).port);
      const second = new WeChatSimulator({ component, port });
      await expect(second.start()).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.stop();
    }
  });
});

import { pngSize } from '../../../local/wechat-sim/png';
import { commit, decodePng, startWeappSim, type WeappSim } from './weapp-helpers';

/** Mini-program codes: real PNG bytes on success, JSON errors, and the shared lifetime cap. */
describe('WeChat simulator: mini-program codes', () => {
  let w: WeappSim;

  beforeEach(async () => {
    w = await startWeappSim({ wxacodeLimit: 3, auditDelayMs: 60_000 });
  });
  afterEach(() => w.stop());

  /** The answer as bytes when it is an image, as JSON otherwise. */
  const call = async (path: string, body: Record<string, unknown>) => {
    const response = await w.fetchRaw('POST', path, body);
    const type = response.headers.get('content-type') ?? '';
    if (type === 'image/png') return { image: Buffer.from(await response.arrayBuffer()) };
    expect(type).toMatch(/^application\/json/);
    return { json: (await response.json()) as Record<string, unknown> };
  };

  describe('getwxacode', () => {
    it('answers a decodable PNG of the requested width, different per path', async () => {
      const a = (await call('/wxa/getwxacode', { path: 'pages/index/index?shop=1', width: 430 })).image!;
      expect(decodePng(a)).toMatchObject({ width: 430, height: 430, chunks: ['IHDR', 'PLTE', 'IDAT', 'IEND'] });
      expect(pngSize(a)).toEqual({ width: 430, height: 430 });
      const b = (await call('/wxa/getwxacode', { path: 'pages/index/index?shop=2', width: 430 })).image!;
      expect(b.equals(a)).toBe(false);
    });

    it('clamps the width to 280–1280 and honours is_hyaline and line_color', async () => {
      expect(decodePng((await call('/wxa/getwxacode', { path: 'a', width: 100 })).image!).width).toBe(280);
      const big = decodePng((await call('/wxa/getwxacode', { path: 'b', width: 5000, is_hyaline: true, line_color: { r: 255, g: 0, b: 0 } })).image!);
      expect(big).toMatchObject({ width: 1280, chunks: ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND'] });
    });

    // https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getqrcode
    // path: 最大长度 1024 个字符 (createwxaqrcode keeps 128).
    it('answers a missing or over-long path (over 1024 characters) with JSON 40159', async () => {
      expect((await call('/wxa/getwxacode', { path: 'p'.repeat(1025) })).json).toMatchObject({ errcode: 40159 });
      expect((await call('/wxa/getwxacode', {})).json).toMatchObject({ errcode: 40159 });
      expect((await call('/wxa/getwxacode', { path: 'p'.repeat(1024) })).image).toBeDefined();
    });

    it('shares the lifetime cap with createwxaqrcode (45029 after); unlimited codes do not count', async () => {
      await commit(w);
      expect((await call('/wxa/getwxacode', { path: 'a' })).image).toBeDefined();
      expect((await call('/cgi-bin/wxaapp/createwxaqrcode', { path: 'b' })).image).toBeDefined();
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'x=1', env_version: 'trial' })).image).toBeDefined();
      expect((await call('/wxa/getwxacode', { path: 'c' })).image).toBeDefined();
      expect((await call('/wxa/getwxacode', { path: 'd' })).json).toMatchObject({ errcode: 45029 });
      expect((await call('/cgi-bin/wxaapp/createwxaqrcode', { path: 'e' })).json).toMatchObject({ errcode: 45029 });
      expect(w.sim.app(w.appId).counters).toMatchObject({ wxacodes: 3, wxacodesUnlimited: 1 });
    });
  });

  describe('getwxacodeunlimit', () => {
    it.each([
      ['an empty scene', ''],
      ['a scene over 32 characters', 'a'.repeat(33)],
      ['a scene with other characters', '店铺=1'],
      ['a scene with a space', 'a b'],
    ])('answers %s with 40169', async (_, scene) => {
      expect((await call('/wxa/getwxacodeunlimit', { scene, check_path: false })).json).toMatchObject({ errcode: 40169 });
    });

    it('checks the page against the released version unless check_path is false (41030)', async () => {
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'id=1', page: 'pages/detail/detail' })).json).toMatchObject({ errcode: 41030 });
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'id=1', page: 'pages/detail/detail', check_path: false })).image).toBeDefined();
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'id=1' })).image).toBeDefined();
      await commit(w);
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'id=1', page: 'pages/detail/detail', env_version: 'trial' })).image).toBeDefined();
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'id=1', page: 'pages/detail/detail' })).json).toMatchObject({ errcode: 41030 });
      await w.post('/wxa/submit_audit', {});
      await w.sim.completeAudits();
      await w.post('/wxa/release', {});
      const image = (await call('/wxa/getwxacodeunlimit', { scene: 'id=1', page: 'pages/detail/detail', width: 300 })).image!;
      expect(decodePng(image)).toMatchObject({ width: 300, height: 300 });
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'id=1', page: '/pages/detail/detail' })).json).toMatchObject({ errcode: 41030 });
      expect((await call('/wxa/getwxacodeunlimit', { scene: 'id=1', env_version: 'beta' })).json).toMatchObject({ errcode: 40097 });
    });
  });

  describe('createwxaqrcode', () => {
    it('answers a square QR code PNG; a missing path is 40159', async () => {
      const image = (await call('/cgi-bin/wxaapp/createwxaqrcode', { path: 'pages/index/index', width: 600 })).image!;
      expect(decodePng(image)).toMatchObject({ width: 600, height: 600 });
      expect((await call('/cgi-bin/wxaapp/createwxaqrcode', { width: 600 })).json).toMatchObject({ errcode: 40159 });
      // https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_createqrcode.html: path ≤ 128.
      expect((await call('/cgi-bin/wxaapp/createwxaqrcode', { path: 'p'.repeat(129) })).json).toMatchObject({ errcode: 40159 });
    });
  });
});

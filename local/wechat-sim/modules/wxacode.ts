import { z } from 'zod';
import { renderCodeImage, type Rgb } from '../png';
import type { SimApp, SimState } from '../state';
import { wechatError, type SimModule, type SimResponse } from '../types';
import { authorizerApi, FUNC_SETS, formatError, parseBody } from './weapp-api';

/**
 * getwxacode takes a path of up to 1024 characters, createwxaqrcode up to 128.
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_getqrcode
 * https://developers.weixin.qq.com/miniprogram/dev/server/API/qrcode-link/qr-code/api_createqrcode.html
 */
const MAX_WXACODE_PATH_CHARS = 1024;
const MAX_QRCODE_PATH_CHARS = 128;
const MAX_SCENE_CHARS = 32;
const MIN_WIDTH_PX = 280;
const MAX_WIDTH_PX = 1280;
const DEFAULT_WIDTH_PX = 430;
/** The characters WeChat allows in a `scene`: letters, digits and !#$&'()*+,/:;=?@-._~ */
const SCENE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/;
const ENV_VERSIONS = new Set(['release', 'trial', 'develop']);

const colour = z.union([z.number(), z.string()]);
const ImageOptions = {
  width: z.union([z.number(), z.string()]).optional(),
  auto_color: z.boolean().optional(),
  line_color: z.object({ r: colour, g: colour, b: colour }).optional(),
  is_hyaline: z.boolean().optional(),
  env_version: z.string().optional(),
};
const WxaCodeRequest = z.object({ path: z.string().optional(), ...ImageOptions });
const UnlimitedRequest = z.object({ scene: z.string().optional(), page: z.string().optional(), check_path: z.boolean().optional(), ...ImageOptions });
const QrcodeRequest = z.object({ path: z.string().optional(), width: z.union([z.number(), z.string()]).optional() });

/** WeChat clamps the width into 280–1280 px rather than refusing it. */
const clampWidth = (width: number | string | undefined) => {
  const value = Number(width ?? DEFAULT_WIDTH_PX);
  return Number.isFinite(value) ? Math.min(MAX_WIDTH_PX, Math.max(MIN_WIDTH_PX, Math.round(value))) : DEFAULT_WIDTH_PX;
};

const lineColour = (request: { auto_color?: boolean | undefined; line_color?: { r: number | string; g: number | string; b: number | string } | undefined }): Rgb => {
  const c = request.line_color;
  if (request.auto_color || !c) return [0, 0, 0];
  const channel = (v: number | string) => Math.min(255, Math.max(0, Number(v) || 0));
  return [channel(c.r), channel(c.g), channel(c.b)];
};

/**
 * WeChat answers these with image/jpeg (image/png when transparent); the simulator always draws
 * a PNG and says so in Content-Type. Errors stay JSON, which is how callers tell them apart.
 */
const image = (body: Buffer): SimResponse => ({ contentType: 'image/png', body });

/** Pages the code can open for an `env_version`: the online version's, or the experience version's. */
const pagesFor = (app: SimApp, env: string): readonly string[] | undefined => (env === 'release' ? app.online?.version.pages : app.committed?.pages);

/**
 * Mini-program codes (brief step 17). `getwxacode` and `createwxaqrcode` share a lifetime cap
 * per mini program (100,000 on WeChat, `wxacodeLimit` here); `getwxacodeunlimit` has none.
 */
export function wxacodeModule(state: SimState): SimModule {
  /** 45029 once the lifetime cap is used up; otherwise counts this code. */
  const takeLimited = (app: SimApp): SimResponse | undefined => {
    if (app.counters.wxacodes >= state.options.wxacodeLimit) return wechatError(45029, 'reach max wxacode count limit');
    app.counters.wxacodes++;
    return undefined;
  };

  return {
    routes: {
      'POST /wxa/getwxacode': authorizerApi(state, { funcSets: FUNC_SETS.wxacode }, ({ body, app, appId }) => {
        const request = parseBody(WxaCodeRequest, body);
        if (!request) return formatError();
        if (!request.path || request.path.length > MAX_WXACODE_PATH_CHARS) return wechatError(40159, 'invalid length for path, or the data is not json string');
        if (request.env_version !== undefined && !ENV_VERSIONS.has(request.env_version)) return wechatError(40097, 'invalid args: env_version');
        const capped = takeLimited(app);
        if (capped) return capped;
        return image(
          renderCodeImage({ seed: `wxacode:${appId}:${request.env_version ?? 'release'}:${request.path}`, width: clampWidth(request.width), shape: 'circle', lineColor: lineColour(request), transparent: request.is_hyaline ?? false }),
        );
      }),

      'POST /wxa/getwxacodeunlimit': authorizerApi(state, { funcSets: FUNC_SETS.wxacode }, ({ body, app, appId }) => {
        const request = parseBody(UnlimitedRequest, body);
        if (!request) return formatError();
        const { scene = '', page = '', check_path: checkPath = true, env_version: env = 'release' } = request;
        if (scene.length === 0 || scene.length > MAX_SCENE_CHARS || !SCENE.test(scene)) return wechatError(40169, 'invalid length for scene, or the data is not json string');
        if (!ENV_VERSIONS.has(env)) return wechatError(40097, 'invalid args: env_version');
        // The page must exist in the version the code opens (empty = home page); WeChat wants no
        // leading slash. check_path false skips the check (for pages not yet released).
        if (page.startsWith('/') || (checkPath && page !== '' && !pagesFor(app, env)?.includes(page))) return wechatError(41030, 'invalid page rid');
        app.counters.wxacodesUnlimited++;
        return image(
          renderCodeImage({ seed: `unlimited:${appId}:${env}:${page}:${scene}`, width: clampWidth(request.width), shape: 'circle', lineColor: lineColour(request), transparent: request.is_hyaline ?? false }),
        );
      }),

      'POST /cgi-bin/wxaapp/createwxaqrcode': authorizerApi(state, { funcSets: FUNC_SETS.wxacode }, ({ body, app, appId }) => {
        const request = parseBody(QrcodeRequest, body);
        if (!request) return formatError();
        if (!request.path || request.path.length > MAX_QRCODE_PATH_CHARS) return wechatError(40159, 'invalid length for path, or the data is not json string');
        const capped = takeLimited(app);
        if (capped) return capped;
        return image(renderCodeImage({ seed: `qrcode:${appId}:${request.path}`, width: clampWidth(request.width), shape: 'square' }));
      }),
    },
  };
}

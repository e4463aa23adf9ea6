import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { AUTHORIZATION_PAGES, RETIRED_WECHAT_PATHS, WECHAT_API, WECHAT_ENDPOINTS, endpointForPath } from '../../../../functions/lib/wechat/catalogue';
import { ERR } from '../../../../functions/lib/wechat/errcodes';
import { ERRCODE_MEANINGS } from '../../../../functions/lib/wechat/errors';
import { WeChatSimulator } from '../../../../local/wechat-sim/server';
import { generateCredentials } from '../../../../local/settings';

const ROOT = path.resolve(__dirname, '../../../..');
const CATALOGUE = path.join(ROOT, 'functions/lib/wechat/catalogue.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

/** String literals that look like a WeChat API path (`'/wxa/…'`, `` `/cgi-bin/…` ``). */
const WECHAT_PATH_LITERAL = /['"`](\/(?:wxa|cgi-bin|wxaopen)\/[\w/.-]+)/g;

/** The catalogue is the one list of WeChat APIs: the client calls only what it lists, the simulator serves exactly that. */
describe('WeChat API catalogue', () => {
  it('gives every endpoint the official doc page it was checked against', () => {
    for (const [name, api] of Object.entries(WECHAT_API)) {
      expect({ name, doc: api.doc }).toEqual({ name, doc: expect.stringMatching(/^https:\/\/developers\.weixin\.qq\.com\/\S+$/) });
    }
    for (const [retired, { doc }] of Object.entries(RETIRED_WECHAT_PATHS)) expect({ retired, doc }).toEqual({ retired, doc: expect.stringMatching(/^https:\/\/developers\.weixin\.qq\.com\//) });
  });

  it('lists each path once, with a token spec wherever one is sent', () => {
    const paths = WECHAT_ENDPOINTS.map((api) => api.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const api of WECHAT_ENDPOINTS) {
      // /cgi-bin/component/* names the component token `component_access_token`; every other API reads `access_token`.
      if (api.token?.kind === 'component' && api.path.startsWith('/cgi-bin/component/')) expect({ path: api.path, param: api.token.param }).toEqual({ path: api.path, param: 'component_access_token' });
      if (api.token && !api.path.startsWith('/cgi-bin/component/')) expect({ path: api.path, param: api.token.param }).toEqual({ path: api.path, param: 'access_token' });
    }
  });

  it('has the code-template APIs take the component token as access_token', () => {
    for (const name of ['getTemplateDraftList', 'addToTemplate', 'getTemplateList', 'deleteTemplate'] as const) {
      expect(WECHAT_API[name].token).toEqual({ kind: 'component', param: 'access_token' });
    }
  });

  it('names every errcode it handles, with a meaning', () => {
    const named = new Set<number>(Object.values(ERR));
    for (const api of WECHAT_ENDPOINTS) {
      for (const errcode of api.errcodes) expect({ path: api.path, errcode, named: named.has(errcode) || errcode in ERRCODE_MEANINGS }).toEqual({ path: api.path, errcode, named: true });
    }
  });

  it('is the only place in the functions that spells a WeChat API path', () => {
    const strays = sourceFiles(path.join(ROOT, 'functions'))
      .filter((file) => file !== CATALOGUE)
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(WECHAT_PATH_LITERAL)].map((m) => `${path.relative(ROOT, file)}: ${m[1]}`));
    expect(strays).toEqual([]);
  });

  it('finds no client call to an uncatalogued path', () => {
    // The client takes a WeChatEndpoint (typed), so the remaining way around the catalogue is
    // an object literal with a path; none exists outside the catalogue.
    const literals = sourceFiles(path.join(ROOT, 'functions'))
      .filter((file) => file !== CATALOGUE)
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bpath:\s*['"`]\/(?!admin)/g)].map(() => path.relative(ROOT, file)));
    expect(literals).toEqual([]);
  });

  describe('and the simulator', () => {
    const generated = generateCredentials();
    const sim = new WeChatSimulator({ component: { appId: generated.componentAppId, appSecret: generated.componentSecret, token: generated.componentToken, aesKey: generated.componentAesKey } });
    const pages = new Set<string>(Object.values(AUTHORIZATION_PAGES));

    it('serves every catalogued endpoint with its method', () => {
      const served = new Set(sim.servedApis().map((r) => `${r.method} ${r.path}`));
      const missing = WECHAT_ENDPOINTS.map((api) => `${api.method} ${api.path}`).filter((key) => !served.has(key));
      expect(missing).toEqual([]);
    });

    it('serves no WeChat API the catalogue does not list (only the merchant pages besides)', () => {
      const extra = sim.servedApis().filter((r) => !pages.has(r.path) && endpointForPath(r.path)?.method !== r.method);
      expect(extra).toEqual([]);
    });

    it('does not serve retired paths', () => {
      const served = new Set(sim.servedApis().map((r) => r.path));
      expect(Object.keys(RETIRED_WECHAT_PATHS).filter((p) => served.has(p))).toEqual([]);
    });

    describe('over HTTP', () => {
      beforeAll(() => sim.start());
      afterAll(() => sim.stop());

      it.each(WECHAT_ENDPOINTS.filter((api) => api.token).map((api) => [api.path, api] as const))(
        '%s answers 41001 when the token comes under the other query name',
        async (_path, api) => {
          const other = api.token!.param === 'access_token' ? 'component_access_token' : 'access_token';
          const answer = await fetch(`${sim.url}${api.path}?${other}=some-token`, api.method === 'POST' ? { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } } : {});
          expect(await answer.json()).toMatchObject({ errcode: 41001 });
        },
      );
    });
  });
});

describe('README', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('lists every catalogued WeChat API with the doc page it was checked against', () => {
    const missing = WECHAT_ENDPOINTS.map((api) => `[\`${api.method} ${api.path}\`](${api.doc})`).filter((link) => !readme.includes(link));
    expect(missing).toEqual([]);
  });
});

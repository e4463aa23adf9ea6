import { z } from 'zod';
import { DOMAIN_KINDS, emptyDomainLists, type DomainKind, type DomainLists, type SimApp, type SimAuthorizer, type SimState } from '../state';
import { ok, wechatError, type SimModule, type SimResponse } from '../types';
import { authorizerApi, bump, FUNC_SETS, formatError, parseBody, used } from './weapp-api';

/** WeChat's limits for `modify_domain`: per kind, in all, and modification requests per month. */
const MAX_DOMAINS_PER_KIND = 200;
const MAX_DOMAINS_TOTAL = 1000;
const MAX_MODIFICATIONS_PER_MONTH = 50;
/**
 * Web-view (business) domains per mini program: 最多可以添加300个业务域名 (we had 100).
 * https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/domain-management/api_modifyjumpdomain.html
 */
const MAX_WEBVIEW_DOMAINS = 300;

/** The scheme each kind of server domain must carry. */
const SCHEMES: Record<DomainKind, string> = {
  requestdomain: 'https:',
  wsrequestdomain: 'wss:',
  uploaddomain: 'https:',
  downloaddomain: 'https:',
  udpdomain: 'udp:',
  tcpdomain: 'tcp:',
};

/** The `network` field names api_get_authorizer_info reports the same lists under. */
const NETWORK_FIELDS = {
  requestdomain: 'RequestDomain',
  wsrequestdomain: 'WsRequestDomain',
  uploaddomain: 'UploadDomain',
  downloaddomain: 'DownloadDomain',
  udpdomain: 'UDPDomain',
  tcpdomain: 'TCPDomain',
} as const satisfies Record<DomainKind, string>;

const domainList = z.array(z.string()).optional();
const ModifyDomainRequest = z.object({
  action: z.enum(['add', 'delete', 'set', 'get']).optional(),
  requestdomain: domainList,
  wsrequestdomain: domainList,
  uploaddomain: domainList,
  downloaddomain: domainList,
  udpdomain: domainList,
  tcpdomain: domainList,
});
const WebviewDomainRequest = z.object({ action: z.enum(['add', 'delete', 'set', 'get']).optional(), webviewdomain: z.array(z.string()).optional() });

const IP_ADDRESS = /^(\d{1,3}\.){3}\d{1,3}$/;

/**
 * `scheme://host[:port]` of a server domain, or undefined when it breaks WeChat's rules: wrong
 * scheme for its kind, a path, query or credentials, an IP address, or api.weixin.qq.com.
 */
function normalizeServerDomain(kind: DomainKind, value: string): { origin: string; hostname: string } | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== SCHEMES[kind] || url.username || url.password || url.search || url.hash) return undefined;
  if (url.pathname !== '' && url.pathname !== '/') return undefined;
  const hostname = url.hostname.toLowerCase();
  if (!hostname || IP_ADDRESS.test(hostname) || hostname.startsWith('[') || hostname === 'api.weixin.qq.com') return undefined;
  return { origin: `${url.protocol}//${url.host.toLowerCase()}`, hostname };
}

/** `https://host` of a web-view domain, or undefined when it is not a bare https origin. */
function normalizeWebviewDomain(value: string): { origin: string; hostname: string } | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash || (url.pathname !== '' && url.pathname !== '/')) return undefined;
  return { origin: `https://${url.host.toLowerCase()}`, hostname: url.hostname.toLowerCase() };
}

const union = (...lists: DomainLists[]): DomainLists => {
  const merged = emptyDomainLists();
  for (const kind of DOMAIN_KINDS) merged[kind] = [...new Set(lists.flatMap((l) => l[kind]))];
  return merged;
};

/**
 * What the mini program actually uses. Once code is released through the platform WeChat drops
 * the mini program's own domains and keeps the platform's (the reference, section 5).
 */
export function effectiveDomains(app: SimApp): DomainLists {
  return app.releases.length > 0 ? union(app.thirdDomains) : union(app.mpDomains, app.thirdDomains);
}

/** Keeps api_get_authorizer_info's `MiniProgramInfo.network` in step with what the APIs set. */
export function syncNetwork(app: SimApp, authorizer: SimAuthorizer): void {
  const effective = effectiveDomains(app);
  for (const kind of DOMAIN_KINDS) authorizer.miniProgramInfo.network[NETWORK_FIELDS[kind]] = [...effective[kind]];
  authorizer.miniProgramInfo.network.BizDomain = [...app.webviewDomains];
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Server domains (`modify_domain`, `get_effective_domain`) and business domains
 * (`setwebviewdomain`) of a mini program, checked against what the platform registered.
 */
export function domainsModule(state: SimState): SimModule {
  const registeredServer = () => new Set(state.options.platformServerDomains.map((d) => d.toLowerCase()));
  const bizAllowed = (hostname: string) => state.options.platformBizDomains.some((d) => hostname === d.toLowerCase() || hostname.endsWith(`.${d.toLowerCase()}`));

  return {
    routes: {
      'POST /wxa/modify_domain': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app, authorizer }) => {
        const request = parseBody(ModifyDomainRequest, body);
        if (!request || !request.action) return formatError();
        if (request.action === 'get') return ok({ ...effectiveDomains(app) });

        const registered = registeredServer();
        // 85018: the platform has registered no mini-program server domains at all.
        if (registered.size === 0) return wechatError(85018, 'domain not set in open platform');
        const given = emptyDomainLists();
        const invalid = emptyDomainLists();
        const unregistered = emptyDomainLists();
        for (const kind of DOMAIN_KINDS) {
          for (const value of request[kind] ?? []) {
            const domain = normalizeServerDomain(kind, value);
            if (!domain) invalid[kind].push(value);
            else if (!registered.has(domain.hostname)) unregistered[kind].push(value);
            else if (!given[kind].includes(domain.origin)) given[kind].push(domain.origin);
          }
        }
        // WeChat filters bad and unregistered entries and applies the rest, failing only when
        // nothing is left. The simulator refuses the whole request instead, naming the entries:
        // a platform that silently loses a domain ships a mini program that cannot reach it.
        const invalidFields = Object.fromEntries(DOMAIN_KINDS.map((kind) => [`invalid_${kind}`, [...invalid[kind], ...unregistered[kind]]]));
        if (DOMAIN_KINDS.some((kind) => invalid[kind].length > 0)) {
          // 85301: WeChat's "does not follow the rule of domains" (scheme per kind, no IP, no path).
          return refusal(85301, 'no domain to modify after filtered, please confirm the domain follows the rule of domains', app, invalidFields);
        }
        if (DOMAIN_KINDS.some((kind) => unregistered[kind].length > 0)) {
          return refusal(85017, 'no domain to modify after filtered, please confirm the domain has been set in miniprogram or open', app, invalidFields);
        }

        const current = app.thirdDomains;
        const next = emptyDomainLists();
        for (const kind of DOMAIN_KINDS) {
          if (request.action === 'set') next[kind] = [...given[kind]];
          else if (request.action === 'add') next[kind] = [...current[kind], ...given[kind].filter((d) => !current[kind].includes(d))];
          else next[kind] = current[kind].filter((d) => !given[kind].includes(d));
        }
        // An add or delete that changes nothing is WeChat's 85017 too ("no domain to modify");
        // `set` is the idempotent way to say what the lists should be.
        if (request.action !== 'set' && DOMAIN_KINDS.every((kind) => sameList(next[kind], current[kind]))) {
          return refusal(85017, 'no domain to modify after filtered, please confirm the domain has been set in miniprogram or open', app, invalidFields);
        }
        if (DOMAIN_KINDS.some((kind) => next[kind].length > MAX_DOMAINS_PER_KIND) || DOMAIN_KINDS.reduce((n, kind) => n + next[kind].length, 0) > MAX_DOMAINS_TOTAL) {
          return wechatError(85016, 'exceed domain count limit');
        }
        const month = state.period('month');
        // WeChat allows 50 modification requests a month; its docs name no errcode for going
        // over, so the simulator answers 45009, WeChat's generic "reach max api quota limit".
        if (used(app.counters.domainModifications, month) >= MAX_MODIFICATIONS_PER_MONTH) return wechatError(45009, 'reach max api quota limit: 50 modify_domain requests per month');
        bump(app.counters.domainModifications, month);
        app.thirdDomains = next;
        syncNetwork(app, authorizer);
        return ok({ ...effectiveDomains(app), ...invalidFields });
      }),

      'POST /wxa/get_effective_domain': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ app }) =>
        ok({
          mp_domain: app.mpDomains,
          third_domain: app.thirdDomains,
          // Domains set with modify_domain_directly, which the simulator does not offer.
          direct_domain: emptyDomainLists(),
          effective_domain: effectiveDomains(app),
        }),
      ),

      'POST /wxa/setwebviewdomain': authorizerApi(state, { funcSets: FUNC_SETS.development }, ({ body, app, authorizer }) => {
        if (authorizer.personal) return wechatError(89231, 'individual mini programs cannot call setwebviewdomain');
        const request = parseBody(WebviewDomainRequest, body);
        if (!request) return formatError();
        const { action } = request;
        if (action === 'get') {
          if (app.webviewDomains.length === 0) return wechatError(89020, 'webview domain not set yet');
          return ok({ webviewdomain: [...app.webviewDomains] });
        }
        if (action === 'delete' && app.webviewDomains.length === 0) return wechatError(89020, 'webview domain not set yet');

        let given: string[];
        if (action === undefined) {
          // WeChat's docs: without an action, every business domain the platform registered is added.
          given = state.options.platformBizDomains.map((d) => `https://${d.toLowerCase()}`);
        } else {
          given = [];
          for (const value of request.webviewdomain ?? []) {
            const domain = normalizeWebviewDomain(value);
            if (!domain || !bizAllowed(domain.hostname)) return wechatError(89021, 'domain is not a business domain of the platform or its sub-domain');
            if (!given.includes(domain.origin)) given.push(domain.origin);
          }
        }
        const current = app.webviewDomains;
        const next =
          action === 'set' ? given : action === 'delete' ? current.filter((d) => !given.includes(d)) : [...current, ...given.filter((d) => !current.includes(d))];
        if (sameList(next, current)) return wechatError(89019, 'webview domain not changed');
        if (next.length > MAX_WEBVIEW_DOMAINS) return wechatError(89029, 'webview domain count exceeds the limit');
        app.webviewDomains = next;
        syncNetwork(app, authorizer);
        return ok({ webviewdomain: [...next] });
      }),
    },
  };
}

/** An error answer that, like WeChat's, still lists the current domains and the refused entries. */
function refusal(errcode: number, errmsg: string, app: SimApp, invalidFields: Record<string, string[]>): SimResponse {
  const answer = wechatError(errcode, errmsg) as { json: Record<string, unknown> };
  return { json: { ...answer.json, ...effectiveDomains(app), ...invalidFields } };
}

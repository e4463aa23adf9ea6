import type { DomainKind, ServerDomains } from '../wechat/weapp';
import type { ServerDomainLists } from './domains';

// Apart from the schemas in domains.ts (classic zod, for the admin API and its OpenAPI
// document): the release steps translate domains too, and authorizerEvents loads those steps
// at its cold start, which must not load classic zod.

/** The admin API's names for the six server-domain kinds, and the scheme each must use. */
export const SERVER_DOMAIN_KINDS = {
  request: { wechat: 'requestdomain', scheme: 'https:' },
  wsRequest: { wechat: 'wsrequestdomain', scheme: 'wss:' },
  upload: { wechat: 'uploaddomain', scheme: 'https:' },
  download: { wechat: 'downloaddomain', scheme: 'https:' },
  udp: { wechat: 'udpdomain', scheme: 'udp:' },
  tcp: { wechat: 'tcpdomain', scheme: 'tcp:' },
} as const satisfies Record<string, { wechat: DomainKind; scheme: string }>;
export type ServerDomainKind = keyof typeof SERVER_DOMAIN_KINDS;

export function toWeChatDomains(lists: ServerDomainLists): ServerDomains {
  const out: ServerDomains = {};
  for (const [kind, { wechat }] of Object.entries(SERVER_DOMAIN_KINDS) as [ServerDomainKind, (typeof SERVER_DOMAIN_KINDS)[ServerDomainKind]][]) {
    const list = lists[kind];
    if (list) out[wechat] = list.map((d) => d.replace(/\/$/, ''));
  }
  return out;
}

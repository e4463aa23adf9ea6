import * as z from 'zod';
import type { DomainKind } from '../wechat/weapp';
import { SERVER_DOMAIN_KINDS, type ServerDomainKind } from './domain-kinds';

export { SERVER_DOMAIN_KINDS, toWeChatDomains, type ServerDomainKind } from './domain-kinds';

/** WeChat's limits: 200 per kind, 1000 in all (reference §5). */
export const MAX_DOMAINS_PER_KIND = 200;
export const MAX_DOMAINS_TOTAL = 1000;

/** A domain entry: the right scheme, a host (and port for udp/tcp), nothing after it. */
export function domainEntry(scheme: string) {
  return z.string().max(256).superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a URL like ${scheme}//example.com` });
      return;
    }
    if (url.protocol !== scheme) ctx.addIssue({ code: 'custom', message: `"${value}" must use ${scheme}//` });
    const hasPath = url.pathname !== '' && url.pathname !== '/';
    if (hasPath || url.search || url.hash || url.username) {
      ctx.addIssue({ code: 'custom', message: `"${value}" must be a bare domain, without path, query or credentials` });
    }
    if (!url.hostname || /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname) || url.hostname === 'localhost') {
      ctx.addIssue({ code: 'custom', message: `"${value}" must name a registered domain (no IP address or localhost)` });
    }
  });
}

export const ServerDomainLists = z
  .object(
    Object.fromEntries(
      Object.entries(SERVER_DOMAIN_KINDS).map(([kind, { scheme }]) => [kind, z.array(domainEntry(scheme)).max(MAX_DOMAINS_PER_KIND).optional()]),
    ) as Record<ServerDomainKind, z.ZodOptional<z.ZodArray<ReturnType<typeof domainEntry>>>>,
  )
  .strict()
  .refine((lists) => Object.values(lists).reduce((n, l) => n + (l?.length ?? 0), 0) <= MAX_DOMAINS_TOTAL, `at most ${MAX_DOMAINS_TOTAL} domains in all`);
export type ServerDomainLists = z.infer<typeof ServerDomainLists>;

/** The same lists in the answer (WeChat may hold entries we would not accept as input). */
export const ServerDomainListsOut = z.object(
  Object.fromEntries(Object.keys(SERVER_DOMAIN_KINDS).map((kind) => [kind, z.array(z.string())])) as Record<ServerDomainKind, z.ZodArray<z.ZodString>>,
);

export function fromWeChatDomains(answer: Partial<Record<DomainKind, string[]>>): z.infer<typeof ServerDomainListsOut> {
  return Object.fromEntries(
    Object.entries(SERVER_DOMAIN_KINDS).map(([kind, { wechat }]) => [kind, answer[wechat] ?? []]),
  ) as z.infer<typeof ServerDomainListsOut>;
}

/** Web-view (business) domains: https only, bare domains. */
export const WebviewDomainList = z.array(domainEntry('https:')).max(100);

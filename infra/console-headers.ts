import { cognitoIdpOrigin, type ConsoleConfig } from '../console/src/config-schema';

/**
 * The security headers of every console file, declared once: CloudFront adds them through a
 * response headers policy in AWS (infra/constructs/console-hosting.ts), the local gateway sends
 * the same (local/console-files.ts).
 */

/** Where WeChat keeps the avatars and images its APIs return. */
const WECHAT_IMAGE_HOSTS = ['wx.qlogo.cn', 'mmbiz.qpic.cn'];

/**
 * What the built console loads, measured in Chromium with this policy enforced (the console
 * browser tests fail on any violation): its own scripts and styles; images from itself, data:
 * (QR codes drawn by `qrcode`, Element Plus's CSS icons), blob: (trial QR codes fetched from
 * the API) and WeChat's image hosts (merchants' avatars: WeChat hands out http:// URLs on
 * wx.qlogo.cn and mmbiz.qpic.cn, which also answer on https); calls to its own origin, the
 * API's when `apiBaseUrl` names another, and the user pool's. Nothing inline and no eval: Vue
 * and Element Plus set styles through the CSSOM, which CSP allows, and zod runs jitless
 * (console/src/zod-jitless.ts).
 */
export function consoleContentSecurityPolicy(config: ConsoleConfig): string {
  const connect = ["'self'"];
  if (config.apiBaseUrl !== '') connect.push(new URL(config.apiBaseUrl).origin);
  if (config.auth.mode === 'cognito') connect.push(cognitoIdpOrigin(config.auth.region));
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob: ${WECHAT_IMAGE_HOSTS.flatMap((host) => [`https://${host}`, `http://${host}`]).join(' ')}`,
    `connect-src ${connect.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The other security headers, as values CloudFront's policy takes and as the header lines they become. */
export const CONSOLE_SECURITY_HEADERS = {
  /** Two years, subdomains included: the console is only ever served over https in AWS. */
  hstsMaxAgeSeconds: 63_072_000,
  frameOptions: 'DENY',
  /** An admin URL (app ids, release ids) has no business in another site's logs. */
  referrerPolicy: 'no-referrer',
} as const;

/** Every header the console's files carry, by lower-case name. */
export function consoleResponseHeaders(config: ConsoleConfig): Record<string, string> {
  return {
    'content-security-policy': consoleContentSecurityPolicy(config),
    'strict-transport-security': `max-age=${CONSOLE_SECURITY_HEADERS.hstsMaxAgeSeconds}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': CONSOLE_SECURITY_HEADERS.frameOptions,
    'referrer-policy': CONSOLE_SECURITY_HEADERS.referrerPolicy,
  };
}

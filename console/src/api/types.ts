import type { paths } from './schema';

/** Names for the admin API's shapes the pages pass around (all from the generated schema). */
type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

export type Overview = JsonOf<paths['/admin/overview']['get']['responses'][200]>;
export type ComponentStatus = JsonOf<paths['/admin/component']['get']['responses'][200]>;
export type Health = JsonOf<paths['/admin/health']['get']['responses'][200]>;
export type AuthorizerSummary = JsonOf<paths['/admin/authorizers']['get']['responses'][200]>['items'][number];
export type AuthorizerStatus = AuthorizerSummary['status'];
export type AuthorizerDetail = JsonOf<paths['/admin/authorizers/{appId}']['get']['responses'][200]>;
export type AuditRecord = JsonOf<paths['/admin/authorizers/{appId}/audits']['get']['responses'][200]>['audits'][number];
export type Domains = JsonOf<paths['/admin/authorizers/{appId}/domains']['get']['responses'][200]>;
export type PaymentSettings = JsonOf<paths['/admin/authorizers/{appId}/payment']['get']['responses'][200]>;
export type StartReleaseBody = JsonOf<paths['/admin/releases']['post']['requestBody']>;
export type ReleaseSummary = JsonOf<paths['/admin/releases']['get']['responses'][200]>['releases'][number];
export type ReleaseProgress = JsonOf<paths['/admin/releases/{releaseId}']['get']['responses'][200]>;
export type ReleaseTarget = ReleaseProgress['targets'][number];
export type TargetState = ReleaseTarget['state'];
/** getgrayreleaseplan as the per-app route answers it. */
export type GrayPlan = JsonOf<paths['/admin/authorizers/{appId}/gray-release']['get']['responses'][200]>;
export type Registration = JsonOf<paths['/admin/registrations']['get']['responses'][200]>['registrations'][number];
export type RegistrationRequest = JsonOf<paths['/admin/registrations']['post']['requestBody']>;
export type PrivacySetting = JsonOf<paths['/admin/authorizers/{appId}/privacy']['get']['responses'][200]>;
export type PrivacySettingBody = JsonOf<paths['/admin/authorizers/{appId}/privacy']['put']['requestBody']>;
export type PrivacyTemplate = NonNullable<StartReleaseBody['privacy']>;
export type AuditTrailEntry = JsonOf<paths['/admin/audit-log']['get']['responses'][200]>['items'][number];

/** WeChat's server domain kinds, in the forms' order (their names: `domains.kinds.*` in the catalogues); a kind missing here fails type-checking. */
const DOMAIN_KIND_ORDER = { request: 0, wsRequest: 1, upload: 2, download: 3, udp: 4, tcp: 5 } as const satisfies Record<keyof Domains, number>;
export const DOMAIN_KINDS = Object.keys(DOMAIN_KIND_ORDER) as (keyof Domains)[];
/** A domain form's text per kind, empty. */
export const emptyDomainTexts = (): Record<keyof Domains, string> => Object.fromEntries(DOMAIN_KINDS.map((kind) => [kind, ''])) as Record<keyof Domains, string>;

export const AUTHORIZER_STATUSES: readonly AuthorizerStatus[] = ['authorized', 'reauthorization_required', 'unauthorized'];
/**
 * Every state of a release target, in the order the progress page shows them, and whether it is
 * final (a target does not leave it on its own). A state the API adds and this misses fails type-checking.
 * Gray-released counts as finished: the pipeline is done with it, and only an operator widening
 * or completing the rollout moves it on.
 */
const TARGET_STATE_IS_FINAL = {
  pending: false, domains_set: false, committed: false, waiting_quota: false, audit_submitted: false, audit_passed: false, held: false,
  gray_released: true, released: true, failed: true, cancelled: true, rolled_back: true,
} as const satisfies Record<TargetState, boolean>;

export const TARGET_STATES = Object.keys(TARGET_STATE_IS_FINAL) as TargetState[];
export const FINAL_TARGET_STATES: ReadonlySet<TargetState> = new Set(TARGET_STATES.filter((state) => TARGET_STATE_IS_FINAL[state]));

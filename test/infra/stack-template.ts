import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { FunctionDefinition } from '../../infra/manifest';
import { WeappFleetStack, type WeappFleetStackProps } from '../../infra/stack';

/** What the infra tests read from a synthesized template. */
export type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; DependsOn?: string[] };
export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; NotAction?: unknown; NotResource?: unknown; Principal?: unknown; Condition?: unknown };

export const TEST_APP_ID = 'wx1234567890abcdef';
export const TEST_REGION = 'ap-east-1';

const CONSOLE_FIXTURE = path.join(tmpdir(), 'weapp-fleet-console-dist-v1');

/**
 * A stand-in for `console/dist`: an entry page and one hashed asset, as Vite writes them. One
 * folder shared by every test file: written aside, then renamed into place, so parallel jest
 * workers never see it half-written and runs leave nothing behind but it.
 */
export function consoleDistFixture(): string {
  if (existsSync(path.join(CONSOLE_FIXTURE, 'index.html'))) return CONSOLE_FIXTURE;
  const draft = mkdtempSync(`${CONSOLE_FIXTURE}-`);
  writeFileSync(path.join(draft, 'index.html'), '<!doctype html><html><body><div id="app"></div><script type="module" src="/console/assets/index-3f2a.js"></script></body></html>');
  mkdirSync(path.join(draft, 'assets'));
  writeFileSync(path.join(draft, 'assets', 'index-3f2a.js'), 'document.getElementById("app").textContent = "console";');
  try {
    renameSync(draft, CONSOLE_FIXTURE);
  } catch {
    // Another worker got there first.
    rmSync(draft, { recursive: true, force: true });
  }
  return CONSOLE_FIXTURE;
}

export interface SynthOptions {
  /** Bundling with esbuild costs ~10 s; only tests of the function code need it. */
  readonly bundle?: boolean;
}

/** The stack built as infra/build-app.ts builds it, synthesized in memory. */
export function synthStack(props: Partial<WeappFleetStackProps> = {}, options: SynthOptions = {}): { app: App; stack: WeappFleetStack; template: Template } {
  const app = new App(options.bundle ? {} : { context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new WeappFleetStack(app, 'WeappFleet', {
    env: { region: TEST_REGION },
    componentAppId: TEST_APP_ID,
    wechatApiBase: 'https://api.weixin.qq.com',
    consoleDistPath: consoleDistFixture(),
    ...props,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

export function resources(template: Template, type: string, props: Record<string, unknown> = {}): [string, Resource][] {
  return Object.entries(template.findResources(type, Object.keys(props).length > 0 ? { Properties: props } : {})) as [string, Resource][];
}

export function only(template: Template, type: string, props: Record<string, unknown> = {}): [string, Resource] {
  const found = resources(template, type, props);
  if (found.length !== 1) throw new Error(`expected exactly one ${type} matching ${JSON.stringify(props)}, found ${found.length}`);
  return found[0] as [string, Resource];
}

export function functionOf(template: Template, def: Pick<FunctionDefinition, 'description'>): [string, Resource] {
  return only(template, 'AWS::Lambda::Function', { Description: def.description });
}

/** The functions built from the manifest, without the handlers aws-cdk-lib adds (BucketDeployment). */
export function platformFunctions(template: Template): [string, Resource][] {
  return resources(template, 'AWS::Lambda::Function').filter(([, fn]) => {
    const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    return 'WECHAT_COMPONENT_APPID' in variables;
  });
}

export function resourceById(template: Template, logicalId: string): Resource {
  const resource = template.toJSON().Resources[logicalId] as Resource | undefined;
  if (!resource) throw new Error(`no resource ${logicalId}`);
  return resource;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at. */
export function refId(value: unknown): string {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = v.Ref ?? v['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`not a reference: ${JSON.stringify(value)}`);
  return id;
}

export interface RolePolicies {
  readonly roleId: string;
  /** Allow and Deny statements of the inline policies and of every AWS::IAM::Policy attached to the role. */
  readonly statements: Statement[];
  /** ARNs of attached managed policies, rendered as strings. */
  readonly managedPolicies: string[];
}

/** Everything an execution role is allowed, wherever CDK put it. */
export function rolePolicies(template: Template, roleId: string): RolePolicies {
  const role = resourceById(template, roleId);
  const statements: Statement[] = [];
  for (const inline of (role.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]) {
    statements.push(...inline.PolicyDocument.Statement);
  }
  for (const [, policy] of resources(template, 'AWS::IAM::Policy', { Roles: Match.arrayWith([{ Ref: roleId }]) })) {
    statements.push(...(policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  }
  const managedPolicies = ((role.Properties?.ManagedPolicyArns ?? []) as unknown[]).map(render);
  return { roleId, statements, managedPolicies };
}

export function functionRole(template: Template, fn: Resource): RolePolicies {
  return rolePolicies(template, refId(fn.Properties?.Role));
}

export const actionsOf = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
export const resourcesOf = (s: Statement): unknown[] => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

/**
 * A CloudFormation value as one string: `Ref`/`GetAtt` become `<LogicalId>`/`<LogicalId.Attr>`
 * (pseudo parameters `<AWS::AccountId>`), `Fn::Join` and `Fn::Sub` are expanded.
 */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `<${String(v.Ref)}>`;
  if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Fn::Join' in v) {
    const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  if ('Fn::Sub' in v) return String(v['Fn::Sub']).replace(/\$\{([^}]+)\}/g, '<$1>');
  return JSON.stringify(value);
}

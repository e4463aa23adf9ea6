import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runInNewContext } from 'node:vm';
import type { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { consoleResponseHeaders } from '../../infra/console-headers';
import { API_PATH_PATTERNS } from '../../infra/constructs/console-hosting';
import { only, refId, render, resourceById, resources, type Resource, synthStack } from './stack-template';

type Behavior = {
  PathPattern?: string;
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  AllowedMethods?: string[];
  CachePolicyId: string;
  OriginRequestPolicyId?: string;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
  ResponseHeadersPolicyId?: unknown;
};
type Origin = { Id: string; DomainName: unknown; S3OriginConfig?: unknown; OriginAccessControlId?: unknown; CustomOriginConfig?: { OriginProtocolPolicy: string } };
type DistributionConfig = { DefaultCacheBehavior: Behavior; CacheBehaviors: Behavior[]; Origins: Origin[]; CustomErrorResponses?: unknown; Logging?: unknown };
type ViewerRequest = { request: { uri: string } };
type ViewerResponse = { statusCode: number; headers: { location: { value: string } } };

describe('console hosting', () => {
  let app: App;
  let template: Template;
  let config: DistributionConfig;
  let siteId: string;
  let distributionId: string;

  beforeAll(() => {
    ({ app, template } = synthStack());
    const [id, distribution] = only(template, 'AWS::CloudFront::Distribution');
    distributionId = id;
    config = distribution.Properties?.DistributionConfig as DistributionConfig;
    siteId = refId(only(template, 'Custom::CDKBucketDeployment', { DistributionPaths: ['/console/*'] })[1].Properties?.DestinationBucketName);
  });

  const originOf = (behavior: Behavior): Origin => {
    const origin = config.Origins.find((o) => o.Id === behavior.TargetOriginId);
    if (!origin) throw new Error(`no origin ${behavior.TargetOriginId}`);
    return origin;
  };

  it('keeps the console in a private, versioned, encrypted, TLS-only bucket with access logs', () => {
    const site = resourceById(template, siteId);
    expect(site.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.any(String) } },
    });
    const [, policy] = only(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: siteId } });
    expect(JSON.stringify(policy.Properties?.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('serves the bucket through origin access control, readable only by this distribution', () => {
    const origin = originOf(config.DefaultCacheBehavior);
    expect(render(origin.DomainName)).toBe(`<${siteId}.RegionalDomainName>`);
    const [oacId, oac] = only(template, 'AWS::CloudFront::OriginAccessControl');
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(oac.Properties?.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const [, policy] = only(template, 'AWS::S3::BucketPolicy', { Bucket: { Ref: siteId } });
    const allow = (policy.Properties?.PolicyDocument as { Statement: { Effect: string; Principal: unknown; Condition?: { StringEquals: Record<string, unknown> } }[] }).Statement.filter((s) => s.Effect === 'Allow');
    expect(allow).toHaveLength(1);
    expect(allow[0]?.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(render(allow[0]?.Condition?.StringEquals['AWS:SourceArn'])).toMatch(new RegExp(`:distribution/<${distributionId}>$`));
  });

  it('sends the console\'s API paths to the HTTP API, uncached, with every viewer header but Host and every method', () => {
    const [apiId] = only(template, 'AWS::ApiGatewayV2::Api');
    expect(config.CacheBehaviors.map((b) => b.PathPattern).sort()).toEqual([...API_PATH_PATTERNS].sort());
    for (const behavior of config.CacheBehaviors) {
      expect(render(originOf(behavior).DomainName)).toBe(`<${apiId}>.execute-api.ap-east-1.<AWS::URLSuffix>`);
      expect(originOf(behavior).CustomOriginConfig?.OriginProtocolPolicy).toBe('https-only');
      expect(behavior).toMatchObject({
        CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
        OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        ViewerProtocolPolicy: 'https-only',
      });
      expect([...(behavior.AllowedMethods ?? [])].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    }
  });

  it('never turns an error into index.html distribution-wide (the API\'s 403/404 reach the console)', () => {
    expect(config.CustomErrorResponses).toBeUndefined();
    expect(config.CacheBehaviors.every((b) => !b.FunctionAssociations)).toBe(true);
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.Logging).toBeDefined();
  });

  it('adds a strict Content-Security-Policy and the other security headers to every console file', () => {
    const [policyId, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    const csp =
      "default-src 'self'; script-src 'self'; style-src 'self'; " +
      "img-src 'self' data: blob: https://wx.qlogo.cn http://wx.qlogo.cn https://mmbiz.qpic.cn http://mmbiz.qpic.cn; " +
      "connect-src 'self' https://cognito-idp.ap-east-1.amazonaws.com; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    expect((policy.Properties?.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: unknown }).SecurityHeadersConfig).toEqual({
      ContentSecurityPolicy: { ContentSecurityPolicy: csp, Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63_072_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
    // The one declaration the local gateway sends too, for the config this stack deploys.
    expect(consoleResponseHeaders({ apiBaseUrl: '', auth: { mode: 'cognito', region: 'ap-east-1', userPoolId: 'ap-east-1_x', clientId: 'c' } })).toEqual({
      'content-security-policy': csp,
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    });
  });

  describe('routing function (viewer request of the console behaviour)', () => {
    let handler: (event: ViewerRequest) => ViewerRequest['request'] | ViewerResponse;

    beforeAll(() => {
      const [functionId, fn] = only(template, 'AWS::CloudFront::Function');
      expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }]);
      expect((fn.Properties?.FunctionConfig as { Runtime: string }).Runtime).toBe('cloudfront-js-2.0');
      const sandbox: { handler?: typeof handler } = {};
      runInNewContext(`${String(fn.Properties?.FunctionCode)}\nthis.handler = handler;`, sandbox);
      handler = sandbox.handler!;
    });

    const uriAfter = (uri: string): string => (handler({ request: { uri } }) as { uri: string }).uri;

    it.each([
      ['/console/releases/r-123', '/console/index.html'],
      ['/console/', '/console/index.html'],
      ['/console/authorizers/wx0123456789abcdef/detail', '/console/index.html'],
      ['/console/assets/index-3f2a.js', '/console/assets/index-3f2a.js'],
      ['/console/config.json', '/console/config.json'],
    ])('%s → %s', (uri, expected) => {
      expect(uriAfter(uri)).toBe(expected);
    });

    it.each(['/', '/console'])('redirects %s into the app', (uri) => {
      const response = handler({ request: { uri } }) as ViewerResponse;
      expect(response.statusCode).toBe(302);
      expect(response.headers.location.value).toBe('/console/');
    });
  });

  describe('deployment', () => {
    let deployments: [string, Resource][];

    beforeAll(() => {
      deployments = resources(template, 'Custom::CDKBucketDeployment');
    });

    it('copies the build under console/: assets cached for a year, the entry page and config revalidated and invalidated', () => {
      expect(deployments).toHaveLength(2);
      for (const [, d] of deployments) expect(d.Properties).toMatchObject({ DestinationBucketName: { Ref: siteId }, DestinationBucketKeyPrefix: 'console/', Prune: false });
      const [entryId, entry] = only(template, 'Custom::CDKBucketDeployment', { DistributionPaths: ['/console/*'] });
      expect(entry.Properties).toMatchObject({ DistributionId: { Ref: distributionId }, SystemMetadata: { 'cache-control': 'no-cache' } });
      const [assetsId, assets] = deployments.find(([id]) => id !== entryId)!;
      expect(assets.Properties?.SystemMetadata).toEqual({ 'cache-control': 'public, max-age=31536000, immutable' });
      // The entry page must not point at chunks that are not uploaded yet.
      expect(entry.DependsOn).toEqual(expect.arrayContaining([assetsId]));
    });

    it('uploads the hashed assets without index.html, which goes with the revalidated entry', () => {
      const [entryId] = only(template, 'Custom::CDKBucketDeployment', { DistributionPaths: ['/console/*'] });
      const [, assets] = deployments.find(([id]) => id !== entryId)!;
      const [objectKey] = assets.Properties?.SourceObjectKeys as string[];
      const staged = path.join(app.outdir, `asset.${objectKey!.replace(/\.zip$/, '')}`);
      expect(readdirSync(staged, { recursive: true }).map(String).sort()).toEqual(['assets', path.join('assets', 'index-3f2a.js')]);
    });

    it('writes config.json with the API on the same origin and the admin pool\'s console client', () => {
      const [, entry] = only(template, 'Custom::CDKBucketDeployment', { DistributionPaths: ['/console/*'] });
      const [poolId] = only(template, 'AWS::Cognito::UserPool');
      const [clientId] = only(template, 'AWS::Cognito::UserPoolClient');
      const markers = (entry.Properties?.SourceMarkers as Record<string, unknown>[]).find((m) => Object.keys(m).length > 0)!;
      // The jsonData asset holds the document with markers the deployment replaces by the resolved ids.
      const configFile = findStagedFile(app.outdir, 'config.json');
      let document = readFileSync(configFile, 'utf8');
      for (const [marker, value] of Object.entries(markers)) document = document.replace(marker, render(value));
      expect(JSON.parse(document)).toEqual({ apiBaseUrl: '', auth: { mode: 'cognito', region: 'ap-east-1', userPoolId: `<${poolId}>`, clientId: `<${clientId}>` } });
    });

    it('signs in against the admin pool\'s console client with SRP, TOTP required', () => {
      const [, client] = only(template, 'AWS::Cognito::UserPoolClient');
      expect(client.Properties?.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']));
      expect(client.Properties?.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
      // Sign-out revokes the refresh token (RevokeToken), which Cognito refuses unless the client allows it.
      expect(client.Properties?.EnableTokenRevocation).toBe(true);
      template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', EnabledMfas: ['SOFTWARE_TOKEN_MFA'] });
    });

    it('outputs the console URL', () => {
      const output = (template.toJSON().Outputs as Record<string, { Value: unknown }>).ConsoleUrl;
      expect(render(output?.Value)).toBe(`https://<${distributionId}.DomainName>/console/`);
    });

    it('refuses to build the stack without a console build', () => {
      expect(() => synthStack({ consoleDistPath: path.join(app.outdir, 'no-console-here') })).toThrow(/console:build/);
    });
  });
});

function findStagedFile(outdir: string, name: string): string {
  for (const entry of readdirSync(outdir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith('asset.')) continue;
    const candidate = path.join(outdir, entry.name, name);
    if (readdirSync(path.join(outdir, entry.name)).includes(name)) return candidate;
  }
  throw new Error(`no staged ${name} in ${outdir}`);
}

import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DefaultStackSynthesizer, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IUserPool, IUserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import type { ConsoleConfig } from '../../console/src/config-schema';
import { CONSOLE_SECURITY_HEADERS, consoleContentSecurityPolicy } from '../console-headers';
import { CONSOLE_BASE_PATH } from '../console-location';
import { accessLogBucket } from './access-log-bucket';
import { nagRef } from './nag';

/** The console is built with Vite `base: '/console/'`; its files live under this key prefix. */
const CONSOLE_PATH = `${CONSOLE_BASE_PATH}/`;
/** Paths the console calls on its own origin, forwarded to the HTTP API. */
export const API_PATH_PATTERNS = ['/admin/*', '/openapi.json'] as const;

export interface ConsoleHostingProps {
  /** The console's build output (holds index.html). */
  readonly distPath: string;
  readonly api: IHttpApi;
  /** Operators sign in here (SRP + TOTP) with the console client. */
  readonly userPool: IUserPool;
  readonly userPoolClient: IUserPoolClient;
}

/**
 * Client-side routes (a last path segment without a dot) get the app's index.html; the bare
 * origin redirects into the app. Runs on the console behaviour only, so the API's own 403s and
 * 404s reach the console unchanged (distribution-wide error responses would rewrite them).
 */
const ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '${CONSOLE_PATH.slice(0, -1)}') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${CONSOLE_PATH}' } } };
  }
  if (uri.indexOf('${CONSOLE_PATH}') === 0 && uri.slice(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {
    request.uri = '${CONSOLE_PATH}index.html';
  }
  return request;
}`;

/**
 * The admin web console: a private bucket read by CloudFront through origin access control,
 * and the admin API on the same CloudFront origin so the browser needs no CORS.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly routing: CloudFrontFunction;
  /** The Content-Security-Policy and other security headers on every console file (infra/console-headers.ts). */
  readonly securityHeaders: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const indexHtml = path.join(props.distPath, 'index.html');
    if (!existsSync(indexHtml)) throw new Error(`the admin console is not built: ${indexHtml} is missing (npm run console:build)`);
    const stack = Stack.of(this);

    // ACLs stay enabled: CloudFront standard logs are delivered with an ACL grant.
    const accessLogs = accessLogBucket(this, 'AccessLogs', { logsOf: 'the console bucket and distribution', days: 365, ownership: ObjectOwnership.OBJECT_WRITER });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Earlier builds stay recoverable; old versions go after a month.
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 's3/',
    });

    this.routing = new CloudFrontFunction(this, 'Routing', {
      comment: 'weapp-fleet console: client routes to index.html',
      code: FunctionCode.fromInline(ROUTING_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
    });

    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });
    const apiBehavior: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Answers depend on the caller's JWT; with caching off CloudFront forwards Authorization too.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Host must be the execute-api name or API Gateway cannot route the request.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };

    // What the console reads at start-up (`/console/config.json`); empty apiBaseUrl: the API is on the console's own origin.
    const config: ConsoleConfig = {
      apiBaseUrl: '',
      auth: { mode: 'cognito', region: stack.region, userPoolId: props.userPool.userPoolId, clientId: props.userPoolClient.userPoolClientId },
    };
    // The same headers the local gateway sends; the policy allows exactly what this config needs.
    this.securityHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'weapp-fleet console: CSP and security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy(config), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(CONSOLE_SECURITY_HEADERS.hstsMaxAgeSeconds), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption[CONSOLE_SECURITY_HEADERS.frameOptions], override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'weapp-fleet admin console',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.securityHeaders,
        functionAssociations: [{ function: this.routing, eventType: FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Includes the edge locations near mainland China and Hong Kong, where operators are.
      priceClass: PriceClass.PRICE_CLASS_200,
      enableLogging: true,
      logBucket: accessLogs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the viewer TLS policy; ' +
        'with a custom domain and ACM certificate set minimumProtocolVersion to TLSv1.2_2021.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Operators sign in from wherever they work; access is controlled by Cognito (TOTP MFA) rather than by country.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'The console is static files; the API behind /admin/* requires a Cognito JWT and its stage is throttled. A WAF web ACL ' +
        '(its own monthly cost) can be attached when the console gets a public custom domain.',
    });

    // Hashed assets first and kept (prune off) so an open tab on the previous build still loads its chunks.
    const assets = new BucketDeployment(this, 'Assets', {
      sources: [Source.asset(props.distPath, { exclude: ['index.html', 'config.json'] })],
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_PATH.slice(1),
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
    });
    // The entry page and its settings are revalidated on every load, so a deploy shows at once.
    const entry = new BucketDeployment(this, 'Entry', {
      sources: [Source.data('index.html', readFileSync(indexHtml, 'utf8')), Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: CONSOLE_PATH.slice(1),
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`${CONSOLE_PATH}*`],
    });
    entry.node.addDependency(assets);

    for (const deployment of [assets, entry]) acknowledgeDeploymentHandler(deployment, this.bucket);
  }

  /** https URL of the console's entry page. */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}${CONSOLE_PATH}`;
  }
}

/** The findings on the Lambda function and role that aws-cdk-lib's BucketDeployment brings along. */
function acknowledgeDeploymentHandler(deployment: BucketDeployment, site: Bucket): void {
  const stack = Stack.of(deployment);
  const assetBucket = nagRef(deployment, stack.formatArn({ service: 's3', region: '', account: '', resource: `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-${stack.account}-${stack.region}` }));
  const role = deployment.handlerRole;
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${assetBucket}/*]`,
    reason: 'The BucketDeployment handler reads the zipped console build from the CDK asset bucket of this account and region.',
  });
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagRef(site, site.bucketArn)}/*]`,
    reason: 'The BucketDeployment handler writes the console build into the console bucket, every key under /console.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'aws-cdk-lib grants the BucketDeployment handler cloudfront:CreateInvalidation/GetInvalidation on Resource * to invalidate the console after a deploy.',
  });
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason: 'Role of the BucketDeployment handler that aws-cdk-lib creates; it writes its own logs with the basic execution policy.',
  });
  for (const id of ['AwsSolutions-IAM5[Action::s3:GetObject*]', 'AwsSolutions-IAM5[Action::s3:GetBucket*]', 'AwsSolutions-IAM5[Action::s3:List*]', 'AwsSolutions-IAM5[Action::s3:DeleteObject*]', 'AwsSolutions-IAM5[Action::s3:Abort*]']) {
    Validations.of(role).acknowledge({
      id,
      reason: 'The BucketDeployment handler copies the console build from the CDK asset bucket into the console bucket; the grant names those two buckets.',
    });
  }
  const handler = findDeploymentHandler(deployment);
  if (handler) {
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The BucketDeployment handler runtime is chosen by aws-cdk-lib and moves with its version; it runs only during deploys.',
    });
  }
}

function findDeploymentHandler(deployment: BucketDeployment): IConstruct | undefined {
  return Stack.of(deployment)
    .node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
}

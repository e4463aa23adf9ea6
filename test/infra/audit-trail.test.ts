import type { Template } from 'aws-cdk-lib/assertions';
import { TABLE_SCHEMA } from '../../functions/lib/store/table-schema';
import { only, synthStack } from './stack-template';

/** What the admin audit trail needs from the stack: records that expire on their own, and the caller in the access log. */
describe('audit trail in the stack', () => {
  let template: Template;

  beforeAll(() => {
    ({ template } = synthStack());
  });

  it('the table expires items on the attribute the audit-trail store writes', () => {
    const [, table] = only(template, 'AWS::DynamoDB::GlobalTable');
    expect(TABLE_SCHEMA.ttlAttribute).toBe('ttl');
    expect(table.Properties?.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true });
  });

  it('the API access log names the caller: the JWT’s sub and username', () => {
    const [, stage] = only(template, 'AWS::ApiGatewayV2::Stage');
    const format = JSON.parse((stage.Properties?.AccessLogSettings as { Format: string }).Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      userSub: '$context.authorizer.claims.sub',
      username: '$context.authorizer.claims.username',
    });
  });
});

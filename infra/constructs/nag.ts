import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells a reference inside a finding id (`<LogicalId.Arn>`), so an
 * acknowledgement can name exactly one resource instead of a blanket `Resource::*`.
 */
export function nagRef(scope: IConstruct, token: string): string {
  const resolved: unknown = Stack.of(scope).resolve(token);
  if (typeof resolved === 'object' && resolved !== null) {
    if ('Fn::GetAtt' in resolved && Array.isArray(resolved['Fn::GetAtt'])) {
      const [logicalId, attribute] = resolved['Fn::GetAtt'] as unknown[];
      return `<${String(logicalId)}.${String(attribute)}>`;
    }
    if ('Ref' in resolved) return `<${String(resolved.Ref)}>`;
  }
  throw new Error(`nagRef: expected a Ref or Fn::GetAtt, got ${JSON.stringify(resolved)}`);
}

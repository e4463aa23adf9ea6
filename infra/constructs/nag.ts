import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * How cdk-nag spells a reference or an ARN inside a finding id: `Ref` and `Fn::GetAtt` become
 * `<LogicalId>` / `<LogicalId.Attr>` (pseudo parameters `<AWS::Partition>`), `Fn::Join` is
 * joined. An acknowledgement can then name exactly one resource instead of a blanket `Resource::*`.
 */
export function nagRef(scope: IConstruct, token: string): string {
  return render(Stack.of(scope).resolve(token));
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    if ('Fn::GetAtt' in value && Array.isArray(value['Fn::GetAtt'])) {
      const [logicalId, attribute] = value['Fn::GetAtt'] as unknown[];
      return `<${String(logicalId)}.${String(attribute)}>`;
    }
    if ('Ref' in value) return `<${String(value.Ref)}>`;
    if ('Fn::Join' in value && Array.isArray(value['Fn::Join'])) {
      const [separator, parts] = value['Fn::Join'] as [unknown, unknown];
      if (typeof separator === 'string' && Array.isArray(parts)) return parts.map(render).join(separator);
    }
  }
  throw new Error(`nagRef: expected a string, Ref, Fn::GetAtt or Fn::Join, got ${JSON.stringify(value)}`);
}

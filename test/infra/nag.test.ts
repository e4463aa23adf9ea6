import { App, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/build-app';
import { consoleDistFixture } from './stack-template';

/**
 * cdk-nag 3 runs as a CDK validation plugin: any unacknowledged AwsSolutions finding (error or
 * warning) makes `app.synth()` throw with the report in the message.
 *
 * aws-cdk-lib's built-in CloudFormation schema check is turned off here only: without the
 * validateAgainstDefaultRules flag it can only warn, and its WASM instance makes the jest
 * worker miss its exit deadline. `cdk synth` still runs it.
 */
// Bundling is skipped: the findings are about resources, not code (stack.test.ts bundles).
const APP_PROPS = { builtinCloudFormationValidation: false, context: { consoleDistPath: consoleDistFixture(), 'aws:cdk:bundling-stacks': [] } };
describe('cdk-nag AwsSolutions', () => {
  let app: App;
  let synthError: Error | undefined;

  beforeAll(() => {
    ({ app } = buildApp(APP_PROPS));
    try {
      app.synth();
    } catch (error) {
      synthError = error instanceof Error ? error : new Error(String(error));
    }
  });

  it('reports no unacknowledged findings for the app built like infra/app.ts', () => {
    // The message is the full nag report, so a failure here says what to fix.
    expect(synthError?.message).toBeUndefined();
  });

  it('has a specific reason on every acknowledgement', () => {
    const acknowledgements = app.node
      .findAll()
      .flatMap((c: IConstruct) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, unknown>))
      // aws-cdk-lib acknowledges some CloudFormation lint warnings of its own constructs (e.g.
      // W3045 on an access-log bucket); ours are the AwsSolutions ones.
      .filter(([id]) => !id.startsWith('CloudFormation-Validate::'));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledgements) {
      expect({ id, ok: /AwsSolutions-[A-Z]+\d+/.test(id) }).toEqual({ id, ok: true });
      expect(typeof reason).toBe('string');
      expect({ id, long: String(reason).length >= 60 }).toEqual({ id, long: true });
    }
  });

  it('is actually enforced: a non-compliant resource fails synth', () => {
    const probe = new App(APP_PROPS);
    Validations.of(probe).addPlugins(new AwsSolutionsChecks(probe));
    new Queue(new Stack(probe, 'Probe'), 'PlainQueue');
    expect(() => probe.synth()).toThrow(/AwsSolutions-SQS4/);
  });

  it('rejects a componentAppId that is not a WeChat AppID', () => {
    expect(() => buildApp({ ...APP_PROPS, context: { ...APP_PROPS.context, componentAppId: 'not-an-appid' } })).toThrow(/componentAppId/);
  });

  it('rejects an alarmEmail that is not an email address', () => {
    expect(() => buildApp({ ...APP_PROPS, context: { ...APP_PROPS.context, alarmEmail: 'ops' } })).toThrow(/alarmEmail/);
  });

  it('hands the console folder to prepareConsole before the stack reads it, and stops when the build is missing', () => {
    const prepared: string[] = [];
    const missing = '/nonexistent/console/dist';
    expect(() => buildApp({ ...APP_PROPS, context: { ...APP_PROPS.context, consoleDistPath: missing } }, { prepareConsole: (dir) => prepared.push(dir) })).toThrow(/console:build/);
    expect(prepared).toEqual([missing]);
  });
});

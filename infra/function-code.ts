import path from 'node:path';
import { AssetHashType, DockerImage, type BundlingOptions, type ILocalBundling } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { bundleFunctionSync, FUNCTION_BUNDLING } from './bundling';

/**
 * A function's code as a CDK asset: `projectRoot` bundled by esbuild in this process
 * (infra/bundling.ts) into the asset directory, hashed on the output as NodejsFunction does.
 * When the app skips bundling (`aws:cdk:bundling-stacks: []`, as the infra tests do), CDK never
 * calls tryBundle and stages a placeholder hash instead.
 */
export function functionCode(projectRoot: string, entry: string): Code {
  const relativeEntry = path.relative(projectRoot, path.resolve(entry));
  if (relativeEntry.startsWith('..') || path.isAbsolute(relativeEntry)) {
    throw new Error(`entry ${entry} is not under the project root ${projectRoot}`);
  }
  return Code.fromAsset(projectRoot, { assetHashType: AssetHashType.OUTPUT, bundling: new LocalEsbuildBundling(projectRoot, relativeEntry) });
}

/**
 * Bundling that always runs locally. Its public fields are what CDK serializes into the key of
 * its in-process asset cache, so two functions (different `entry`) never share a staged asset.
 */
class LocalEsbuildBundling implements BundlingOptions {
  /** Required by the interface; never pulled or run, since local bundling always succeeds or throws. */
  readonly image = DockerImage.fromRegistry('dummy');
  readonly local: ILocalBundling;
  readonly settings = FUNCTION_BUNDLING;

  constructor(
    projectRoot: string,
    readonly entry: string,
  ) {
    this.local = {
      tryBundle(outputDir: string): boolean {
        bundleFunctionSync(projectRoot, entry, outputDir);
        return true;
      },
    };
  }
}

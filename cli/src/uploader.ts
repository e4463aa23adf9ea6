import { z } from 'zod';
import { CliError, EXIT } from './errors';
import { note } from './output';

/**
 * The one place that knows WeChat's `miniprogram-ci`: the same code upload the developer
 * tools do, signed with the app's code-upload private key, from an IP on that app's whitelist.
 * It is loaded only by `upload` (it is large), and WEAPP_FLEET_MINIPROGRAM_CI names another
 * module with the same `Project`/`upload` API instead — the tests' stand-in, which cannot
 * reach WeChat.
 */
export interface UploadRequest {
  appid: string;
  projectPath: string;
  privateKeyPath: string;
  version: string;
  desc: string;
  robot: number;
}

/** The part of miniprogram-ci's API this uses (its own typings are loose). */
export interface MiniprogramCi {
  Project: new (options: { appid: string; type: 'miniProgram'; projectPath: string; privateKeyPath: string; ignores?: string[] }) => unknown;
  upload(options: { project: unknown; version: string; desc: string; robot: number; setting?: Record<string, unknown>; onProgressUpdate?: (message: unknown) => void }): Promise<unknown>;
}

const ModuleOverride = z.string().min(1).optional();

function loadMiniprogramCi(): MiniprogramCi {
  const override = ModuleOverride.parse(process.env.WEAPP_FLEET_MINIPROGRAM_CI || undefined);
  // miniprogram-ci logs to stdout while it loads and uploads; stdout carries this CLI's
  // results (and --json), so its chatter goes to stderr.
  const log = console.log;
  console.log = console.error;
  try {
    return require(override ?? 'miniprogram-ci') as MiniprogramCi; // eslint-disable-line @typescript-eslint/no-require-imports
  } catch (error) {
    throw new CliError(`cannot load ${override ?? 'miniprogram-ci'} (${(error as Error).message.split('\n')[0]}); run npm ci`, EXIT.unreachableOrUnauthorized);
  } finally {
    console.log = log;
  }
}

/** Uploads one build as a draft of the platform's development mini program. */
export async function uploadBuild(request: UploadRequest): Promise<void> {
  const ci = loadMiniprogramCi();
  const project = new ci.Project({ appid: request.appid, type: 'miniProgram', projectPath: request.projectPath, privateKeyPath: request.privateKeyPath, ignores: ['node_modules/**/*'] });
  const log = console.log;
  console.log = console.error;
  let lastProgress = '';
  try {
    await ci.upload({
      project,
      version: request.version,
      desc: request.desc,
      robot: request.robot,
      setting: { es6: true, minify: true },
      onProgressUpdate: (message) => {
        // miniprogram-ci reports task objects ({ _msg, _status }) many times over; one line per new message.
        const text = typeof message === 'string' ? message : (message as { _msg?: unknown } | null)?._msg;
        if (typeof text === 'string' && text !== lastProgress) note(`  upload: ${text}`);
        lastProgress = typeof text === 'string' ? text : lastProgress;
      },
    });
  } catch (error) {
    // Its errors carry WeChat's answer, e.g. the IP not on the whitelist or a wrong key.
    throw new CliError(`upload failed: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`, EXIT.unreachableOrUnauthorized);
  } finally {
    console.log = log;
  }
}

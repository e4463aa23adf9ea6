import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { DraftSchema, TemplateSchema, parseList, type Draft } from '../../../console/src/api/wechat-shapes';
import { act, CliError, EXIT, badInput } from '../errors';
import { note, print, printJson } from '../output';
import { durationOption, integer } from '../parse';
import { openSession, type Session } from '../session';
import { uploadBuild } from '../uploader';

interface UploadOptions {
  project: string;
  version: string;
  desc: string;
  appid: string;
  privateKey: string;
  robot: number;
  json?: boolean;
  timeout: number;
  pollInterval: number;
}

const listDrafts = async (session: Session): Promise<Draft[]> => parseList(DraftSchema, (await session.call(session.api.GET('/admin/templates/drafts'))).drafts);

export function registerUpload(program: Command): void {
  program
    .command('upload')
    .description('upload a build with WeChat’s miniprogram-ci, then add its draft to the template library; prints the template id')
    .requiredOption('--project <dir>', 'the built mini program (the folder with project.config.json)')
    .requiredOption('--version <version>', 'the version WeChat shows for the draft, e.g. 1.4.0')
    .requiredOption('--desc <text>', 'the draft’s description')
    .requiredOption('--appid <appid>', 'the platform’s template development mini program (the draft is uploaded to it)')
    .requiredOption('--private-key <file>', 'that app’s code-upload key (WeChat console → 开发管理 → 小程序代码上传)')
    .option('--robot <n>', 'which of WeChat’s 30 CI robots uploads (shown as the draft’s developer)', integer(1, 30), 1)
    .addOption(durationOption('--timeout <duration>', 'how long to wait for the draft to appear', '5m'))
    .addOption(durationOption('--poll-interval <duration>', 'how often to look for the draft', '3s'))
    .option('--json', 'print {draftId, templateId} as JSON')
    .addHelpText('after', [
      '',
      'WeChat accepts the upload only with the code-upload private key of --appid and from an IP',
      'on that key’s whitelist (WeChat console → 开发管理 → 开发设置 → 小程序代码上传): add your CI',
      'runners’ egress IPs, or upload from a runner with a fixed IP.',
    ].join('\n'))
    .action(act(async (options: UploadOptions) => {
      const projectPath = path.resolve(options.project);
      const privateKeyPath = path.resolve(options.privateKey);
      if (!statSync(projectPath, { throwIfNoEntry: false })?.isDirectory()) throw badInput(`--project ${options.project}: not a directory`);
      try {
        accessSync(privateKeyPath, constants.R_OK);
      } catch {
        throw badInput(`--private-key ${options.privateKey}: cannot read the file`);
      }
      const session = await openSession();
      // Drafts already there before the upload cannot be this upload's, even with the same version.
      const before = new Set((await listDrafts(session)).map((draft) => draft.draft_id));
      note(`uploading ${projectPath} as ${options.version} to ${options.appid} (robot ${options.robot})`);
      await uploadBuild({ appid: options.appid, projectPath, privateKeyPath, version: options.version, desc: options.desc, robot: options.robot });

      const draft = await waitForDraft(session, options, before);
      note(`draft ${draft.draft_id} (${draft.user_version}) is listed; adding it to the template library`);
      await session.call(session.api.POST('/admin/templates', { body: { draftId: draft.draft_id, templateType: 'normal' } }));
      const templates = parseList(TemplateSchema, (await session.call(session.api.GET('/admin/templates'))).templates);
      // WeChat lists the draft each template came from; the newest template of that version otherwise.
      const template = templates.find((t) => t.draft_id === draft.draft_id)
        ?? templates.filter((t) => t.user_version === draft.user_version).sort((a, b) => (b.create_time ?? 0) - (a.create_time ?? 0) || b.template_id - a.template_id)[0];
      if (!template) throw new CliError(`draft ${draft.draft_id} was added but no template of version ${draft.user_version} is listed`, EXIT.failures);
      if (options.json) printJson({ draftId: draft.draft_id, templateId: template.template_id });
      else print(String(template.template_id));
    }));
}

async function waitForDraft(session: Session, options: UploadOptions, before: Set<number>): Promise<Draft> {
  const deadline = Date.now() + options.timeout;
  for (;;) {
    const found = (await listDrafts(session)).filter((draft) => draft.user_version === options.version && !before.has(draft.draft_id)).sort((a, b) => b.draft_id - a.draft_id)[0];
    if (found) return found;
    if (Date.now() + options.pollInterval > deadline) {
      throw new CliError(`the upload finished but no new draft ${options.version} was listed within ${Math.round(options.timeout / 1000)} s`, EXIT.cancelledOrTimedOut);
    }
    await sleep(options.pollInterval);
  }
}

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { TemplateSchema, parseList } from '../../../console/src/api/wechat-shapes';
import type { StartReleaseBody } from '../api';
import { act, EXIT, badInput, type ExitCode } from '../errors';
import { note, print, printJson } from '../output';
import { durationOption, integer, list } from '../parse';
import { describeCounts } from '../progress';
import { describeFailure, failedTargets, watchRelease, type WatchOptions } from '../release-watch';
import { openSession, type Session } from '../session';

interface WaitFlags {
  wait?: boolean;
  json?: boolean;
  timeout: number;
  pollInterval: number;
}

interface StartOptions extends WaitFlags {
  template: string;
  version: string;
  desc: string;
  all?: boolean;
  apps?: string[];
  nameContains?: string;
  withFuncInfo?: number;
  exclude?: string[];
  canary?: number;
  gray?: number;
  hold?: boolean;
  concurrency?: number;
  extJson?: string;
  bodyFile?: string;
}

const JsonObjectFile = z.record(z.string(), z.unknown());

function readJsonObject(file: string, flag: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw badInput(`${flag} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const parsed = JsonObjectFile.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // reported below
  }
  throw badInput(`${flag} ${file}: not a JSON object`);
}

const withWaitFlags = (command: Command): Command =>
  command
    .option('--wait', 'follow the release until it ends (or only approvals are left) and exit with its outcome')
    .addOption(durationOption('--timeout <duration>', 'with --wait: give up waiting after this long (exit 3; the release goes on)', '72h'))
    .addOption(durationOption('--poll-interval <duration>', 'with --wait: how often to ask for progress', '5s'))
    .option('--json', 'print the release (and its failed apps) as JSON');

const watchOptions = (flags: WaitFlags): WatchOptions => ({ intervalMs: flags.pollInterval, timeoutMs: flags.timeout, json: flags.json === true });

/** `latest` is the newest template in the library (WeChat's create_time, then the higher id). */
async function resolveTemplate(session: Session, template: string): Promise<string> {
  if (template !== 'latest') {
    if (!/^\d+$/.test(template)) throw badInput(`--template ${template}: a template id (a number) or "latest"`);
    return template;
  }
  const templates = parseList(TemplateSchema, (await session.call(session.api.GET('/admin/templates'))).templates);
  const newest = templates.sort((a, b) => (b.create_time ?? 0) - (a.create_time ?? 0) || b.template_id - a.template_id)[0];
  if (!newest) throw badInput('--template latest: the template library is empty; run weapp-fleet upload first');
  note(`template latest = ${newest.template_id} (${newest.user_version})`);
  return String(newest.template_id);
}

function startBody(options: StartOptions, templateId: string): StartReleaseBody {
  if (options.all === (options.apps !== undefined)) throw badInput('give exactly one of --all and --apps');
  if (options.apps && (options.nameContains !== undefined || options.withFuncInfo !== undefined || options.exclude)) throw badInput('--name-contains, --with-func-info and --exclude narrow --all, not --apps');
  const targets: StartReleaseBody['targets'] = options.apps
    ? { appIds: options.apps }
    : {
        allAuthorized: true,
        ...(options.nameContains !== undefined ? { nicknameContains: options.nameContains } : {}),
        ...(options.withFuncInfo !== undefined ? { withFuncInfo: options.withFuncInfo } : {}),
        ...(options.exclude ? { excludeAppIds: options.exclude } : {}),
      };
  // The body file carries what has no flag (extJsonOverrides, domains, testers…); flags win.
  // The API validates the whole body and answers 400 with its reason (exit 2).
  const base = options.bodyFile ? readJsonObject(options.bodyFile, '--body-file') : {};
  return {
    ...base,
    templateId,
    userVersion: options.version,
    userDesc: options.desc,
    targets,
    ...(options.extJson ? { extJsonBase: readJsonObject(options.extJson, '--ext-json') } : {}),
    ...(options.canary !== undefined ? { canary: { count: options.canary } } : {}),
    ...(options.gray !== undefined ? { grayPercentage: options.gray } : {}),
    ...(options.hold ? { autoRelease: false } : {}),
    ...(options.concurrency !== undefined ? { maxConcurrency: options.concurrency } : {}),
  } as StartReleaseBody;
}

async function startRelease(options: StartOptions): Promise<ExitCode> {
  const session = await openSession();
  const templateId = await resolveTemplate(session, options.template);
  const release = await session.call(session.api.POST('/admin/releases', { body: startBody(options, templateId) }));
  note(`${release.releaseId} started: template ${release.templateId}, version ${release.userVersion}, ${release.total} app(s)`);
  if (options.wait) return watchRelease(session, release.releaseId, watchOptions(options));
  if (options.json) printJson(release);
  else print(release.releaseId);
  return EXIT.ok;
}

type Action = 'approve' | 'cancel' | 'rollback';

/** approve, cancel and rollback each handle as many apps as fit in one request: called again while some remain. */
async function repeatUntilDone(session: Session, releaseId: string, action: Action): Promise<{ done: number; failed: number }> {
  const path = `/admin/releases/{releaseId}/${action}` as const;
  let done = 0;
  let failed = 0;
  for (;;) {
    const answer = await session.call(session.api.POST(path, { params: { path: { releaseId } } }));
    done += 'released' in answer ? answer.released : 'rolledBack' in answer ? answer.rolledBack : answer.cancelled;
    failed += 'failed' in answer ? answer.failed : 0;
    if (answer.remaining === 0) return { done, failed };
    note(`${releaseId}: ${action} — ${answer.remaining} app(s) left, continuing`);
  }
}

const PAST: Record<Action, string> = { approve: 'released', cancel: 'cancelled', rollback: 'rolled back' };

function registerAction(release: Command, action: Action, description: string): void {
  withWaitFlags(release.command(`${action} <releaseId>`).description(description)).action(act(async (releaseId: string, flags: WaitFlags) => {
    const session = await openSession();
    const { done, failed } = await repeatUntilDone(session, releaseId, action);
    note(`${releaseId}: ${done} app(s) ${PAST[action]}${failed ? `, ${failed} failed` : ''}`);
    if (flags.wait) return watchRelease(session, releaseId, watchOptions(flags));
    // A rollback is done when the requests are: its outcome per app is on the release.
    if (action === 'rollback' && failed > 0) {
      const progress = await session.call(session.api.GET('/admin/releases/{releaseId}', { params: { path: { releaseId }, query: { limit: 500 } } }));
      for (const target of progress.targets.filter((t) => t.rollback && !t.rollback.ok)) print(`  ${target.appId}  rollback failed: ${target.rollback!.reason ?? 'unknown'}${target.rollback!.errcode === undefined ? '' : ` (errcode ${target.rollback!.errcode})`}`);
      return EXIT.failures;
    }
    return EXIT.ok;
  }));
}

export function registerRelease(program: Command): void {
  const release = withWaitFlags(
    program
      .command('release')
      .description('start a release of a template to the fleet (or act on one: approve, cancel, rollback, retry, show)')
      .option('--template <id|latest>', 'template id from the library, or latest')
      .option('--version <version>', 'the version the apps get (user_version)')
      .option('--desc <text>', 'the version description (user_desc)', '')
      .option('--all', 'every authorized mini program (narrow with --name-contains, --with-func-info, --exclude)')
      .option('--apps <appids>', 'these mini programs, comma-separated', list)
      .option('--name-contains <text>', 'with --all: only apps whose name contains this')
      .option('--with-func-info <id>', 'with --all: only apps that granted this permission set', integer(0))
      .option('--exclude <appids>', 'with --all: leave these out, comma-separated', list)
      .option('--canary <n>', 'the first n apps must be released in full before the rest start', integer(1))
      .option('--gray <percent>', 'phased release to this percentage of users', integer(1, 100))
      .option('--hold', 'hold apps that pass audit until you approve (weapp-fleet release approve)')
      .option('--concurrency <n>', 'apps in flight at once (API default 10)', integer(1, 40))
      .option('--ext-json <file>', 'ext_json for every app (JSON object)')
      .option('--body-file <file>', 'more POST /admin/releases fields as JSON (extJsonOverrides, domains, testers…); flags win'),
  )
    .addHelpText('after', [
      '',
      'Exit codes: 0 every app released · 1 finished with failed apps (listed with WeChat’s reason)',
      '· 2 bad input (the API’s message) · 3 cancelled, or --timeout passed · 4 cannot reach or authenticate',
    ].join('\n'))
    .action(act(async (options: StartOptions) => {
      if (!options.template || !options.version) throw badInput('release needs --template <id|latest> and --version <version> (or a subcommand: approve, cancel, rollback, retry, show)');
      return startRelease(options);
    }));

  registerAction(release, 'approve', 'release every app held for approval');
  registerAction(release, 'cancel', 'stop the release; unfinished apps become cancelled');
  registerAction(release, 'rollback', 'revert every app this release put live, one version back');

  withWaitFlags(release.command('retry <releaseId>').description('run the failed apps again')).action(act(async (releaseId: string, flags: WaitFlags) => {
    const session = await openSession();
    const { retried } = await session.call(session.api.POST('/admin/releases/{releaseId}/retry-failed', { params: { path: { releaseId } } }));
    note(`${releaseId}: ${retried} failed app(s) run again`);
    return flags.wait ? watchRelease(session, releaseId, watchOptions(flags)) : EXIT.ok;
  }));

  release
    .command('show <releaseId>')
    .description('a release: status, counts by state, and every failed app with its reason')
    .option('--json', 'print it as JSON')
    .action(act(async (releaseId: string, flags: { json?: boolean }) => {
      const session = await openSession();
      const { targets: _targets, nextCursor: _next, ...progress } = await session.call(session.api.GET('/admin/releases/{releaseId}', { params: { path: { releaseId }, query: { limit: 1 } } }));
      if (flags.json) return void printJson({ ...progress, failed: await failedTargets(session, releaseId) });
      print(`${progress.releaseId}  ${progress.status}  template ${progress.templateId}  version ${progress.userVersion}  ${progress.total} app(s)  created ${progress.createdAt}${progress.finishedAt ? `  finished ${progress.finishedAt}` : ''}`);
      print(`  ${describeCounts(progress.counts)}`);
      if ((progress.counts.failed ?? 0) > 0) for (const target of await failedTargets(session, releaseId)) print(`  ${describeFailure(target)}`);
    }));
}


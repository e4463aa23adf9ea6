import { act } from '../errors';
import { Option, type Command } from 'commander';
import type { AuthorizerSummary } from '../api';
import { AUTHORIZER_STATUSES } from '../../../console/src/api/types';
import { print, printJson, printTable } from '../output';
import { openSession } from '../session';

export function registerApps(program: Command): void {
  program
    .command('apps')
    .description('the registry of authorized mini programs (every page)')
    .addOption(new Option('--status <status>', 'only apps in this state').choices(AUTHORIZER_STATUSES))
    .option('--json', 'print the list as JSON')
    .action(act(async (options: { status?: AuthorizerSummary['status']; json?: boolean }) => {
      const session = await openSession();
      const apps: AuthorizerSummary[] = [];
      let cursor: string | undefined;
      do {
        const page = await session.call(session.api.GET('/admin/authorizers', { params: { query: { limit: 100, ...(options.status ? { status: options.status } : {}), ...(cursor ? { cursor } : {}) } } }));
        apps.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      if (options.json) return printJson(apps);
      if (apps.length === 0) return print('no apps');
      printTable([['APPID', 'STATUS', 'NAME', 'AUTHORIZED'], ...apps.map((app) => [app.appId, app.status, app.nickname ?? '', app.lastAuthorizedAt ?? app.authorizedAt ?? ''])]);
    }));
}

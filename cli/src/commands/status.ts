import type { Command } from 'commander';
import type { ComponentStatus, Health } from '../api';
import { act, EXIT } from '../errors';
import { print, printJson } from '../output';
import { openSession } from '../session';

const describeHealth = (health: Health): string => {
  const parts = Object.entries(health.parts).filter(([, part]) => part.status !== 'ok');
  return `health     ${health.status}${parts.length ? ` — ${parts.map(([name, part]) => `${name} ${part.status}${part.reason ? `: ${part.reason}` : ''}`).join('; ')}` : ''}`;
};

const describeComponent = (component: ComponentStatus): string => {
  const ticket = component.ticket ? `ticket ${component.ticket.state} (received ${component.ticket.receivedAt})` : 'no ticket yet';
  const token = component.token ? `token expires ${component.token.expiresAt}` : 'no token yet';
  const refresher = component.refresher ? `refresher ${component.refresher.outcome} at ${component.refresher.startedAt}` : 'refresher not run yet';
  return `component  ${component.appId} · ${ticket} · ${token} · ${refresher}`;
};

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('platform health and the component’s ticket and token, one line each (exit 1 when health is failing)')
    .option('--json', 'print {health, component} as JSON')
    .action(act(async (options: { json?: boolean }) => {
      const session = await openSession();
      const [health, component] = await Promise.all([session.call(session.api.GET('/admin/health')), session.call(session.api.GET('/admin/component'))]);
      if (options.json) printJson({ health, component });
      else {
        print(describeHealth(health));
        print(describeComponent(component));
      }
      return health.status === 'failing' ? EXIT.failures : EXIT.ok;
    }));
}

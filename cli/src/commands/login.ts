import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { adminApi, call } from '../api';
import { parseUrl, writeConfig } from '../config';
import { act, badInput } from '../errors';
import { print } from '../output';

export function registerLogin(program: Command): void {
  program
    .command('login')
    .description('store the API URL and credentials in your config dir (mode 0600); CI sets WEAPP_FLEET_URL and WEAPP_FLEET_TOKEN instead')
    .requiredOption('--url <api>', 'the admin API, e.g. http://127.0.0.1:3000 locally')
    .option('--token <token>', 'the admin token (local platform); "-" reads it from stdin, keeping it out of shell history')
    .option('--username <email>', 'sign in to the Cognito user pool (AWS): password, then your authenticator code')
    .addHelpText('after', '\nThe credentials are checked against the API before they are saved.')
    .action(act(async (options: { url: string; token?: string; username?: string }) => {
      const url = parseUrl(options.url);
      if (options.token !== undefined && options.username !== undefined) throw badInput('give --token or --username, not both');
      if (options.username !== undefined) {
        // Loaded only here (and when refreshing): token logins never load the Cognito SDK. A
        // require, not import(): the launcher registers tsx for require only.
        const { cognitoLogin } = require('../cognito') as typeof import('../cognito'); // eslint-disable-line @typescript-eslint/no-require-imports
        const file = writeConfig({ url, auth: { kind: 'cognito', ...(await cognitoLogin(url, options.username)) } });
        print(`signed in to ${url} as ${options.username}; tokens saved in ${file}`);
        return;
      }
      if (options.token === undefined) throw badInput('give --token <token> (locally: the admin token npm start prints) or --username <email> (AWS)');
      const token = (options.token === '-' ? readFileSync(0, 'utf8') : options.token).trim();
      if (!token) throw badInput('the token is empty');
      // A refused token is not saved: exit 4 with the API's answer.
      await call(url, adminApi(url, token).GET('/admin/component'));
      const file = writeConfig({ url, auth: { kind: 'token', token } });
      print(`logged in to ${url}; credentials saved in ${file}`);
    }));
}

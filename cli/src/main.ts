import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerApps } from './commands/apps';
import { registerLogin } from './commands/login';
import { registerRelease } from './commands/release';
import { registerStatus } from './commands/status';
import { registerUpload } from './commands/upload';
import { CliError, EXIT, actionOutcome } from './errors';

const packageVersion = (): string => (JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

export function buildProgram(): Command {
  const program = new Command('weapp-fleet')
    .description('ship a mini-program build from CI to the whole fleet, through the weapp-fleet admin API')
    // `-V`: `--version` is the mini-program version in upload and release.
    .version(packageVersion(), '-V, --cli-version', 'print the CLI version')
    // `release approve <id> --wait`: options after a subcommand belong to it.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText('after', [
      '',
      'Connection: weapp-fleet login --url <api> --token <token>, or WEAPP_FLEET_URL and WEAPP_FLEET_TOKEN (CI).',
      'Exit codes: 0 done (every app released) · 1 finished with failures · 2 bad input · 3 cancelled or timed out · 4 cannot reach or authenticate',
    ].join('\n'));
  registerLogin(program);
  registerStatus(program);
  registerApps(program);
  registerUpload(program);
  registerRelease(program);
  // Subcommands inherit exitOverride only when created after it is set; set it on all of them.
  const everyCommand = (command: Command): Command[] => [command, ...command.commands.flatMap(everyCommand)];
  for (const command of everyCommand(program)) command.exitOverride();
  return program;
}

/** Runs the CLI and returns its exit code; every failure is one line on stderr. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return actionOutcome();
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are answers, not errors; any other usage error is bad input.
      return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof CliError) {
      process.stderr.write(`weapp-fleet: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`weapp-fleet: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failures;
  }
}

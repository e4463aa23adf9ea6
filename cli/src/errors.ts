/**
 * The exit codes a CI job branches on (issue 19). Every failure the CLI reports is a CliError
 * carrying one of them; its message is one line, ready to print.
 */
export const EXIT = {
  /** Everything asked for is done (a release: every app released). */
  ok: 0,
  /** The release finished, but some apps failed (their reasons are printed). */
  failures: 1,
  /** The input was refused: a bad option, or the API's 4xx with its message. */
  badInput: 2,
  /** The release was cancelled, or the wait ran out (the release itself keeps running). */
  cancelledOrTimedOut: 3,
  /** The API could not be reached, answered 5xx, or refused the credentials. */
  unreachableOrUnauthorized: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(message: string, readonly exitCode: ExitCode) {
    super(message);
    this.name = 'CliError';
  }
}

export const badInput = (message: string): CliError => new CliError(message, EXIT.badInput);

let outcome: ExitCode = EXIT.ok;
/**
 * Wraps a command's action: commander awaits an action but drops what it returns, so the exit
 * code the action returns is kept here for `run` to exit with.
 */
export const act = <A extends unknown[]>(action: (...args: A) => Promise<ExitCode | void>) => async (...args: A): Promise<void> => {
  outcome = (await action(...args)) ?? EXIT.ok;
};
export const actionOutcome = (): ExitCode => outcome;

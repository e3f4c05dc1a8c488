/**
 * A command line the tool cannot act on: a missing, malformed or conflicting flag. The
 * message names the flag and what to give instead. Exit code 2.
 */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The tool understood the request but the work could not be done, or was refused on
 * purpose (a consumer group still running). `retriable` says whether the same command
 * can succeed later without a change. Exit code 1.
 */
export class OpsError extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly retriable = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OpsError';
  }
}

/** A consumer group that still has members: its offsets cannot be moved under it. */
export class GroupActiveError extends OpsError {
  constructor(
    readonly group: string,
    readonly state: string,
    readonly members: string[],
  ) {
    super(
      `consumer group ${group} is ${state} with ${members.length} live member(s) ` +
        `(${members.join(', ') || 'none listed'}); stop its consumers (scale the service ` +
        `to 0) and wait for the group to be Empty, then run the reset again`,
      true,
    );
    this.name = 'GroupActiveError';
  }
}

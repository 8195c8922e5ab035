/**
 * Errors typed by what must happen next. Only cli/main.ts maps them to exit codes.
 * - UsageError: the command line is wrong (exit 2).
 * - ConfigError: the configuration is wrong; a human must fix it (exit 78).
 * - InstanceLockedError: another daemon owns this home (exit 3).
 * - EmergencyStopError: the EMERGENCY_STOP latch is set or was executed (exit 4).
 * - TransientError: retry with backoff; never fatal on its own.
 * - OperationalError: halt trading, stay up, alert.
 * - InvariantError: the books no longer add up; crash and let the supervisor restart into recovery.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
export class InstanceLockedError extends Error {
  override readonly name = 'InstanceLockedError';
}
export class EmergencyStopError extends Error {
  override readonly name = 'EmergencyStopError';
}
export class TransientError extends Error {
  override readonly name = 'TransientError';
}
export class OperationalError extends Error {
  override readonly name = 'OperationalError';
}
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}
/** A read-only command's negative answer, with the exit code the SPEC gives it. */
export class CommandResultError extends Error {
  override readonly name = 'CommandResultError';
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

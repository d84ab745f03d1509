/** Stable codes for fatal errors; tests assert them, exit codes derive from them. */
export type KpiErrorCode =
  | 'KPI_OPTION_INVALID'
  | 'KPI_CONFIG_MISSING'
  /** The Hub refused the token (401/403): a configuration error, exit 1. */
  | 'KPI_AUTH_REFUSED'
  | 'KPI_INPUT_UNREADABLE'
  | 'KPI_INPUT_INVALID'
  | 'KPI_UPLOAD_FAILED'
  | 'KPI_OUTPUT_FAILED'
  | 'KPI_LOCKED'
  | 'KPI_INTERRUPTED';

/** A fatal error with a stable code and the context a person needs to act on it. */
export class KpiError extends Error {
  constructor(
    readonly code: KpiErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'KpiError';
  }
}

/** Exit codes, documented in --help and the README (one table). */
export const EXIT = {ok: 0, usage: 1, input: 2, upload: 3, output: 4, locked: 5, interrupted: 130, terminated: 143} as const;

export function exitCodeFor(error: unknown): number {
  if (!(error instanceof KpiError)) return EXIT.usage;
  switch (error.code) {
    case 'KPI_INPUT_UNREADABLE':
    case 'KPI_INPUT_INVALID':
      return EXIT.input;
    case 'KPI_UPLOAD_FAILED':
      return EXIT.upload;
    case 'KPI_OUTPUT_FAILED':
      return EXIT.output;
    case 'KPI_LOCKED':
      return EXIT.locked;
    case 'KPI_INTERRUPTED':
      return EXIT.interrupted;
    default:
      return EXIT.usage;
  }
}

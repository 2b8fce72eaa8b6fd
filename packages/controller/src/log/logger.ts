/**
 * Structured JSON logs, one object per line on stderr, shaped like controller-runtime's zap output
 * (`level`, `ts`, `logger`, `msg`, then fields) so log pipelines built for upstream keep parsing them.
 * pino does the writing; this module only fixes the shape and the level names.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: LogLevel;
  /** Written as `logger` on every line, e.g. `setup`; children add their own. */
  readonly name?: string;
  /** Where lines go; stderr (fd 2) by default. Tests pass a stream to read them back. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      messageKey: 'msg',
      errorKey: 'error',
      base: options.name ? { logger: options.name } : null,
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

/** A logger that writes nothing, for library code whose caller passed none. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** `--zap-log-level` takes level names and also zap's numeric verbosity (`1` = debug); map both. */
export function parseLogLevel(value: string): LogLevel {
  const lower = value.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower as LogLevel;
  if (lower === 'panic' || lower === 'fatal' || lower === 'dpanic') return 'error';
  if (/^\d+$/.test(lower)) return Number(lower) >= 1 ? 'debug' : 'info';
  throw new Error(`invalid log level "${value}": use one of ${LOG_LEVELS.join(', ')} or a number`);
}

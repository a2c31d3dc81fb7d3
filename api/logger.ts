/**
 * A structured one-line-JSON logger. It never receives personal data: callers
 * log ids and codes, not phones, names, emails or query strings.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel = 'info', sink: (line: string) => void = (l) => console.log(l)): Logger {
  const min = ORDER[level];
  const emit =
    (lvl: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[lvl] < min) return;
      sink(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...fields }));
    };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createLogger('silent');

/**
 * What a log line may say about an error: its name, its code (SQLSTATE for
 * the database, ECONNREFUSED and the like for the network), the constraint,
 * table and column a database error names, and the stack frames — never a
 * message.
 *
 * A database error's message and detail quote the row they refused ("Key
 * (reporter_phone)=(…)", "Failing row contains (…)"), and drizzle's wrapper
 * puts the whole statement and its parameters in its message: the phone,
 * email, name and description of every caller in a 12345 batch. Other errors
 * are no safer: V8 quotes the text a JSON.parse failed on, a provider's
 * refusal names the number it refused. So no message is logged at all; the
 * code and the frames say where and what kind, and the request id finds the
 * request. The frames are the lines after the message in the stack, which
 * point at code, not data.
 */
export function describeError(err: unknown): Record<string, unknown> {
  // drizzle's DrizzleQueryError keeps the name "Error"; its class name says what it is.
  const name = err instanceof Error ? (err.name === 'Error' ? err.constructor.name : err.name) : typeof err;
  const out: Record<string, unknown> = { error: name };
  const db = causeWithCode(err);
  if (db) {
    out.code = db.code;
    const fields = db as { constraint?: unknown; constraint_name?: unknown; table?: unknown; table_name?: unknown; column?: unknown; column_name?: unknown };
    const constraint = fields.constraint_name ?? fields.constraint;
    const table = fields.table_name ?? fields.table;
    const column = fields.column_name ?? fields.column;
    if (typeof constraint === 'string') out.constraint = constraint;
    if (typeof table === 'string') out.table = table;
    if (typeof column === 'string') out.column = column;
  }
  const frames = err instanceof Error ? stackFrames(err) : undefined;
  if (frames) out.stack = frames;
  return out;
}

/** The error's code, or its causes' (drizzle wraps the driver's error): SQLSTATE, ECONNREFUSED… */
export function errorCode(err: unknown): string | undefined {
  return causeWithCode(err)?.code;
}

/** Codes are identifiers (`23505`, `ECONNREFUSED`, `CONNECTION_CLOSED`); anything else is not logged as one. */
const CODE = /^[A-Z0-9_]{1,40}$/i;

function causeWithCode(err: unknown): { code: string } | undefined {
  let e = err as { code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if (typeof e.code === 'string' && CODE.test(e.code)) return e as { code: string };
    e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * The "at …" lines of a stack, without the message that heads it. When the
 * message is not found where V8 put it (changed after the throw), nothing is
 * kept: a line of it could pass for a frame.
 */
function stackFrames(err: Error): string | undefined {
  const stack = err.stack;
  if (!stack) return undefined;
  let rest = stack;
  if (err.message) {
    const at = stack.indexOf(err.message);
    if (at < 0) return undefined;
    rest = stack.slice(at + err.message.length);
  }
  const frames = rest
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 12)
    .map((line) => line.trim());
  return frames.length ? frames.join('\n') : undefined;
}

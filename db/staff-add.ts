import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../api/config.ts';
import { hashPassword } from '../api/password.ts';
import { departments, STAFF_ROLES, staffUsers } from './schema.ts';
import { openDatabase } from './setup.ts';

/**
 * `npm run staff:add -- --email E --name N --role admin [--department CODE]`:
 * creates a member of staff on the database the environment names (DATABASE_URL,
 * or the embedded one in DATA_DIR), migrating and seeding it first. It is how
 * the first admin of a fresh database comes to be; the rest are added from the
 * console. The password comes from STAFF_PASSWORD or a prompt on the terminal
 * that is never echoed.
 *
 * Exit codes: 0 created; 2 bad arguments or password; 3 the email is taken;
 * 4 no such department; 1 anything else (the database unreachable, …).
 */

export const MIN_PASSWORD = 12;
const EXIT = { usage: 2, taken: 3, department: 4 } as const;

const USAGE = `Usage: npm run staff:add -- --email EMAIL --name NAME --role ${STAFF_ROLES.join('|')} [--department CODE]
The password comes from STAFF_PASSWORD, or is asked for on the terminal (never echoed); at least ${MIN_PASSWORD} characters.`;

const Args = z.object({
  email: z.email().max(254),
  name: z.string().trim().min(1).max(50),
  role: z.enum(STAFF_ROLES),
  department: z.string().trim().min(1).max(40).optional(),
});

class Refusal extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function readArgs(argv: string[]): z.infer<typeof Args> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, department: { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    throw new Refusal(`${(err as Error).message}\n${USAGE}`, EXIT.usage);
  }
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`);
    throw new Refusal(`${lines.join('\n')}\n${USAGE}`, EXIT.usage);
  }
  if (parsed.data.role === 'handler' && !parsed.data.department) throw new Refusal('A handler belongs to a department: add --department CODE.', EXIT.usage);
  return parsed.data;
}

/** Reads a line from the terminal with echo off (raw mode: the characters never reach the screen). */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new Refusal('Cancelled.', EXIT.usage));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.STAFF_PASSWORD;
  let password: string;
  if (fromEnv !== undefined && fromEnv !== '') {
    password = fromEnv;
  } else {
    if (!process.stdin.isTTY) throw new Refusal('No terminal to ask for the password on: set STAFF_PASSWORD, or run this in a terminal.', EXIT.usage);
    password = await promptHidden('Password: ');
    const again = await promptHidden('Password again: ');
    if (again !== password) throw new Refusal('The two passwords differ; nothing was created.', EXIT.usage);
  }
  if ([...password].length < MIN_PASSWORD) throw new Refusal(`The password is too short: at least ${MIN_PASSWORD} characters.`, EXIT.usage);
  if (password.length > 256) throw new Refusal('The password is too long: at most 256 characters.', EXIT.usage);
  return password;
}

/** The email's unique index refused the row (postgres.js or PGlite, wrapped by drizzle or not). */
function isUniqueViolation(err: unknown): boolean {
  const inner = ((err as { cause?: unknown })?.cause ?? err) as { code?: string; constraint_name?: string; constraint?: string } | undefined;
  return inner?.code === '23505' && (inner.constraint_name ?? inner.constraint) === 'staff_users_email_uq';
}

async function main(): Promise<number> {
  const args = readArgs(process.argv.slice(2));
  const password = await readPassword();
  // Never the demo accounts: this is how a real office starts.
  const config = { ...loadConfig(process.env), seedDemo: false };
  const handle = await openDatabase(config);
  try {
    let departmentId: number | null = null;
    if (args.department) {
      const [dept] = await handle.db.select({ id: departments.id, active: departments.active }).from(departments).where(eq(departments.code, args.department));
      if (!dept?.active) {
        const codes = await handle.db.select({ code: departments.code }).from(departments).where(eq(departments.active, true));
        throw new Refusal(`No active department "${args.department}". Codes: ${codes.map((d) => d.code).join(', ')}`, EXIT.department);
      }
      departmentId = dept.id;
    }
    const passwordHash = await hashPassword(password);
    const email = args.email.trim().toLowerCase();
    try {
      await handle.db.insert(staffUsers).values({ email, name: args.name, role: args.role, departmentId, passwordHash });
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new Refusal(`A member of staff with the email ${args.email} exists already; nothing was changed (an admin can reset their password in the console).`, EXIT.taken);
      }
      throw err;
    }
    console.log(`Created ${args.role} ${email} on ${handle.kind === 'pglite' ? `the embedded database in ${config.dataDir}/` : 'PostgreSQL'}.`);
    return 0;
  } finally {
    await handle.close();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  if (err instanceof Refusal || err instanceof ConfigError) {
    console.error(err.message);
    process.exitCode = err instanceof Refusal ? err.exitCode : EXIT.usage;
  } else {
    console.error(`Could not add the member of staff: ${(err as Error).message}`);
    process.exitCode = 1;
  }
}

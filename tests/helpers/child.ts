import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a script of ours sees in a test: this process's, without the
 * database and provider settings a developer's shell may hold, plus `env`.
 */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(base)) {
    if (/^(DATABASE_URL|DATA_DIR|PUBLIC_BASE_URL|TWILIO_|RESEND_|FEED_12345_|STAFF_PASSWORD|SEED_DEMO|PORT|HOST)/.test(key)) delete base[key];
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) base[key] = value;
  return base;
}

/**
 * Runs one of the project's TypeScript scripts (`node --import tsx file`) to its
 * end. `answers` replies to prompts: each is written once its pattern has shown
 * in the output (never before, so nothing races the script's terminal set-up).
 */
export function runScript(
  file: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { wrap?: (argv: string[]) => string[]; answers?: Array<[RegExp, string]> } = {},
): Promise<ChildResult> {
  const argv = [process.execPath, '--import', 'tsx', file, ...args];
  const [cmd, ...rest] = options.wrap ? options.wrap(argv) : argv;
  const child = spawn(cmd!, rest, { cwd: root, env: childEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const answers = [...(options.answers ?? [])];
  let seen = 0;
  const onOutput = () => {
    const all = stdout + stderr;
    while (answers.length) {
      const [pattern, reply] = answers[0]!;
      const match = pattern.exec(all.slice(seen));
      if (!match) break;
      seen += match.index + match[0].length;
      answers.shift();
      child.stdin.write(reply);
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
    onOutput();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    onOutput();
  });
  if (!options.answers) child.stdin.end();
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

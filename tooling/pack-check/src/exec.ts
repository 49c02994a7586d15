import { spawn } from 'node:child_process';

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
}

/**
 * The environment for the children: without the `npm_config_*`,
 * `npm_package_*` and `npm_lifecycle_*` variables that `pnpm run` sets, which
 * npm would otherwise read as its own settings (a registry set that way is
 * kept), and without `NODE_PATH`, which pnpm's shims point at the workspace's
 * store: `require` would fall back to it and hide a dependency missing from a
 * packed manifest.
 */
export function cleanEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (key === 'NODE_PATH') continue;
    if (/^npm_(config|package|lifecycle)_/.test(key) && key !== 'npm_config_registry') continue;
    out[key] = value;
  }
  return out;
}

/** Runs a command without a shell and collects its output. */
export function exec(command: string, args: readonly string[], options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${command} ${args.join(' ')} in ${options.cwd}: ${e.message}`));
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode });
    });
  });
}

/** Like `exec`, but throws with the command, folder, status and output when the exit status is not 0. */
export async function execOrThrow(command: string, args: readonly string[], options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<ExecResult> {
  const result = await exec(command, args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` in ${options.cwd} exited with ${result.exitCode ?? 'a signal (timed out?)'}\n` +
        `stdout:\n${result.stdout.trimEnd()}\nstderr:\n${result.stderr.trimEnd()}`,
    );
  }
  return result;
}

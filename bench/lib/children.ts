// Servers under test run in child processes, so that the load generator (in the parent) never
// shares their event loop.
import { type ChildProcess, fork } from 'node:child_process';

export interface RunningServer<Info> {
  /** What the child sent once listening (its port, and whatever else it reports). */
  info: Info;
  pid: number;
  /** Asks the child to stop (SIGTERM), then kills it if it has not exited within the grace time. */
  stop(): Promise<void>;
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Forks a server script, optionally sends it a setup message, and waits for its { port, … } reply. */
export async function startServer<Info extends { port: number }>(options: {
  script: string;
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  setup?: unknown;
  startTimeoutMs?: number;
}): Promise<RunningServer<Info>> {
  const child = fork(options.script, [], {
    env: options.env ?? process.env,
    execArgv: [...process.execArgv, ...(options.execArgv ?? [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.script} did not report a port within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve(message as Info);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.script} exited before listening (code ${code}, signal ${signal})`));
    });
    if (options.setup !== undefined) child.send(options.setup as object);
  });
  child.removeAllListeners('exit');
  return {
    info,
    pid: child.pid as number,
    async stop() {
      const exited = exitOf(child);
      child.kill('SIGTERM');
      const grace = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 10_000).unref());
      if ((await Promise.race([exited, grace])) === 'late') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

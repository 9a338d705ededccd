// A private Dovecot IMAP server for tests: Debian's real dovecot binary, started on a free loopback
// port with a temporary configuration (plain authentication on loopback, one passwd-file user, a
// maildir in a temporary folder), stopped and removed after. `.ci/run` installs dovecot-imapd; a
// clone without it skips the tests that need it (`dovecotBinary()` returns null).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

export interface DovecotServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'];

/** The dovecot binary, or null when it is not installed (tests needing it then skip). */
export function dovecotBinary(): string | null {
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

async function accountOf(name: string): Promise<{ uid: number; gid: number } | null> {
  const passwd = await readFile('/etc/passwd', 'utf8');
  const line = passwd.split('\n').find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
}

/** Waits until the server greets on its port (each try is a connection, not a pause). */
async function untilGreeting(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      const text = await readFile(log, 'utf8').catch(() => '');
      throw new Error(`dovecot exited (${child.exitCode}): ${text.slice(-2000)}`);
    }
    const greeted = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.setTimeout(1000);
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(chunk.toString().startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (greeted) return;
    if (Date.now() > deadline) throw new Error('dovecot did not start listening within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a private dovecot on 127.0.0.1 with one user whose maildir lives in a temporary folder. */
export async function startDovecot(binary = dovecotBinary()): Promise<DovecotServer> {
  if (!binary) throw new Error('dovecot is not installed (apt-get install dovecot-imapd)');
  const dir = await mkdtemp(join(tmpdir(), 'relais-dovecot-'));
  const port = await freePort();
  const user = 'bounces';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  // As root, dovecot wants its unprivileged users for logins and internal processes and refuses
  // mail access as uid 0: the mail belongs to `dovecot`. Otherwise everything runs as the caller,
  // without the chroot a non-root process cannot make.
  const root = process.getuid?.() === 0;
  const internal = root ? 'dovecot' : userInfo().username;
  const login = root ? 'dovenull' : userInfo().username;
  const mailAccount = root ? await accountOf('dovecot') : { uid: userInfo().uid, gid: userInfo().gid };
  if (!mailAccount) throw new Error('the dovecot system user is missing (is dovecot-imapd installed?)');
  const mailDir = join(dir, 'mail');
  await mkdir(mailDir);
  await mkdir(join(dir, 'run'));
  if (root) await chown(mailDir, mailAccount.uid, mailAccount.gid);
  // The auth process (user `dovecot` under root) reads the passwd file through the folder.
  await chmod(dir, 0o711);
  await writeFile(join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
  const log = join(dir, 'dovecot.log');
  const config = `
base_dir = ${dir}/run
state_dir = ${dir}/run
instance_name = relais-test-${port}
log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${login}
default_internal_user = ${internal}
default_internal_group = ${root ? 'dovecot' : userInfo().username}
first_valid_uid = ${Math.min(mailAccount.uid, 100)}
mail_location = maildir:${mailDir}/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${mailAccount.uid} gid=${mailAccount.gid} home=${mailDir}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
  ${root ? '' : 'chroot ='}
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
service imap-urlauth-login {
  unix_listener imap-urlauth {
  }
}
`;
  await writeFile(join(dir, 'dovecot.conf'), config);
  const child = spawn(binary, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: 'ignore' });
  try {
    await untilGreeting(port, child, log);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

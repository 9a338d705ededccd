// A free TCP port on loopback, for a server whose address must be known before it listens (an app
// that tells others its public URL, a Dovecot configured with its port): the one helper the tests use.
import { createServer } from 'node:net';

/** A port nothing listens on at this moment (a probe binds port 0 on 127.0.0.1, reads it, closes). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

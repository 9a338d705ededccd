// The SMTP sink of the send benchmark: a real SMTP server (smtp-server) on loopback, in its own
// process, that reads every message to its end and counts it (messages and bytes), keeping nothing.
// Started by bench/send.ts with fork(); replies { port } once listening; answers 'count' with
// { messages, bytes, cpuUs } (its CPU time so far) and 'reset' by zeroing both.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

let messages = 0;
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
let bytes = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  disableReverseLookup: true,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => {
      messages += 1;
      callback();
    });
  },
});
// Replies go out at once (no Nagle delay waiting for the client's ACK): the sink must not be what
// paces the senders.
server.server.on('connection', (socket) => socket.setNoDelay(true));
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port });
});
process.on('message', (message) => {
  if (message === 'count') process.send?.({ messages, bytes, cpuUs: cpuUs() });
  if (message === 'reset') {
    messages = 0;
    bytes = 0;
    process.send?.({ messages, bytes, cpuUs: cpuUs() });
  }
});
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('disconnect', stop);

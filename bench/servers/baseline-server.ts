// Bare node:http baseline: answers every request with the bytes and content-type it is given.
// Started by bench/run.ts with fork(); receives { body (base64), contentType } over IPC and
// replies { port }. Nothing else runs in this process, so it measures what a server costs at
// the very least on this machine.
import http from 'node:http';

interface Setup {
  body: string;
  contentType: string;
}

process.once('message', (message: Setup) => {
  const body = Buffer.from(message.body, 'base64');
  const headers = { 'content-type': message.contentType, 'content-length': String(body.length) };
  const server = http.createServer((request, response) => {
    // Drain any request body so that keep-alive connections stay usable.
    request.resume();
    response.writeHead(200, headers);
    response.end(body);
  });
  // Same keep-alive window as Fastify's default, so that connections are reused alike.
  server.keepAliveTimeout = 72_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
});

// Bare node:http + raw pg baseline: on every request, runs the scenario's SQL through a pg pool
// (no transaction, no role switch, the campaign named in the query instead of row-level security)
// and answers the rows in the app's collection envelope with JSON.stringify. Started by
// bench/run.ts with fork(); receives a Setup over IPC and replies { port }. It measures what a
// database read costs at the very least on this machine: the floor under any app's request.
import http from 'node:http';
import pg from 'pg';

interface Setup {
  databaseUrl: string;
  sql: string;
  params: unknown[];
  /** Name of the embedded collection (`_embedded.<envelope>`). */
  envelope: string;
  poolSize: number;
}

process.once('message', (message: Setup) => {
  const pool = new pg.Pool({ connectionString: message.databaseUrl, max: message.poolSize });
  pool.on('error', () => {});
  const server = http.createServer((request, response) => {
    request.resume();
    pool.query(message.sql, message.params).then(
      (result) => {
        const body = JSON.stringify({ total_records: result.rows.length, _embedded: { [message.envelope]: result.rows } });
        response.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(body)),
        });
        response.end(body);
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error.message);
      },
    );
  });
  // Same keep-alive window as Fastify's default, so that connections are reused alike.
  server.keepAliveTimeout = 72_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
  });
  const stop = () => server.close(() => pool.end().finally(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
});

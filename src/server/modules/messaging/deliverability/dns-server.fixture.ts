// For tests: a real DNS server on loopback (UDP, the DNS wire format through dns-packet) answering
// TXT questions from a table it can be given at any time; other names get NXDOMAIN.
import { createSocket } from 'node:dgram';
import dnsPacket from 'dns-packet';

export interface DnsServer {
  /** "127.0.0.1:port", for MAILING_DNS_SERVERS. */
  address: string;
  /** TXT records by lower-case name: each record a list of strings. */
  txt: Map<string, string[][]>;
  /** Questions received (name and type), in order. */
  questions: { name: string; type: string }[];
  close(): Promise<void>;
}

const NXDOMAIN = 3;

/** Starts the server on 127.0.0.1 (a free port). */
export async function startDnsServer(): Promise<DnsServer> {
  const socket = createSocket('udp4');
  const txt = new Map<string, string[][]>();
  const questions: { name: string; type: string }[] = [];
  socket.on('message', (message, remote) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    questions.push({ name: question.name, type: question.type });
    const records = question.type === 'TXT' ? txt.get(question.name.toLowerCase()) : undefined;
    const known = txt.has(question.name.toLowerCase());
    const answer = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (known ? 0 : NXDOMAIN),
      questions: [question],
      answers: (records ?? []).map((data) => ({ type: 'TXT' as const, name: question.name, ttl: 60, class: 'IN' as const, data })),
    });
    socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return {
    address: `127.0.0.1:${port}`,
    txt,
    questions,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

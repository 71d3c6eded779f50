import net from 'node:net';

/** A mail as an SMTP server received it. */
export type ReceivedMail = {
  from: string;
  to: string[];
  /** Header names in lower case, folded lines unfolded. */
  headers: Record<string, string>;
  body: string;
};

/**
 * A plain SMTP server on a free loopback port that accepts every mail and
 * keeps it, so that tests see what the email module really sends over the
 * wire. It speaks just enough SMTP for a client that is offered no
 * extensions (no STARTTLS, no AUTH).
 */
export async function startFakeSmtpServer() {
  const mails: ReceivedMail[] = [];
  const sockets = new Set<net.Socket>();

  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    const reply = (line: string) => socket.write(`${line}\r\n`);

    let buffer = '';
    let envelope = { from: '', to: [] as string[] };
    let readingData = false;

    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        if (readingData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          mails.push({ ...envelope, ...parseMessage(buffer.slice(0, end)) });
          buffer = buffer.slice(end + 5);
          readingData = false;
          envelope = { from: '', to: [] };
          reply('250 OK: queued');
          continue;
        }
        const newline = buffer.indexOf('\r\n');
        if (newline < 0) return;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 2);
        const verb = line.slice(0, 4).toUpperCase();
        const address = /<([^>]*)>/.exec(line)?.[1] ?? '';
        if (verb === 'EHLO' || verb === 'HELO') reply('250 localhost');
        else if (verb === 'MAIL') {
          envelope.from = address;
          reply('250 OK');
        } else if (verb === 'RCPT') {
          envelope.to.push(address);
          reply('250 OK');
        } else if (verb === 'DATA') {
          readingData = true;
          reply('354 End data with <CR><LF>.<CR><LF>');
        } else if (verb === 'RSET') {
          envelope = { from: '', to: [] };
          reply('250 OK');
        } else if (verb === 'NOOP') reply('250 OK');
        else if (verb === 'QUIT') {
          reply('221 Bye');
          socket.end();
        } else reply('502 Command not implemented');
      }
    });
    reply('220 localhost ESMTP');
  });

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;

  return {
    port,
    mails,
    async stop() {
      sockets.forEach(socket => socket.destroy());
      await new Promise(resolve => server.close(resolve));
    },
  };
}

function parseMessage(data: string) {
  const message = data.replace(/^\.\./gm, '.');
  const split = message.indexOf('\r\n\r\n');
  const head = split < 0 ? message : message.slice(0, split);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = line
        .slice(colon + 1)
        .trim();
    }
  }
  return { headers, body: split < 0 ? '' : message.slice(split + 4) };
}

import { spawn } from 'node:child_process';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A real smart-HTTP git server on loopback: Node's HTTP server in front of
 * `git http-backend` (git's own CGI program), serving the repositories under
 * `projectRoot`. When `authorization` is given, requests must carry exactly
 * that `Authorization` header, so tests can prove that credentials reach git.
 */
export async function startGitHttpServer(options: {
  projectRoot: string;
  authorization?: string;
}) {
  const requests: Array<{
    method: string;
    url: string;
    authorization?: string;
  }> = [];
  let outage: GitHttpOutage | undefined;
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method!,
      url: req.url!,
      authorization: req.headers.authorization,
    });
    if (outage && (!outage.service || req.url!.includes(outage.service))) {
      req.resume();
      res
        .writeHead(outage.status, { 'Content-Type': 'text/plain' })
        .end('The git service is unavailable\n');
      return;
    }
    if (
      options.authorization &&
      req.headers.authorization !== options.authorization
    ) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end();
      return;
    }
    const url = new URL(req.url!, 'http://localhost');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: path.resolve(options.projectRoot),
        GIT_HTTP_EXPORT_ALL: '1',
        // http-backend only accepts pushes from an authenticated user.
        REMOTE_USER: 'promotion-test',
        REQUEST_METHOD: req.method!,
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'http.receivepack',
        GIT_CONFIG_VALUE_0: 'true',
      },
    });
    req.pipe(cgi.stdin);
    let headerBuffer = Buffer.alloc(0);
    let headersSent = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersSent) {
        res.write(chunk);
        return;
      }
      headerBuffer = Buffer.concat([headerBuffer, chunk]);
      const end = headerBuffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      let status = 200;
      for (const line of headerBuffer
        .subarray(0, end)
        .toString('utf8')
        .split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else res.setHeader(name, value);
      }
      res.writeHead(status);
      headersSent = true;
      res.write(headerBuffer.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>(resolve => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    /** Answers requests (of one service only, with `service`) with an error status until called without one. */
    setOutage: (next?: GitHttpOutage) => {
      outage = next;
    },
    /** Stops listening: connections to the port are refused until `restart`. */
    stop: close,
    /** Listens again on the same port, so the remote's URL works again. */
    restart: () =>
      new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve)),
    close,
  };
}

/** How the server fails while it is "down": which status, and for which git service (fetches or pushes). */
export interface GitHttpOutage {
  status: number;
  service?: 'git-upload-pack' | 'git-receive-pack';
}

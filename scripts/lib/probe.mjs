// Small network probes for scripts/test.sh, in Node so that no curl/ps/ss is needed.
//
//   node scripts/lib/probe.mjs wait <url> <timeoutSeconds> [pid]
//     Polls <url> until it answers 2xx. Fails after the timeout, or at once when the
//     process <pid> (the server being waited for) has exited.
//   node scripts/lib/probe.mjs free <port>...
//     Fails if anything already listens on one of the ports on localhost.
import net from 'node:net';

const [mode, ...args] = process.argv.slice(2);

function alive(pid) {
  if (!pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
}

async function wait(url, timeoutSeconds, pid) {
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (!alive(pid)) {
      console.error(`✗ ${url}: the server process ${pid} exited (${last})`);
      process.exit(1);
    }
    try {
      // The frontend dev server holds requests until its first bundle is built.
      const res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
      if (res.ok) {
        console.log(`✓ ${url} answered ${res.status}`);
        return;
      }
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.cause?.code ?? e.name ?? String(e);
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  console.error(`✗ ${url} not ready after ${timeoutSeconds}s (${last})`);
  process.exit(1);
}

function listening(port, host) {
  return new Promise(resolve => {
    const socket = net.connect({ port: Number(port), host });
    socket.setTimeout(2000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function free(ports) {
  let busy = false;
  for (const port of ports) {
    for (const host of ['127.0.0.1', '::1']) {
      if (await listening(port, host)) {
        console.error(`✗ port ${port} is already in use (${host})`);
        busy = true;
        break;
      }
    }
  }
  process.exit(busy ? 1 : 0);
}

if (mode === 'wait') {
  await wait(args[0], args[1] ?? 300, args[2]);
} else if (mode === 'free') {
  await free(args);
} else {
  console.error(
    'usage: probe.mjs wait <url> <timeoutSeconds> [pid] | free <port>...',
  );
  process.exit(2);
}

// A local SMTP sink for the app under test: accepts every message and counts it (no auth, no TLS).
import { SMTPServer } from 'smtp-server';

export async function startSmtpSink(port = 0) {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received++;
        callback();
      });
    },
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actualPort = server.server.address().port;
  return {
    port: actualPort,
    url: `smtp://127.0.0.1:${actualPort}`,
    get received() {
      return received;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

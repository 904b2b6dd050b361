/**
 * The bench's HTTP server in its own process, so the server's work does not share an event loop
 * with the clients being measured. Prints nothing; tells the parent its URL over IPC and closes
 * when the parent says so or goes away.
 */
import { createAuthHttpServer } from '../server/createAuthHttpServer.js';

const refreshLatency = Number(process.argv[2] ?? 0);
const server = await createAuthHttpServer({ host: '127.0.0.1', accessTtl: 300, refreshLatency });

async function shutdown(): Promise<void> {
  await server.close();
  if (process.connected) process.disconnect();
  process.exit(0);
}

process.on('message', (message) => {
  if (message === 'close') void shutdown();
});
process.on('disconnect', () => void shutdown());
process.send?.({ url: server.url });

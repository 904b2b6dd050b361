/** `npm start`: the tokenflight demo on http://127.0.0.1:5173 (PORT and ACCESS_TTL to change). */
import { startDemoServer } from './startDemo.js';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

const port = numberFromEnv('PORT', 5173);
const server = await startDemoServer({ port, accessTtl: numberFromEnv('ACCESS_TTL', 30) }).catch((error: unknown) => {
  if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use. Try: PORT=5174 npm start`);
    process.exit(1);
  }
  throw error;
});
console.log(`tokenflight demo: ${server.url}/  (access tokens live ${server.backend.accessTtl} s; Ctrl+C to stop)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}

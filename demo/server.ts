/** `npm start`: the tokenflight demo on http://127.0.0.1:5173 (PORT and ACCESS_TTL to change). */
import { startDemoServer } from './startDemo.js';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

const server = await startDemoServer({
  port: numberFromEnv('PORT', 5173),
  accessTtl: numberFromEnv('ACCESS_TTL', 30),
});
console.log(`tokenflight demo: ${server.url}/  (access tokens live ${server.backend.accessTtl} s; Ctrl+C to stop)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}

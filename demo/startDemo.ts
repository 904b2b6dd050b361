/**
 * The demo app: the auth API from `server/createAuthHttpServer.ts` plus the
 * page (static files from `demo/page`, the bundled `main.js`, and the machine
 * diagrams from `visualizations/`: the overview and the full one), and for the
 * OAuth 2.0 + DPoP mode an embedded oidc-provider (`demo/oauthServer.ts`).
 */
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  createAuthHttpServer,
  type AuthHttpServer,
  type AuthHttpServerOptions,
} from '../server/createAuthHttpServer.js';
import { bundlePage } from './bundle.js';
import { createDemoOAuth } from './oauthServer.js';

const pageDir = fileURLToPath(new URL('./page/', import.meta.url));
// The page shows the overview; the full diagram is a link away.
const diagrams: Record<string, string> = {
  '/diagram.svg': fileURLToPath(new URL('../visualizations/authSession.svg', import.meta.url)),
  '/diagram-overview.svg': fileURLToPath(new URL('../visualizations/authSession.overview.svg', import.meta.url)),
};

export interface DemoServerOptions extends Pick<
  AuthHttpServerOptions,
  'port' | 'host' | 'accessTtl' | 'refreshLatency'
> {
  /** The page's files (default: the demo's); `examples/react-vite/dist` serves the example app instead. */
  pageDir?: string;
}

function send(res: ServerResponse, type: string, body: string): true {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache' });
  res.end(body);
  return true;
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<AuthHttpServer> {
  const script = await bundlePage();
  const oauthMode = createDemoOAuth();
  const { pageDir: staticDir = pageDir, ...serverOptions } = options;
  const server = await createAuthHttpServer({
    ...serverOptions,
    staticDir,
    extension: oauthMode.extension,
    async handler(req, res) {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      if (path === '/main.js') return send(res, 'text/javascript; charset=utf-8', script);
      if (path === '/oauth.json')
        return send(res, 'application/json; charset=utf-8', JSON.stringify(oauthMode.config()));
      const diagramFile = diagrams[path];
      if (diagramFile !== undefined) {
        // Read on every request so a freshly generated diagram shows up without a restart.
        const svg = await readFile(diagramFile, 'utf8').catch(() => null);
        if (svg === null) return false;
        return send(res, 'image/svg+xml', svg);
      }
      return false;
    },
  });
  try {
    await oauthMode.start(server.url, server.backend.accessTtl);
  } catch (error) {
    await server.close();
    throw error;
  }
  const close = server.close.bind(server);
  return { ...server, close: () => Promise.all([close(), oauthMode.close()]).then(() => undefined) };
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../ports/logger.js';

export interface HttpServerOptions {
  /** 127.0.0.1 unless the config says otherwise. */
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** GET /health/readiness: the readiness object (SPEC §9). */
  readonly readiness: () => object;
  /** GET /status: status.json's document. */
  readonly status: () => object;
  /** GET /health/live: the process answers. */
  readonly live: () => object;
  readonly logger: Logger;
}

export interface HttpServerHandle {
  /** The port listened on; null when the server could not start. */
  readonly port: number | null;
  /** Why it could not start (port in use, no permission); the daemon logs it and runs on without HTTP. */
  readonly error: Error | null;
  close(): Promise<void>;
}

/**
 * A read-only JSON view of the daemon over node:http: three GET routes, 404 elsewhere, 405 for
 * any method but GET/HEAD. It never fails the daemon: a port that cannot be bound resolves with
 * `error` set, and a route that throws answers 500.
 */
export function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { host, port, logger } = options;
  const routes: Readonly<Record<string, () => object>> = {
    '/health/readiness': options.readiness,
    '/health/live': options.live,
    '/status': options.status,
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = Object.hasOwn(routes, path) ? routes[path] : undefined;
    if (!route) return send(res, 404, { error: `no route ${path}; try GET /health/readiness, /health/live or /status` });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, { error: `${req.method ?? '?'} ${path} is not allowed; this endpoint is read-only (GET)` });
    }
    let body: object;
    try {
      body = route();
    } catch (error) {
      logger.error({ err: error, path }, `HTTP ${path} failed`);
      return send(res, 500, { error: (error as Error).message });
    }
    send(res, 200, body);
  });
  server.keepAliveTimeout = 5_000;

  return new Promise((resolve) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.message;
      const failure = new Error(`HTTP server could not listen on ${host}:${port} (${why}); running on without HTTP`);
      logger.error({ err: error, host, port }, failure.message);
      resolve({ port: null, error: failure, close: async () => undefined });
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      server.on('error', (error) => logger.error({ err: error }, 'HTTP server error'));
      const bound = (server.address() as AddressInfo).port;
      logger.info({ host, port: bound }, `HTTP on http://${host}:${bound} (GET /health/readiness, /health/live, /status)`);
      resolve({
        port: bound,
        error: null,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function send(res: http.ServerResponse, code: number, body: object): void {
  const text = `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

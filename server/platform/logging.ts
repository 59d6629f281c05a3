/**
 * Structured logs (pino). Requests are logged as method, the matched route pattern (never the raw
 * path, which may carry an identifier), status and timing: bodies, paths, query strings, cookies
 * and auth headers never reach the log, so personal data cannot leak through it.
 */
import { pino, type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'xinyong' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', '*.idNumber', '*.password', '*.token'], censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; id?: string; routeOptions?: { url?: string } }) => ({
          id: req.id,
          method: req.method,
          route: req.routeOptions?.url ?? '(unmatched)',
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}

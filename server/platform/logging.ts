/**
 * Structured logs (pino). Requests are logged as method, path without query string, status and
 * timing only: bodies, query strings, cookies and auth headers never reach the log, so personal
 * data cannot leak through it.
 */
import { pino, type Logger } from 'pino';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'xinyong' },
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', '*.idNumber', '*.password', '*.token'], censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          path: (req.url ?? '').split('?')[0],
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}

import http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/**
 * One request of a fault scenario's client, its body parsed as JSON when it is JSON. A request
 * that gets no answer (a killed instance dropped it, or 15 s passed) is `NO_ANSWER` with status 0,
 * or a rejection when `rejectOnError` (a scenario where that must not happen).
 */
export function send(o: {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  payload?: string;
  agent?: http.Agent | false;
  localAddress?: string;
  rejectOnError?: boolean;
}): Promise<Answer> {
  const headers: Record<string, string> = { ...o.headers };
  if (o.payload !== undefined) headers['content-type'] ??= 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: o.port,
        method: o.method,
        path: o.path,
        headers,
        agent: o.agent,
        ...(o.localAddress ? { localAddress: o.localAddress } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', (err) =>
      o.rejectOnError
        ? reject(err)
        : resolve({ status: 0, headers: {}, body: { code: 'NO_ANSWER' } }),
    );
    req.setTimeout(15_000, () =>
      req.destroy(new Error(`${o.method} ${o.path}: no answer in 15 s`)),
    );
    req.end(o.payload);
  });
}

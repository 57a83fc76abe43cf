import axios from 'axios';
import { toApiError } from './errors';

interface Session {
  token(): string | null;
  /** Called when the API says the token is missing, invalid or expired. */
  expired(): void;
}

let session: Session = { token: () => null, expired: () => {} };

/** Lets the app tell the client where the token lives and what to do when it stops working. */
export function connectSession(s: Session): void {
  session = s;
}

/** The one axios instance: adds the token, turns every failure into an ApiError. */
export const http = axios.create({ baseURL: '/api', timeout: 15_000 });

http.interceptors.request.use((config) => {
  const token = session.token();
  if (token) config.headers.set('Authorization', `Bearer ${token}`);
  return config;
});

http.interceptors.response.use(undefined, (err: unknown) => {
  const error = toApiError(err);
  if (error.sessionExpired) session.expired();
  return Promise.reject(error);
});

/** A response body and when its request left and came back, for syncing to the server's clock. */
export interface Timed<T> {
  data: T;
  sentAt: number;
  receivedAt: number;
}

export async function timed<T>(request: () => Promise<{ data: T }>): Promise<Timed<T>> {
  const sentAt = Date.now();
  const { data } = await request();
  return { data, sentAt, receivedAt: Date.now() };
}

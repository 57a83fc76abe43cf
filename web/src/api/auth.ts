import type { AuthResponse, LoginBody, PublicUser, RegisterBody } from '@seckill/contracts';
import { http } from './client';

export async function login(body: LoginBody): Promise<AuthResponse> {
  return (await http.post<AuthResponse>('/auth/login', body)).data;
}

export async function register(body: RegisterBody): Promise<AuthResponse> {
  return (await http.post<AuthResponse>('/auth/register', body)).data;
}

export async function fetchMe(): Promise<PublicUser> {
  return (await http.get<{ user: PublicUser }>('/me')).data.user;
}

/** Ends the token on the server (every instance), so a copy of it stops working too. */
export async function logout(): Promise<void> {
  await http.post('/auth/logout');
}

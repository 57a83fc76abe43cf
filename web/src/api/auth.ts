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

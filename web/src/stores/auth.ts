import type { LoginBody, PublicUser, RegisterBody } from '@seckill/contracts';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import * as authApi from '@/api/auth';

const STORAGE_KEY = 'seckill.auth';

interface Saved {
  token: string;
  user: PublicUser;
}

function load(): Saved | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const saved = JSON.parse(raw) as Partial<Saved>;
    if (typeof saved.token !== 'string' || !saved.user) return null;
    return saved as Saved;
  } catch {
    return null;
  }
}

/** Who is logged in. The token survives a reload (localStorage) and is dropped on any 401. */
export const useAuthStore = defineStore('auth', () => {
  const saved = load();
  const token = ref<string | null>(saved?.token ?? null);
  const user = ref<PublicUser | null>(saved?.user ?? null);

  const loggedIn = computed(() => token.value !== null);
  const isAdmin = computed(() => user.value?.role === 'admin');

  function remember(t: string, u: PublicUser) {
    token.value = t;
    user.value = u;
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ token: t, user: u } satisfies Saved));
  }

  function clear() {
    token.value = null;
    user.value = null;
    localStorage.removeItem(STORAGE_KEY);
  }

  async function login(body: LoginBody) {
    const res = await authApi.login(body);
    remember(res.token, res.user);
    return res.user;
  }

  async function register(body: RegisterBody) {
    const res = await authApi.register(body);
    remember(res.token, res.user);
    return res.user;
  }

  /** Logs out here and on the server; the local session ends even if the server cannot be told. */
  async function logout() {
    if (token.value) await authApi.logout().catch(() => {});
    clear();
  }

  /** Re-reads the user (role may have changed); a dead token ends in clear() via the client. */
  async function refresh() {
    if (!token.value) return;
    const t = token.value;
    const u = await authApi.fetchMe();
    if (token.value === t) remember(t, u);
  }

  return { token, user, loggedIn, isAdmin, login, register, logout, clear, refresh };
});

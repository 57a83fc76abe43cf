import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router';
import { useAuthStore } from '@/stores/auth';
import { i18n } from '@/i18n';

declare module 'vue-router' {
  interface RouteMeta {
    /** Needs a logged-in user; others go to the login page and come back after. */
    auth?: boolean;
    /** Needs an administrator; other users see the 403 page. */
    admin?: boolean;
    /** The login and sign-up pages: a logged-in user goes on to the shop. */
    guest?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  scrollBehavior: (to, from, saved) => {
    if (saved) return saved;
    // A new tab or search on the same list keeps the filters where the hand is; a new page starts at the top.
    if (to.path === from.path && to.query.page === from.query.page) return false;
    return { top: 0 };
  },
  routes: [
    { path: '/', name: 'goods', component: () => import('@/pages/GoodsListPage.vue') },
    {
      path: '/goods/:id(\\d+)',
      name: 'goods-detail',
      component: () => import('@/pages/GoodsDetailPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
    },
    {
      path: '/login',
      name: 'login',
      component: () => import('@/pages/AuthPage.vue'),
      props: { mode: 'login' },
      meta: { guest: true },
    },
    {
      path: '/register',
      name: 'register',
      component: () => import('@/pages/AuthPage.vue'),
      props: { mode: 'register' },
      meta: { guest: true },
    },
    {
      path: '/orders',
      name: 'orders',
      component: () => import('@/pages/OrdersPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/wallet',
      name: 'wallet',
      component: () => import('@/pages/WalletPage.vue'),
      meta: { auth: true },
    },
    {
      path: '/admin',
      name: 'admin',
      component: () => import('@/pages/admin/AdminDashboardPage.vue'),
      meta: { auth: true, admin: true },
    },
    {
      path: '/admin/sales/new',
      name: 'admin-sale-new',
      component: () => import('@/pages/admin/AdminSaleFormPage.vue'),
      meta: { auth: true, admin: true },
    },
    {
      path: '/admin/sales/:id(\\d+)/edit',
      name: 'admin-sale-edit',
      component: () => import('@/pages/admin/AdminSaleFormPage.vue'),
      props: (route) => ({ id: Number(route.params.id) }),
      meta: { auth: true, admin: true },
    },
    {
      path: '/403',
      name: 'forbidden',
      component: () => import('@/pages/ForbiddenPage.vue'),
    },
    {
      path: '/:pathMatch(.*)*',
      name: 'not-found',
      component: () => import('@/pages/NotFoundPage.vue'),
    },
  ],
});

/** Only same-site paths are followed after logging in. */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')
    ? value
    : '/';
}

export function loginLocation(returnTo: string): RouteLocationRaw {
  return returnTo === '/' ? { name: 'login' } : { name: 'login', query: { redirect: returnTo } };
}

router.beforeEach((to) => {
  const auth = useAuthStore();
  if (to.meta.auth && !auth.loggedIn) return loginLocation(to.fullPath);
  if (to.meta.admin && !auth.isAdmin) {
    return { name: 'forbidden', query: { from: to.fullPath } };
  }
  if (to.meta.guest && auth.loggedIn) return safeRedirect(to.query.redirect);
  return true;
});

// Each page names itself in the tab; the detail page replaces this with the sale's name.
router.afterEach((to) => {
  const key = `titles.${String(to.name)}`;
  const name = i18n.global.te(key) ? i18n.global.t(key) : '';
  document.title = name ? `${name} · Seckill` : 'Seckill';
});

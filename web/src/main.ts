import { createPinia } from 'pinia';
import { createApp, watch } from 'vue';
import { connectSession } from '@/api/client';
import App from '@/App.vue';
import { eventsSupported, shopEvents } from '@/composables/useShopEvents';
import { i18n } from '@/i18n';
import { loginLocation, router } from '@/router';
import { useAuthStore } from '@/stores/auth';
import '@/styles/main.css';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(router).use(i18n);

const auth = useAuthStore(pinia);
connectSession({
  token: () => auth.token,
  expired() {
    const wasLoggedIn = auth.loggedIn;
    auth.clear();
    // At start-up the first navigation may still be under way: return to where it was going.
    void router.isReady().then(() => {
      const current = router.currentRoute.value;
      if (current.meta.guest) return;
      if (wasLoggedIn) ElMessage.warning(i18n.global.t('auth.sessionExpired'));
      return router.push(loginLocation(current.fullPath));
    });
  },
});

// One event stream while someone is logged in: closed on logout, a new one for the next user.
// It opens once the first page is set up, so that the page's sales are in its first request.
if (eventsSupported) {
  void router.isReady().then(() =>
    watch(
      () => auth.token,
      (token) => {
        shopEvents.stop();
        if (token) shopEvents.start();
      },
      { immediate: true },
    ),
  );
}

// Logging in or out in another tab applies here too.
window.addEventListener('storage', (e) => {
  if (e.key === 'seckill.auth') window.location.reload();
});

// After a deploy an open tab may ask for chunks that no longer exist: load the new build once.
window.addEventListener('vite:preloadError', (event) => {
  if (sessionStorage.getItem('seckill.reloaded')) return;
  sessionStorage.setItem('seckill.reloaded', '1');
  event.preventDefault();
  window.location.reload();
});
router.afterEach(() => sessionStorage.removeItem('seckill.reloaded'));

app.mount('#app');
// The role may have changed since the token was saved; a dead token logs out via the client.
if (auth.loggedIn) void auth.refresh().catch(() => {});

import { defineStore } from 'pinia';
import { ref } from 'vue';
import { getWallet } from '@/api/wallet';

/** The logged-in user's balance, shown in the header; re-read after anything that moves it. */
export const useWalletStore = defineStore('wallet', () => {
  const balance = ref<number | null>(null);
  /** Bumped by set() and clear(): an answer to an older read is dropped. */
  let version = 0;
  let running: Promise<void> | null = null;
  let again = false;

  async function read() {
    const mine = version;
    try {
      const wallet = await getWallet({ page: 1, pageSize: 1 });
      if (mine === version) balance.value = wallet.balance;
    } catch {
      // The header keeps the last figure; the wallet page shows the error.
    }
  }

  /** Reads the balance; calls made while a read is under way share one more read after it. */
  function refresh(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = read().finally(() => {
      running = null;
      if (again) {
        again = false;
        void refresh();
      }
    });
    return running;
  }

  /** A balance an answer just brought (the wallet page, a credit to oneself). */
  function set(value: number) {
    version++;
    balance.value = value;
  }

  function clear() {
    version++;
    balance.value = null;
  }

  return { balance, refresh, set, clear };
});

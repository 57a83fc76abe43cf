import elEn from 'element-plus/es/locale/lang/en';
import elZhCn from 'element-plus/es/locale/lang/zh-cn';
import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import en from './en';
import zh from './zh';

export type Locale = 'en' | 'zh-CN';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'seckill.locale';

function initialLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export const i18n = createI18n<[typeof en], Locale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zh },
});

export const currentLocale = computed<Locale>(() => i18n.global.locale.value);

export const elementLocale = computed(() => (currentLocale.value === 'zh-CN' ? elZhCn : elEn));

function applyToDocument(locale: Locale) {
  document.documentElement.lang = locale;
  document.title = i18n.global.t('app.name');
}

/** Switches the language and remembers it for the next visit. */
export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  applyToDocument(locale);
}

applyToDocument(i18n.global.locale.value);

import { useI18n } from 'vue-i18n';

/** Words for an error: our translation of its code, else the server's own message. */
export function useErrorText() {
  const { t, te } = useI18n();
  return (err: { code: string; message: string }, prefix = 'errors'): string => {
    const key = `${prefix}.${err.code}`;
    if (te(key)) return t(key);
    if (prefix !== 'errors' && te(`errors.${err.code}`)) return t(`errors.${err.code}`);
    return err.message;
  };
}

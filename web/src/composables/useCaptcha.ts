import { shallowRef } from 'vue';
import { toApiError, type ApiError } from '@/api/errors';
import { fetchCaptchaSvg } from '@/api/seckill';

/**
 * The captcha comes as SVG text over the authenticated client. It is shown through an <img>
 * with a data: URL, where any script inside it cannot run, never inserted as HTML.
 */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function useCaptcha(goodsId: () => number) {
  const src = shallowRef<string | null>(null);
  const loading = shallowRef(false);
  const error = shallowRef<ApiError | null>(null);
  let latest = 0;

  async function refresh() {
    const mine = ++latest;
    loading.value = true;
    error.value = null;
    try {
      const svg = await fetchCaptchaSvg(goodsId());
      if (mine === latest) src.value = svgDataUrl(svg);
    } catch (err) {
      if (mine === latest) error.value = toApiError(err);
    } finally {
      if (mine === latest) loading.value = false;
    }
  }

  return { src, loading, error, refresh };
}

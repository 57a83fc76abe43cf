import { useMediaQuery } from '@vueuse/core';

/** The widths laid out for a phone; the CSS of the pages uses the same breakpoint. */
export const PHONE_QUERY = '(max-width: 640px)';

/** True while the window is phone-sized; follows rotation and resizing. */
export function usePhone() {
  return useMediaQuery(PHONE_QUERY);
}

// Phone-sized viewport detection, to swap wide tables for stacked cards.
import { em } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';

/** True below Mantine's "sm" breakpoint (48em, 768px): lists render as cards there. */
export function useIsPhone(): boolean {
  return useMediaQuery(`(max-width: ${em(767.98)})`) ?? false;
}

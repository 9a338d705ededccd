// The home screen's word on the calendar: the next round and its electoral silence, for every member
// who may read the calendar; nothing when no round is ahead.
import { Box } from '@mantine/core';
import { useCan } from '../../session/session-context.tsx';
import { useCalendarQuery } from '../api.ts';
import { SilenceBanner } from './silence-banner.tsx';

export function NextRoundNotice() {
  const canRead = useCan('calendar.read');
  const calendar = useCalendarQuery(canRead);
  if (!canRead || !calendar.data?.next_round) return null;
  return (
    <Box mb="lg">
      <SilenceBanner calendar={calendar.data} />
    </Box>
  );
}

// /app/settings/deliverability: the DNS records to publish and their check, the caps per receiving
// domain, SPF/DMARC wishes and the complaint thresholds (messaging.deliverability: admins and owners).
import { Stack } from '@mantine/core';
import { QueryView } from '../../../ui/query-view.tsx';
import { useDeliverabilityQuery } from '../api.ts';
import { DeliverabilityBanner } from './deliverability-banner.tsx';
import { RecordsPanel } from './records-panel.tsx';
import { SettingsForm } from './settings-form.tsx';

/** The deliverability section of the settings. */
export function DeliverabilitySettings() {
  const settings = useDeliverabilityQuery();
  return (
    <QueryView query={settings}>
      {(data) => (
        <Stack gap="lg">
          <DeliverabilityBanner />
          <RecordsPanel data={data} />
          <SettingsForm data={data} />
        </Stack>
      )}
    </QueryView>
  );
}

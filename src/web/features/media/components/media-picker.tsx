// The approved volunteer photos to insert in a site page (the rich-text editor's "photo des
// bénévoles" button) or a mailing (the composer's photo block): a grid of thumbnails; a choice gives
// the gallery's public address of its web copy (/galerie/medias/<id>/web, published without
// metadata), its caption as the text alternative, and the media itself.
import { Button, Image, Modal, SimpleGrid, Stack, Text, UnstyledButton } from '@mantine/core';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { EmptyText, LoadingState } from '../../../ui/query-view.tsx';
import { type Media, useMediaQuery } from '../api.ts';
import { mediaMessages } from '../messages.ts';

export function MediaPicker({
  opened,
  onClose,
  onPick,
}: {
  opened: boolean;
  onClose: () => void;
  /** The gallery's address of the web copy (relative), its caption, and the media (`public_url`: absolute, for a mailing). */
  onPick: (src: string, alt: string, media: Media) => void;
}) {
  const t = useT(mediaMessages);
  return (
    <Modal opened={opened} onClose={onClose} title={t('pickerTitle')} size="xl" centered>
      {opened && <PickerGrid onPick={onPick} />}
    </Modal>
  );
}

function PickerGrid({ onPick }: { onPick: (src: string, alt: string, media: Media) => void }) {
  const t = useT(mediaMessages);
  const query = useMediaQuery('approved');
  if (query.isPending) return <LoadingState />;
  if (query.isError) return <ErrorAlert error={query.error} />;
  const photos = query.data.pages.flatMap((p) => p._embedded['relais:media']).filter((m) => m.kind === 'photo' && m._links.gallery_web);
  if (photos.length === 0) return <EmptyText title={t('pickerEmpty')} hint={t('pickerEmptyHint')} />;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('pickerHint')}
      </Text>
      <SimpleGrid cols={{ base: 2, sm: 3, md: 4 }} spacing="sm">
        {photos.map((m) => (
          <UnstyledButton
            key={m.id}
            onClick={() => onPick(m._links.gallery_web?.href ?? '', m.caption, m)}
            aria-label={t('pickerChoose', { caption: m.caption || t('noCaption') })}
            style={{ borderRadius: 8, overflow: 'hidden', border: '1px solid var(--mantine-color-gray-3)' }}
          >
            <Image src={m._links.thumbnail.href} alt="" h={120} fit="cover" />
            <Text size="xs" p={4} lineClamp={2}>
              {m.caption || t('noCaption')}
            </Text>
          </UnstyledButton>
        ))}
      </SimpleGrid>
      {query.hasNextPage && (
        <Button variant="default" onClick={() => void query.fetchNextPage()} loading={query.isFetchingNextPage}>
          {t('more')}
        </Button>
      )}
    </Stack>
  );
}

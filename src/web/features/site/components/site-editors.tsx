// The editing dialogs of the public site's screen: a page, news, a running mate. French first, the
// English version optional (the English site falls back on the French text).
import { Button, Checkbox, FileButton, Group, Image, Modal, NumberInput, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { FormActions } from '../../../ui/form-actions.tsx';
import { useIsPhone } from '../../../ui/use-is-phone.ts';
import {
  type RunningMate,
  type SiteNews,
  type SitePage,
  useRunningMatesQuery,
  useSaveNews,
  useSavePage,
  useSaveRunningMate,
  useUploadImage,
} from '../api.ts';
import { siteMessages } from '../messages.ts';
import { RichText } from './rich-text.tsx';

export interface ZoneOption {
  value: string;
  label: string;
}

function useErrorOverrides() {
  const t = useT(siteMessages);
  return {
    SITE_OUT_OF_ZONE: t('outOfZone'),
    SITE_SLUG_TAKEN: t('slugTaken'),
    SITE_PAGE_EXISTS: t('pageExists'),
    SITE_IMAGE_INVALID: t('imageInvalid'),
  };
}

/** Title, standfirst and text in French, then in English. */
function Texts({ v, set, zoneId }: { v: Record<string, string>; set: (field: string, value: string) => void; zoneId?: string | null }) {
  const t = useT(siteMessages);
  return (
    <>
      <TextInput
        label={t('titleFr')}
        required
        value={v.title_fr ?? ''}
        onChange={(e) => set('title_fr', e.currentTarget.value)}
        maxLength={200}
      />
      <Textarea
        label={t('summaryFr')}
        description={t('summaryHint')}
        autosize
        minRows={2}
        value={v.summary_fr ?? ''}
        onChange={(e) => set('summary_fr', e.currentTarget.value)}
        maxLength={500}
      />
      <RichText label={t('bodyFr')} value={v.body_fr ?? ''} onChange={(html) => set('body_fr', html)} zoneId={zoneId ?? null} />
      <TextInput
        label={t('titleEn')}
        description={t('englishHint')}
        lang="en"
        value={v.title_en ?? ''}
        onChange={(e) => set('title_en', e.currentTarget.value)}
        maxLength={200}
      />
      <Textarea
        label={t('summaryEn')}
        lang="en"
        autosize
        minRows={2}
        value={v.summary_en ?? ''}
        onChange={(e) => set('summary_en', e.currentTarget.value)}
        maxLength={500}
      />
      <RichText label={t('bodyEn')} value={v.body_en ?? ''} onChange={(html) => set('body_en', html)} zoneId={zoneId ?? null} />
    </>
  );
}

function pickTexts(row: Record<string, unknown> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ['title_fr', 'title_en', 'summary_fr', 'summary_en', 'body_fr', 'body_en'])
    out[f] = typeof row?.[f] === 'string' ? (row[f] as string) : '';
  return out;
}

export function PageEditor({
  page,
  creating,
  zones,
  campaignWide,
  onClose,
}: {
  page: SitePage | null;
  creating: boolean;
  zones: ZoneOption[];
  campaignWide: boolean;
  onClose: () => void;
}) {
  const t = useT(siteMessages);
  const phone = useIsPhone();
  const save = useSavePage();
  const overrides = useErrorOverrides();
  const [texts, setTexts] = useState(() => pickTexts(page));
  const [kind, setKind] = useState<'home' | 'zone' | 'page'>(page?.kind ?? (campaignWide ? 'page' : 'zone'));
  const [zoneId, setZoneId] = useState<string | null>(page?.zone_id ?? null);
  const [published, setPublished] = useState(page?.published ?? true);
  const opened = creating || page !== null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!texts.title_fr?.trim() || (kind === 'zone' && !zoneId)) return;
    const input = { ...texts, title_fr: texts.title_fr.trim(), published };
    save.mutate(page ? { id: page.id, input } : { id: null, input: { ...input, kind, zone_id: kind === 'zone' ? zoneId : null } }, {
      onSuccess: onClose,
    });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={page ? t('editPage') : t('newPage')} size="xl" fullScreen={phone}>
      <form onSubmit={submit}>
        <Stack>
          {!page && (
            <Select
              label={t('kind')}
              value={kind}
              onChange={(v) => v && setKind(v as typeof kind)}
              data={[
                ...(campaignWide ? [{ value: 'home', label: t('kindHome') }] : []),
                { value: 'zone', label: t('kindZone') },
                ...(campaignWide ? [{ value: 'page', label: t('kindPage') }] : []),
              ]}
              allowDeselect={false}
            />
          )}
          {!page && kind === 'zone' && <Select label={t('zone')} required data={zones} value={zoneId} onChange={setZoneId} searchable />}
          <Texts v={texts} set={(f, v) => setTexts((s) => ({ ...s, [f]: v }))} zoneId={zoneId} />
          <Checkbox label={t('publishedCheck')} checked={published} onChange={(e) => setPublished(e.currentTarget.checked)} />
          {save.isError && <ErrorAlert error={save.error} overrides={overrides} />}
          <FormActions onCancel={onClose} pending={save.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}

export function NewsEditor({
  news,
  creating,
  zones,
  campaignWide,
  onClose,
}: {
  news: SiteNews | null;
  creating: boolean;
  zones: ZoneOption[];
  campaignWide: boolean;
  onClose: () => void;
}) {
  const t = useT(siteMessages);
  const phone = useIsPhone();
  const save = useSaveNews();
  const overrides = useErrorOverrides();
  const [texts, setTexts] = useState(() => pickTexts(news));
  const [zoneId, setZoneId] = useState<string | null>(news?.zone_id ?? (campaignWide ? null : (zones[0]?.value ?? null)));
  const [author, setAuthor] = useState<string | null>(news?.running_mate_id ?? null);
  const [published, setPublished] = useState(news ? news.published_at !== null : true);
  const mates = useRunningMatesQuery(zoneId);
  const opened = creating || news !== null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!texts.title_fr?.trim()) return;
    const publishedAt = published ? (news?.published_at ?? new Date().toISOString()) : null;
    const input = {
      ...texts,
      title_fr: texts.title_fr.trim(),
      zone_id: zoneId,
      running_mate_id: zoneId ? author : null,
      published_at: publishedAt,
    };
    save.mutate({ id: news?.id ?? null, input }, { onSuccess: onClose });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={news ? t('editNews') : t('newNews')} size="xl" fullScreen={phone}>
      <form onSubmit={submit}>
        <Stack>
          <Select
            label={t('zone')}
            data={[...(campaignWide ? [{ value: '', label: t('wholeCampaign') }] : []), ...zones]}
            value={zoneId ?? ''}
            onChange={(v) => {
              setZoneId(v || null);
              setAuthor(null);
            }}
            allowDeselect={false}
            searchable
          />
          {zoneId && (
            <Select
              label={t('author')}
              data={[
                { value: '', label: t('authorNone') },
                ...(mates.data?._embedded.site_running_mates ?? []).map((m) => ({ value: m.id, label: m.name })),
              ]}
              value={author ?? ''}
              onChange={(v) => setAuthor(v || null)}
              allowDeselect={false}
            />
          )}
          <Texts v={texts} set={(f, v) => setTexts((s) => ({ ...s, [f]: v }))} zoneId={zoneId} />
          <Checkbox
            label={t('publishedNews')}
            description={t('publishedNewsHint')}
            checked={published}
            onChange={(e) => setPublished(e.currentTarget.checked)}
          />
          {save.isError && <ErrorAlert error={save.error} overrides={overrides} />}
          <FormActions onCancel={onClose} pending={save.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}

export function MateEditor({
  mate,
  creating,
  zones,
  defaultZone,
  onClose,
}: {
  mate: RunningMate | null;
  creating: boolean;
  zones: ZoneOption[];
  defaultZone: string | null;
  onClose: () => void;
}) {
  const t = useT(siteMessages);
  const phone = useIsPhone();
  const save = useSaveRunningMate();
  const upload = useUploadImage();
  const overrides = useErrorOverrides();
  const [zoneId, setZoneId] = useState<string | null>(mate?.zone_id ?? defaultZone ?? zones[0]?.value ?? null);
  const [name, setName] = useState(mate?.name ?? '');
  const [roleFr, setRoleFr] = useState(mate?.role_fr ?? '');
  const [roleEn, setRoleEn] = useState(mate?.role_en ?? '');
  const [bioFr, setBioFr] = useState(mate?.bio_fr ?? '');
  const [bioEn, setBioEn] = useState(mate?.bio_en ?? '');
  const [photoId, setPhotoId] = useState<string | null>(mate?.photo_id ?? null);
  const [position, setPosition] = useState<number>(mate?.position ?? 0);
  const opened = creating || mate !== null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim() || !zoneId) return;
    const input = {
      zone_id: zoneId,
      name: name.trim(),
      role_fr: roleFr,
      role_en: roleEn,
      bio_fr: bioFr,
      bio_en: bioEn,
      photo_id: photoId,
      position,
    };
    save.mutate({ id: mate?.id ?? null, input }, { onSuccess: onClose });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={mate ? t('editMate') : t('newMate')} size="lg" fullScreen={phone}>
      <form onSubmit={submit}>
        <Stack>
          <Select label={t('zone')} required data={zones} value={zoneId} onChange={setZoneId} allowDeselect={false} searchable />
          <TextInput label={t('name')} required value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} />
          <TextInput label={t('roleFr')} value={roleFr} onChange={(e) => setRoleFr(e.currentTarget.value)} maxLength={200} />
          <TextInput
            label={t('roleEn')}
            description={t('englishHint')}
            lang="en"
            value={roleEn}
            onChange={(e) => setRoleEn(e.currentTarget.value)}
            maxLength={200}
          />
          <RichText label={t('bioFr')} value={bioFr} onChange={setBioFr} zoneId={zoneId} />
          <RichText label={t('bioEn')} value={bioEn} onChange={setBioEn} zoneId={zoneId} />
          <Group>
            {photoId && <Image src={`/medias/${photoId}`} alt="" w={72} h={72} radius="xl" />}
            <FileButton
              accept="image/png,image/jpeg,image/webp,image/gif"
              onChange={(file) => file && upload.mutate({ file, alt: name, zoneId }, { onSuccess: (image) => setPhotoId(image.id) })}
            >
              {(props) => (
                <Button variant="default" loading={upload.isPending} {...props}>
                  {t('photoChange')}
                </Button>
              )}
            </FileButton>
            {photoId && (
              <Button variant="subtle" color="red" onClick={() => setPhotoId(null)}>
                {t('photoRemove')}
              </Button>
            )}
          </Group>
          <NumberInput
            label={t('position')}
            min={0}
            max={1000}
            value={position}
            onChange={(v) => setPosition(typeof v === 'number' ? v : 0)}
            w={160}
          />
          {(save.isError || upload.isError) && <ErrorAlert error={save.error ?? upload.error} overrides={overrides} />}
          <FormActions onCancel={onClose} pending={save.isPending} />
        </Stack>
      </form>
    </Modal>
  );
}

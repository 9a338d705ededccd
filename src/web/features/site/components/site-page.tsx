// /app/site: the public site's content. Pages (the candidate's message on the home page, a page per
// arrondissement, free pages), news (the campaign's, an arrondissement's, running mates' posts) and
// the running mates of each arrondissement. A referent sees and edits their arrondissements only.
import { Badge, Button, Card, Group, Pagination, Select, Stack, Tabs, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useFormat } from '../../../i18n/format.ts';
import { useLocale } from '../../../i18n/locale-context.tsx';
import { useT } from '../../../i18n/use-t.ts';
import { ConfirmModal } from '../../../ui/confirm-modal.tsx';
import { Icon } from '../../../ui/icons.tsx';
import { PageHeader } from '../../../ui/page-header.tsx';
import { EmptyText, QueryView } from '../../../ui/query-view.tsx';
import { useSession } from '../../session/session-context.tsx';
import { useZonesQuery } from '../../territory/api.ts';
import {
  type RunningMate,
  type SiteNews,
  type SitePage as SitePageRow,
  useDeleteSiteItem,
  useRunningMatesQuery,
  useSiteNewsQuery,
  useSitePagesQuery,
} from '../api.ts';
import { siteMessages } from '../messages.ts';
import { MateEditor, NewsEditor, PageEditor, type ZoneOption } from './site-editors.tsx';

type Deleting = { kind: 'pages' | 'news' | 'running_mates'; id: string; name: string } | null;

/** The public address of a page in the back office's language. */
function publicHref(path: string, locale: string): string {
  return locale === 'en' ? `${path}${path.includes('?') ? '&' : '?'}lang=en` : path;
}

function ItemCard({
  title,
  badges,
  meta,
  href,
  onEdit,
  onDelete,
}: {
  title: string;
  badges?: React.ReactNode;
  meta?: string;
  href?: string;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const t = useT(siteMessages);
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="sm">
        <Stack gap={4} style={{ minWidth: 0, flex: '1 1 16rem' }}>
          <Group gap="xs" wrap="wrap">
            <Title order={3} size="h5">
              {title}
            </Title>
            {badges}
          </Group>
          {meta && (
            <Text size="sm" c="dimmed">
              {meta}
            </Text>
          )}
        </Stack>
        <Group gap="xs">
          {href && (
            <Button component="a" href={href} target="_blank" variant="subtle" size="xs" aria-label={`${t('view')} — ${title}`}>
              {t('view')}
            </Button>
          )}
          <Button variant="default" size="xs" onClick={onEdit} aria-label={`${t('edit')} — ${title}`}>
            {t('edit')}
          </Button>
          <Button variant="subtle" color="red" size="xs" onClick={onDelete} aria-label={`${t('delete')} — ${title}`}>
            {t('delete')}
          </Button>
        </Group>
      </Group>
    </Card>
  );
}

export function SitePage() {
  const t = useT(siteMessages);
  const { locale } = useLocale();
  const format = useFormat();
  const session = useSession();
  const campaignWide = session.zones.length === 0;
  const zonesQuery = useZonesQuery('arrondissement');
  const zones: ZoneOption[] = (zonesQuery.data?._embedded.zones ?? [])
    .slice()
    .sort((a, b) => Number(a.code) - Number(b.code) || a.code.localeCompare(b.code))
    .map((z) => ({ value: z.id, label: z.name }));
  const [tab, setTab] = useState<string>('pages');
  const [newsPage, setNewsPage] = useState(1);
  const [mateZone, setMateZone] = useState<string | null>(null);
  const pages = useSitePagesQuery();
  const news = useSiteNewsQuery(newsPage);
  const mates = useRunningMatesQuery(mateZone);
  const remove = useDeleteSiteItem();
  const [editingPage, setEditingPage] = useState<SitePageRow | null>(null);
  const [editingNews, setEditingNews] = useState<SiteNews | null>(null);
  const [editingMate, setEditingMate] = useState<RunningMate | null>(null);
  const [creating, setCreating] = useState<'pages' | 'news' | 'mates' | null>(null);
  const [deleting, setDeleting] = useState<Deleting>(null);
  const closeEditors = () => {
    setEditingPage(null);
    setEditingNews(null);
    setEditingMate(null);
    setCreating(null);
  };
  const kindLabel = { home: t('kindHome'), zone: t('kindZone'), page: t('kindPage') } as const;
  const text = (fr: string, en: string) => (locale === 'en' && en ? en : fr);

  return (
    <>
      <PageHeader
        title={t('title')}
        description={t('description')}
        actions={
          <Button component="a" href={publicHref('/', locale)} target="_blank" variant="default">
            {t('viewSite')}
          </Button>
        }
      />
      <Tabs value={tab} onChange={(v) => v && setTab(v)} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="pages">{t('tabPages')}</Tabs.Tab>
          <Tabs.Tab value="news">{t('tabNews')}</Tabs.Tab>
          <Tabs.Tab value="mates">{t('tabMates')}</Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="pages">
          <Group justify="flex-end" mb="sm">
            <Button leftSection={<Icon name="plus" />} onClick={() => setCreating('pages')}>
              {t('addPage')}
            </Button>
          </Group>
          <QueryView
            query={pages}
            isEmpty={(d) => d._embedded.site_pages.length === 0}
            empty={<EmptyText title={t('noPages')} hint={t('noPagesHint')} />}
          >
            {(data) => (
              <Stack gap="sm">
                {data._embedded.site_pages.map((p) => (
                  <ItemCard
                    key={p.id}
                    title={text(p.title_fr, p.title_en)}
                    badges={
                      <>
                        <Badge variant="light">{p.kind === 'zone' ? (p.zone_name ?? kindLabel.zone) : kindLabel[p.kind]}</Badge>
                        <Badge variant="light" color={p.published ? 'teal' : 'gray'}>
                          {p.published ? t('published') : t('draft')}
                        </Badge>
                      </>
                    }
                    meta={t('updatedBy', { date: format.dateTime(p.updated_at), name: p.updated_by || '—' })}
                    href={publicHref(p.path, locale)}
                    onEdit={() => setEditingPage(p)}
                    onDelete={() => setDeleting({ kind: 'pages', id: p.id, name: p.title_fr })}
                  />
                ))}
              </Stack>
            )}
          </QueryView>
        </Tabs.Panel>

        <Tabs.Panel value="news">
          <Group justify="flex-end" mb="sm">
            <Button leftSection={<Icon name="plus" />} onClick={() => setCreating('news')}>
              {t('addNews')}
            </Button>
          </Group>
          <QueryView query={news} isEmpty={(d) => d._embedded.site_news.length === 0} empty={<EmptyText title={t('noNews')} />}>
            {(data) => (
              <Stack gap="sm">
                {data._embedded.site_news.map((n) => (
                  <ItemCard
                    key={n.id}
                    title={text(n.title_fr, n.title_en)}
                    badges={
                      <>
                        <Badge variant="light">{n.zone_name ?? t('wholeCampaign')}</Badge>
                        {!n.published_at && (
                          <Badge variant="light" color="gray">
                            {t('draft')}
                          </Badge>
                        )}
                      </>
                    }
                    meta={[n.published_at ? t('publishedOn', { date: format.date(n.published_at) }) : '', n.running_mate_name ?? '']
                      .filter(Boolean)
                      .join(' · ')}
                    {...(n.published_at ? { href: publicHref(n.path, locale) } : {})}
                    onEdit={() => setEditingNews(n)}
                    onDelete={() => setDeleting({ kind: 'news', id: n.id, name: n.title_fr })}
                  />
                ))}
                {(data.total_pages ?? 1) > 1 && (
                  <Pagination total={data.total_pages ?? 1} value={newsPage} onChange={setNewsPage} mt="sm" />
                )}
              </Stack>
            )}
          </QueryView>
        </Tabs.Panel>

        <Tabs.Panel value="mates">
          <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
            <Select
              label={t('zone')}
              data={[{ value: '', label: t('allZones') }, ...zones]}
              value={mateZone ?? ''}
              onChange={(v) => setMateZone(v || null)}
              allowDeselect={false}
              searchable
              w={260}
            />
            <Button leftSection={<Icon name="plus" />} onClick={() => setCreating('mates')}>
              {t('addMate')}
            </Button>
          </Group>
          <QueryView query={mates} isEmpty={(d) => d._embedded.site_running_mates.length === 0} empty={<EmptyText title={t('noMates')} />}>
            {(data) => (
              <Stack gap="sm">
                {data._embedded.site_running_mates.map((m) => (
                  <ItemCard
                    key={m.id}
                    title={m.name}
                    badges={<Badge variant="light">{m.zone_name}</Badge>}
                    meta={text(m.role_fr, m.role_en)}
                    href={publicHref(`/arrondissements/${encodeURIComponent(m.zone_code)}`, locale)}
                    onEdit={() => setEditingMate(m)}
                    onDelete={() => setDeleting({ kind: 'running_mates', id: m.id, name: m.name })}
                  />
                ))}
              </Stack>
            )}
          </QueryView>
        </Tabs.Panel>
      </Tabs>

      {(editingPage || creating === 'pages') && (
        <PageEditor page={editingPage} creating={creating === 'pages'} zones={zones} campaignWide={campaignWide} onClose={closeEditors} />
      )}
      {(editingNews || creating === 'news') && (
        <NewsEditor news={editingNews} creating={creating === 'news'} zones={zones} campaignWide={campaignWide} onClose={closeEditors} />
      )}
      {(editingMate || creating === 'mates') && (
        <MateEditor mate={editingMate} creating={creating === 'mates'} zones={zones} defaultZone={mateZone} onClose={closeEditors} />
      )}
      <ConfirmModal
        opened={deleting !== null}
        title={t('deleteTitle')}
        confirmLabel={t('delete')}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate({ kind: deleting.kind, id: deleting.id }, { onSuccess: () => setDeleting(null) })}
        loading={remove.isPending}
        error={remove.error}
      >
        {deleting && t('deleteConfirm', { name: deleting.name })}
      </ConfirmModal>
    </>
  );
}

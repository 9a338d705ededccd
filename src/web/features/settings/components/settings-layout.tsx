// /app/settings: the page header and one tab per section the role may manage; the section below.
import { Tabs } from '@mantine/core';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { useT } from '../../../i18n/use-t.ts';
import { PageHeader } from '../../../ui/page-header.tsx';
import { useSession } from '../../session/session-context.tsx';
import { settingsMessages } from '../messages.ts';
import { allowedSections } from '../sections.ts';

/** The settings frame: tabs (ladder, tags, lists, fields) filtered by permission, the current section in its panel. */
export function SettingsLayout() {
  const t = useT(settingsMessages);
  const session = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const sections = allowedSections(session.permissions);
  const current = sections.find((s) => pathname === `/settings/${s.path}` || pathname.startsWith(`/settings/${s.path}/`))?.path ?? null;
  return (
    <>
      <PageHeader title={t('title')} description={t('description')} />
      <Tabs value={current} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
        <Tabs.List aria-label={t('sections')} mb="lg">
          {sections.map((section) => (
            <Tabs.Tab key={section.path} value={section.path} fw={500}>
              {t(section.label)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {sections.map((section) => (
          <Tabs.Panel key={section.path} value={section.path}>
            {current === section.path && <Outlet />}
          </Tabs.Panel>
        ))}
      </Tabs>
      {/* An address of a section this role may not manage (or of none) renders its own guard below. */}
      {current === null && <Outlet />}
    </>
  );
}

/** /app/settings itself: opens the first section the role may manage. */
export function SettingsIndex() {
  const session = useSession();
  const first = allowedSections(session.permissions)[0];
  return first ? <Navigate to={`/settings/${first.path}`} replace /> : null;
}

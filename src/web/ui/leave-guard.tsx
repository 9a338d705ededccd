// Asks before leaving a form with unsaved changes (in-app navigation and closing the tab).
import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { useT } from '../i18n/use-t.ts';
import { ConfirmModal } from './confirm-modal.tsx';
import { uiMessages } from './messages.ts';

/** Renders the "leave without saving?" dialog while `dirty` and the user navigates away. */
export function LeaveGuard({ dirty }: { dirty: boolean }) {
  const t = useT(uiMessages);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
  return (
    <ConfirmModal
      opened={blocker.state === 'blocked'}
      title={t('leaveTitle')}
      confirmLabel={t('leaveConfirm')}
      onConfirm={() => blocker.proceed?.()}
      onClose={() => blocker.reset?.()}
    >
      {t('leaveText')}
    </ConfirmModal>
  );
}

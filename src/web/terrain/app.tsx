// The canvassing app: sign in once, download my turfs as one pack, knock doors in walking order.
// Every tap is written to IndexedDB and only then shown as done; the queue is sent by the page
// itself (on open, when back online, when visible again, every minute), and the app says when
// storage is not guaranteed or when results wait unsent for more than 15 minutes online.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DoorList, type MarkOf, nextTarget, type Target } from './doors.tsx';
import { MapView } from './map-view.tsx';
import { lang, t } from './messages.ts';
import { PhotosScreen } from './photos.tsx';
import { ContactSheet, OutcomeSheet } from './sheets.tsx';
import {
  allMarks,
  enqueueContact,
  enqueueResults,
  getMeta,
  loadPack,
  markKey,
  newId,
  type Outcome,
  type QueuedResult,
  queued,
  savePack,
  setMeta,
} from './store.ts';
import { csrfToken, flushQueue, setCsrf } from './sync.ts';
import type { Pack } from './types.ts';

const UNSYNCED_WARNING_MS = 15 * 60_000;
const FLUSH_EVERY_MS = 60_000;
const OPENED = new Set<Outcome>(['supportive', 'undecided', 'opposed']);

type Session = 'unknown' | 'in' | 'out';
type Tab = 'doors' | 'map' | 'info' | 'photos';

export function TerrainApp() {
  const [session, setSession] = useState<Session>('unknown');
  const [pack, setPack] = useState<Pack | null>(null);
  const [marks, setMarks] = useState<Map<string, Outcome>>(new Map());
  const [pending, setPending] = useState({ count: 0, oldest: null as number | null });
  const [online, setOnline] = useState(navigator.onLine);
  const [persistRefused, setPersistRefused] = useState(false);
  const [authLost, setAuthLost] = useState(false);
  const [tab, setTab] = useState<Tab>('doors');
  const [turfId, setTurfId] = useState<string | null>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const [toast, setToast] = useState<{ text: string; contactFor?: { resultId: string; buildingId: string } } | null>(null);
  const [contactFor, setContactFor] = useState<{ resultId: string; buildingId: string } | null>(null);
  const [here, setHere] = useState<{ lon: number; lat: number } | null>(null);
  const [now, setNow] = useState(Date.now());
  const hereRef = useRef(here);
  hereRef.current = here;

  const refreshPending = useCallback(async () => {
    const items = await queued();
    setPending({ count: items.length, oldest: items[0]?.queued_at ?? null });
  }, []);

  const sync = useCallback(async () => {
    const outcome = await flushQueue();
    setAuthLost(outcome.error === 'unauthenticated');
    await refreshPending();
  }, [refreshPending]);

  const downloadPack = useCallback(async () => {
    const response = await fetch('/api/v1/canvass/pack', { credentials: 'same-origin' }).catch(() => null);
    if (!response) return;
    if (response.status === 401) {
      setSession('out');
      return;
    }
    if (!response.ok) return;
    const fresh = (await response.json()) as Pack;
    await savePack(fresh);
    setPack(fresh);
  }, []);

  // Opening: what the phone holds first (works offline), then the network.
  useEffect(() => {
    let stopped = false;
    void (async () => {
      const [stored, storedMarks, csrf] = await Promise.all([loadPack(), allMarks(), getMeta<string>('csrf')]);
      if (stopped) return;
      setCsrf(csrf ?? null);
      setPack(stored);
      setMarks(new Map(storedMarks.map((m) => [m.key, m.outcome])));
      await refreshPending();
      if (stored && csrf) setSession('in');
      const response = await fetch('/api/v1/session', { credentials: 'same-origin' }).catch(() => null);
      if (stopped) return;
      if (response?.ok) {
        const doc = (await response.json()) as { csrf_token: string };
        setCsrf(doc.csrf_token);
        await setMeta('csrf', doc.csrf_token);
        setSession('in');
        void sync();
        void downloadPack();
      } else if (response) {
        setSession(stored ? 'in' : 'out');
        if (response.status === 401 && stored) setAuthLost(true);
      } else if (!stored) setSession('out');
      else void sync();
      if (navigator.storage?.persist) {
        const persisted = (await navigator.storage.persisted?.()) || (await navigator.storage.persist().catch(() => false));
        setPersistRefused(!persisted);
      }
    })();
    return () => {
      stopped = true;
    };
  }, [downloadPack, refreshPending, sync]);

  // The queue is flushed by the page: back online, visible again, and every minute.
  useEffect(() => {
    const onOnline = () => {
      setOnline(true);
      void sync();
    };
    const onOffline = () => setOnline(false);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void sync();
    };
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    document.addEventListener('visibilitychange', onVisible);
    const timer = window.setInterval(() => {
      setNow(Date.now());
      void sync();
    }, FLUSH_EVERY_MS);
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
      window.clearInterval(timer);
    };
  }, [sync]);

  const turf = useMemo(() => pack?.turfs.find((x) => x.id === turfId) ?? pack?.turfs[0] ?? null, [pack, turfId]);
  // A door is done when marked on this phone, or when its last result (from the pack) is from today.
  const markOf: MarkOf = useCallback(
    (buildingId, doorId) => {
      const local = marks.get(markKey(buildingId, doorId));
      if (local) return local;
      const building = pack?.turfs.flatMap((x) => x.buildings).find((b) => b.id === buildingId);
      const last = doorId === null ? building?.last : building?.entrances.flatMap((e) => e.doors).find((d) => d.id === doorId)?.last;
      return last && Date.now() - Date.parse(last.recorded_at) < 12 * 3600_000 ? last.outcome : null;
    },
    [marks, pack],
  );

  const save = async (outcome: Outcome, extra: { themes: string[]; note: string }) => {
    if (!target || !turf) return;
    const doorIds = target.kind === 'door' ? [target.doorId] : target.kind === 'floor' ? target.doorIds : [null];
    const at = new Date().toISOString();
    const position = hereRef.current;
    const items: QueuedResult[] = doorIds.map((doorId) => {
      const id = newId();
      return {
        kind: 'result',
        id,
        queued_at: Date.now(),
        body: {
          id,
          building_id: target.building.id,
          door_id: doorId,
          turf_id: turf.id,
          outcome,
          themes: extra.themes,
          note: extra.note,
          script_id: turf.script_id,
          recorded_at: at,
          lon: position?.lon ?? null,
          lat: position?.lat ?? null,
        },
      };
    });
    // Written first; shown as done only once the transaction has committed.
    await enqueueResults(items);
    setMarks((old) => {
      const copy = new Map(old);
      for (const item of items) copy.set(markKey(item.body.building_id, item.body.door_id), outcome);
      return copy;
    });
    setTarget(null);
    const first = items[0];
    setToast({
      text:
        items.length > 1
          ? t('savedFloor', { n: items.length, outcome: t(`outcome_${outcome}`) })
          : t('saved', { outcome: t(`outcome_${outcome}`) }),
      ...(first && items.length === 1 && OPENED.has(outcome)
        ? { contactFor: { resultId: first.id, buildingId: first.body.building_id } }
        : {}),
    });
    await refreshPending();
    if (navigator.onLine) void sync();
  };

  const saveContact = async (contact: { given_name: string; family_name: string; email: string; phone: string; consent: boolean }) => {
    if (!contactFor || !pack) return;
    const id = newId();
    await enqueueContact({
      kind: 'contact',
      id,
      queued_at: Date.now(),
      body: {
        id,
        result_id: contactFor.resultId,
        building_id: contactFor.buildingId,
        ...contact,
        consent_text: pack.consent_text,
        recorded_at: new Date().toISOString(),
      },
    });
    setContactFor(null);
    setToast({ text: t('contactSaved') });
    await refreshPending();
    if (navigator.onLine) void sync();
  };

  const locate = () => {
    navigator.geolocation?.watchPosition(
      (p) => setHere({ lon: p.coords.longitude, lat: p.coords.latitude }),
      () => undefined,
      { enableHighAccuracy: true, maximumAge: 30_000 },
    );
  };

  if (session === 'unknown' && !pack) return <p className="center">{t('loading')}</p>;
  if (session === 'out' && !pack)
    return (
      <SignIn
        onSignedIn={async (csrf) => {
          setCsrf(csrf);
          await setMeta('csrf', csrf);
          setSession('in');
          await downloadPack();
        }}
      />
    );

  const unsyncedTooLong = online && pending.oldest !== null && now - pending.oldest > UNSYNCED_WARNING_MS;
  const next = turf ? nextTarget(turf, markOf) : null;
  const script = turf?.script_id ? pack?.scripts.find((s) => s.id === turf.script_id) : null;

  return (
    <div className="app" lang={lang}>
      <header className="top">
        <strong>{pack?.campaign.name ?? t('appName')}</strong>
        <button type="button" className={`pending ${pending.count ? 'pending-on' : ''}`} onClick={() => void sync()}>
          {pending.count ? t('pending', { n: pending.count }) : t('allSent')}
        </button>
      </header>
      {!online && (
        <p className="banner banner-info" role="status">
          {t('offline')}
        </p>
      )}
      {persistRefused && <p className="banner banner-warn">{t('persistRefused')}</p>}
      {unsyncedTooLong && (
        <p className="banner banner-warn" role="alert">
          {t('unsynced')}
        </p>
      )}
      {authLost && online && (
        <div className="banner banner-warn">
          <p>{t('signInAgain')}</p>
          <SignIn
            compact
            onSignedIn={async (csrf) => {
              setCsrf(csrf);
              await setMeta('csrf', csrf);
              setAuthLost(false);
              void sync();
            }}
          />
        </div>
      )}
      {pack && pack.turfs.length > 1 && (
        <label className="field turf-pick">
          <span>{t('turf')}</span>
          <select value={turf?.id ?? ''} onChange={(e) => setTurfId(e.currentTarget.value)}>
            {pack.turfs.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <main>
        {tab === 'photos' ? (
          <PhotosScreen csrf={csrfToken} online={online} />
        ) : !turf ? (
          <p className="center">{t('noTurf')}</p>
        ) : tab === 'doors' ? (
          <DoorList turf={turf} markOf={markOf} onPick={setTarget} />
        ) : tab === 'map' ? (
          <MapView turf={turf} markOf={markOf} next={next?.building ?? null} here={here} onLocate={locate} />
        ) : (
          pack && (
            <div className="info">
              <section>
                <h2>{t('notice')}</h2>
                <p className="muted">{t('noticeHint')}</p>
                {pack.notice.text.split('\n').map((line) => (
                  <p key={line}>{line}</p>
                ))}
                {/* The QR code is drawn by the server (qrcode) as SVG, shown as an image. */}
                <img
                  className="qr"
                  alt={pack.notice.url}
                  src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(pack.notice.qr_svg)}`}
                />
              </section>
              <section>
                <h2>{t('scripts')}</h2>
                {script && (
                  <article className="script script-test">
                    <h3>{`${t('scriptTest')} — ${script.title}`}</h3>
                    <p>{script.body}</p>
                  </article>
                )}
                {pack.scripts
                  .filter((s) => s.id !== script?.id)
                  .map((s) => (
                    <article key={s.id} className="script">
                      <h3>{`${s.theme} — ${s.title}`}</h3>
                      <p>{s.body}</p>
                    </article>
                  ))}
              </section>
              <button type="button" className="secondary" onClick={() => void downloadPack()} disabled={!online}>
                {t('download')}
              </button>
              <p className="muted">{t('downloaded', { time: new Date(pack.generated_at).toLocaleString(lang) })}</p>
            </div>
          )
        )}
      </main>
      {toast && (
        <div className="toast" role="status">
          <span>{toast.text}</span>
          {toast.contactFor && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setContactFor(toast.contactFor ?? null);
                setToast(null);
              }}
            >
              {t('takeContact')}
            </button>
          )}
        </div>
      )}
      <nav className="tabs">
        {(['doors', 'map', 'info', 'photos'] as const).map((x) => (
          <button key={x} type="button" aria-current={tab === x ? 'page' : undefined} onClick={() => setTab(x)}>
            {t(x === 'doors' ? 'tabDoors' : x === 'map' ? 'tabMap' : x === 'info' ? 'tabInfo' : 'tabPhotos')}
          </button>
        ))}
      </nav>
      {target && pack && (
        <OutcomeSheet target={target} themes={pack.themes} onSave={(o, extra) => void save(o, extra)} onClose={() => setTarget(null)} />
      )}
      {contactFor && pack && (
        <ContactSheet consentText={pack.consent_text} onSave={(c) => void saveContact(c)} onClose={() => setContactFor(null)} />
      )}
    </div>
  );
}

function SignIn({ onSignedIn, compact = false }: { onSignedIn: (csrf: string) => Promise<void> | void; compact?: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className={compact ? 'signin signin-compact' : 'signin'}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        const response = await fetch('/api/v1/auth/login', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password }),
        }).catch(() => null);
        setBusy(false);
        if (!response) return setError(t('signInOffline'));
        if (!response.ok) return setError(t('signInFailed'));
        const doc = (await response.json()) as { csrf_token: string };
        await onSignedIn(doc.csrf_token);
      }}
    >
      {!compact && (
        <>
          <h1>{t('appName')}</h1>
          <h2>{t('signInTitle')}</h2>
          <p className="muted">{t('signInHint')}</p>
        </>
      )}
      <label className="field">
        <span>{t('email')}</span>
        <input type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required />
      </label>
      <label className="field">
        <span>{t('password')}</span>
        <input
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {t('signIn')}
      </button>
    </form>
  );
}

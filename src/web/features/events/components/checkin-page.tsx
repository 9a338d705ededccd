// /app/events/:id/checkin: the door check-in, phone first. The ticket's QR code opens this screen
// with ?t=<token> from the phone's camera (or is read here where the browser has BarcodeDetector);
// people without their ticket are found by name. The door list is kept on the phone (IndexedDB) and
// check-ins made without network are queued there, sent as soon as it is back.
import { Alert, Badge, Button, Group, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { api, isApiError } from '../../../api/client.ts';
import { useFormat } from '../../../i18n/format.ts';
import { useT } from '../../../i18n/use-t.ts';
import type { DoorList } from '../api.ts';
import { eventsMessages } from '../messages.ts';
import { attendanceOfToken, dropQueued, loadList, queueCheckin, queuedCheckins, saveList } from '../offline-store.ts';

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
declare global {
  interface Window {
    BarcodeDetector?: new (options: { formats: string[] }) => Detector;
  }
}

/** The token a scanned QR code holds (the check-in URL's ?t=, or the bare token). */
function tokenOfScan(value: string): string {
  const m = /[?&]t=([^&#]+)/.exec(value);
  return m?.[1] ? decodeURIComponent(m[1]) : (value.split('/').pop() ?? '');
}

const isNetwork = (error: unknown) => isApiError(error, 'NETWORK_ERROR') || (isApiError(error) && error.status >= 500);

export function CheckinPage() {
  const t = useT(eventsMessages);
  const fmt = useFormat();
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const [list, setList] = useState<DoorList | null>(null);
  const [cachedAt, setCachedAt] = useState<string | null>(null);
  const [offline, setOffline] = useState(false);
  const [pending, setPending] = useState(0);
  const [query, setQuery] = useState('');
  const [notice, setNotice] = useState<{ color: string; text: string } | null>(null);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);

  const mark = useCallback((attendanceId: string) => {
    setList((prev) => {
      if (!prev) return prev;
      const next = {
        ...prev,
        attendees: prev.attendees.map((a) => (a.id === attendanceId ? { ...a, attended: true, status: 'going' as const } : a)),
      };
      void saveList(next);
      return next;
    });
  }, []);

  const refresh = useCallback(async () => {
    try {
      const fresh = await api.get<DoorList>(`/api/v1/events/${id}/check_ins`);
      setList(fresh);
      setOffline(false);
      setCachedAt(null);
      await saveList(fresh);
    } catch (error) {
      if (!isNetwork(error)) throw error;
      setOffline(true);
      const kept = await loadList(id);
      if (kept) {
        setList(kept);
        setCachedAt(kept.saved_at);
      }
    }
  }, [id]);

  const flush = useCallback(async () => {
    const queued = await queuedCheckins(id);
    for (const item of queued) {
      try {
        await api.post(`/api/v1/events/${id}/check_ins`, item.token ? { token: item.token } : { attendance_id: item.attendance_id });
        await dropQueued(item.key);
      } catch (error) {
        if (isNetwork(error)) break;
        await dropQueued(item.key);
      }
    }
    setPending((await queuedCheckins(id)).length);
  }, [id]);

  const checkIn = useCallback(
    async (input: { attendance_id?: string; token?: string }) => {
      const attendanceId = input.attendance_id ?? (input.token ? attendanceOfToken(input.token) : null);
      const person = list?.attendees.find((a) => a.id === attendanceId);
      try {
        const res = await api.post<{ already: boolean; attendance: { id: string; 'relais:person_name': string } }>(
          `/api/v1/events/${id}/check_ins`,
          input,
        );
        mark(res.attendance.id);
        setNotice({
          color: res.already ? 'yellow' : 'teal',
          text: t(res.already ? 'ticketAlready' : 'ticketOk', { name: res.attendance['relais:person_name'] }),
        });
      } catch (error) {
        if (isNetwork(error)) {
          await queueCheckin({ event_id: id, ...input });
          setPending((await queuedCheckins(id)).length);
          setOffline(true);
          if (attendanceId && person) {
            mark(attendanceId);
            setNotice({ color: 'teal', text: t('ticketOk', { name: person.name }) });
          }
        } else {
          setNotice({ color: 'red', text: t('ticketBad') });
        }
      }
    },
    [id, list, mark, t],
  );

  useEffect(() => {
    void refresh().then(flush);
    const online = () => void flush().then(refresh);
    const off = () => setOffline(true);
    window.addEventListener('online', online);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', off);
    };
  }, [refresh, flush]);

  // A ticket scanned with the phone's camera opens this screen with its token.
  const token = params.get('t');
  useEffect(() => {
    if (!token || !list) return;
    setParams({}, { replace: true });
    void checkIn({ token });
  }, [token, list, checkIn, setParams]);

  useEffect(() => {
    if (!scanning || !window.BarcodeDetector) return;
    const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let busy = false;
    void navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then((s) => {
      stream = s;
      if (video.current) {
        video.current.srcObject = s;
        void video.current.play();
      }
      timer = window.setInterval(async () => {
        if (busy || !video.current) return;
        busy = true;
        const codes = await detector.detect(video.current).catch(() => []);
        const first = codes[0]?.rawValue;
        if (first) await checkIn({ token: tokenOfScan(first) });
        busy = false;
      }, 400);
    });
    return () => {
      if (timer) window.clearInterval(timer);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, [scanning, checkIn]);

  const shown = useMemo(() => {
    const q = query.trim().toLocaleLowerCase('fr');
    const all = list?.attendees ?? [];
    return q ? all.filter((a) => a.name.toLocaleLowerCase('fr').includes(q)) : all;
  }, [list, query]);
  const present = list?.attendees.filter((a) => a.attended).length ?? 0;

  return (
    <Stack maw={560} mx="auto" w="100%">
      <Title order={1} size="h3">
        {t('doorTitle')}
        {list ? ` — ${list.event.title}` : ''}
      </Title>
      {list ? (
        <Text c="dimmed">
          {fmt.dateTime(list.event.start_date)} · {t('present', { count: present, total: list.attendees.length })}
        </Text>
      ) : null}
      {offline ? <Alert color="orange">{t('offline')}</Alert> : null}
      {pending > 0 ? <Badge color="orange">{t('pending', { count: pending })}</Badge> : null}
      {cachedAt ? (
        <Text size="sm" c="dimmed">
          {t('cached')} · {fmt.dateTime(cachedAt)}
        </Text>
      ) : null}
      {notice ? (
        <Alert color={notice.color} role="status">
          {notice.text}
        </Alert>
      ) : null}
      <Group grow>
        <Button size="lg" onClick={() => setScanning((s) => !s)} variant={scanning ? 'light' : 'filled'}>
          {scanning ? t('stopScan') : t('scan')}
        </Button>
      </Group>
      {scanning && !window.BarcodeDetector ? <Alert color="blue">{t('scanUnsupported')}</Alert> : null}
      {scanning && window.BarcodeDetector ? <video ref={video} muted playsInline style={{ width: '100%', borderRadius: 8 }} /> : null}
      <TextInput size="lg" label={t('search')} value={query} onChange={(e) => setQuery(e.currentTarget.value)} type="search" />
      <Stack gap="xs">
        {shown.map((a) => (
          <Paper key={a.id} withBorder p="sm" radius="md">
            <Group justify="space-between" wrap="nowrap">
              <div>
                <Text fw={600}>{a.name}</Text>
                <Text size="sm" c="dimmed">
                  {t(`rsvp_${a.status}`)}
                  {a.guests ? ` · +${a.guests}` : ''}
                </Text>
              </div>
              {a.attended ? (
                <Badge color="teal" size="lg">
                  {t('checkedIn')}
                </Badge>
              ) : (
                <Button size="md" onClick={() => void checkIn({ attendance_id: a.id })}>
                  {t('checkIn')}
                </Button>
              )}
            </Group>
          </Paper>
        ))}
      </Stack>
    </Stack>
  );
}

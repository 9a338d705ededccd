// "Envoyer des photos": the volunteer takes or picks photos and short videos, adds a caption and, when
// people can be recognised, confirms their image rights (unticked by default; the server refuses an
// identifiable upload without it). Each file goes up with tus (tus-js-client): in chunks, resumable —
// the upload's address is remembered on the phone (storeFingerprintForResuming), a cut connection is
// retried, and an upload stopped offline starts again by itself when the network comes back, from the
// last byte the server holds. Below, my uploads and where each stands (GET /api/v1/media/mine).
import { useCallback, useEffect, useRef, useState } from 'react';
import * as tus from 'tus-js-client';
import { lang, type MessageKey, t } from './messages.ts';

const ENDPOINT = '/api/v1/media/uploads';
const CHUNK_BYTES = 2 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000, 30_000, 60_000];

type MineStatus = 'pending' | 'approved' | 'hidden' | 'refused';
interface Mine {
  id: string;
  kind: 'photo' | 'video';
  status: MineStatus;
  caption: string;
  uploaded_at: string;
  reason: string | null;
  processing: 'waiting' | 'ready' | 'unprocessable';
  _links: { thumbnail: { href: string } };
}

interface Sending {
  key: string;
  name: string;
  total: number;
  sent: number;
  state: 'sending' | 'waiting' | 'done' | 'failed';
  error: string | null;
}

const ERRORS: Record<string, MessageKey> = {
  MEDIA_TYPE_REFUSED: 'photoErrorType',
  MEDIA_TOO_LARGE: 'photoErrorSize',
  MEDIA_RIGHTS_REQUIRED: 'photoErrorRights',
  CSRF_TOKEN_INVALID: 'photoErrorAuth',
  UNAUTHENTICATED: 'photoErrorAuth',
  FORBIDDEN: 'photoErrorAuth',
};

/** The problem code of a failed tus request, when the server said one. */
function problemCode(error: Error): string | null {
  const response = (error as tus.DetailedError).originalResponse;
  if (!response) return null;
  try {
    const body = JSON.parse(response.getBody() ?? '') as { code?: unknown };
    return typeof body.code === 'string' ? body.code : null;
  } catch {
    return null;
  }
}

/** Settles with the promise, or with null after ms (a video the phone cannot decode must not hang the upload list). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([promise, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);
}

/**
 * A frame of a video (a second in, or its middle when shorter) as a JPEG of at most 1,600 px, drawn
 * by the phone: the server has no video decoder, and shows this poster in the queue and the gallery.
 */
async function posterOf(file: File): Promise<Blob | null> {
  const url = URL.createObjectURL(file);
  const video = document.createElement('video');
  try {
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    const event = (name: 'loadeddata' | 'seeked') =>
      new Promise<void>((resolve, reject) => {
        video.addEventListener(name, () => resolve(), { once: true });
        video.addEventListener('error', () => reject(new Error('video')), { once: true });
      });
    const loaded = event('loadeddata');
    video.src = url;
    await loaded;
    const seeked = event('seeked');
    video.currentTime = Math.min(1, Number.isFinite(video.duration) ? video.duration / 2 : 0);
    await seeked;
    if (!video.videoWidth || !video.videoHeight) return null;
    const scale = Math.min(1, 1600 / Math.max(video.videoWidth, video.videoHeight));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    canvas.getContext('2d')?.drawImage(video, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  } catch {
    return null;
  } finally {
    video.removeAttribute('src');
    URL.revokeObjectURL(url);
  }
}

/** Sends a video's poster after its upload; a failure leaves the server's generic icon. */
async function sendPoster(uploadUrl: string, file: File, csrf: string | null): Promise<void> {
  const poster = await within(posterOf(file), 15_000);
  if (!poster) return;
  await fetch(`${uploadUrl}/poster`, {
    method: 'PUT',
    credentials: 'same-origin',
    headers: { 'content-type': 'image/jpeg', ...(csrf ? { 'X-CSRF-Token': csrf } : {}) },
    body: poster,
  }).catch(() => undefined);
}

function statusOf(error: Error): number {
  return (error as tus.DetailedError).originalResponse?.getStatus() ?? 0;
}

export function PhotosScreen({ csrf, online }: { csrf: () => string | null; online: boolean }) {
  const [files, setFiles] = useState<File[]>([]);
  const [caption, setCaption] = useState('');
  const [identifiable, setIdentifiable] = useState(false);
  const [rights, setRights] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [sending, setSending] = useState<Sending[]>([]);
  const [mine, setMine] = useState<Mine[] | null>(null);
  const uploads = useRef(new Map<string, tus.Upload>());
  const sendingRef = useRef(sending);
  sendingRef.current = sending;
  const cameraInput = useRef<HTMLInputElement>(null);
  const pickInput = useRef<HTMLInputElement>(null);

  const loadMine = useCallback(async () => {
    const response = await fetch('/api/v1/media/mine?limit=50', { credentials: 'same-origin' }).catch(() => null);
    if (!response?.ok) return;
    const doc = (await response.json()) as { _embedded: { 'relais:media': Mine[] } };
    setMine(doc._embedded['relais:media']);
  }, []);

  useEffect(() => {
    void loadMine();
  }, [loadMine]);

  const update = (key: string, patch: Partial<Sending>) => setSending((old) => old.map((s) => (s.key === key ? { ...s, ...patch } : s)));

  /** Starts again an upload stopped for the network: tus asks the server its offset and sends the rest. */
  const resume = useCallback((key: string) => {
    const upload = uploads.current.get(key);
    if (!upload) return;
    setSending((old) => old.map((s) => (s.key === key ? { ...s, state: 'sending' } : s)));
    upload.start();
  }, []);

  // Back online: every upload that stopped for the network starts again where the server left it.
  useEffect(() => {
    if (!online) return;
    for (const s of sendingRef.current) if (s.state === 'waiting') resume(s.key);
  }, [online, resume]);

  const send = async () => {
    if (files.length === 0) return setFormError(t('photoPickFirst'));
    if (identifiable && !rights) return setFormError(t('photoErrorRights'));
    setFormError(null);
    const picked = files;
    const meta = { caption: caption.trim(), identifiable: identifiable ? '1' : '0', rights_confirmed: identifiable && rights ? '1' : '0' };
    setFiles([]);
    setCaption('');
    setIdentifiable(false);
    setRights(false);
    if (cameraInput.current) cameraInput.current.value = '';
    if (pickInput.current) pickInput.current.value = '';
    for (const file of picked) {
      const key = `${file.name}:${file.size}:${file.lastModified}:${Math.random().toString(36).slice(2)}`;
      setSending((old) => [{ key, name: file.name, total: file.size, sent: 0, state: 'sending', error: null }, ...old]);
      const upload = new tus.Upload(file, {
        endpoint: ENDPOINT,
        chunkSize: CHUNK_BYTES,
        retryDelays: RETRY_DELAYS,
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        metadata: { filename: file.name, filetype: file.type || 'application/octet-stream', ...meta },
        onBeforeRequest: (req) => {
          const token = csrf();
          if (token) req.setHeader('X-CSRF-Token', token);
        },
        // Retried: the network, the server's 5xx, an offset to agree again (409); not what it refused.
        onShouldRetry: (error, _attempt, options) => {
          const status = statusOf(error);
          if (status === 409 || status === 423) return true;
          if (status >= 400 && status < 500) return false;
          return options.retryDelays !== null && navigator.onLine;
        },
        onProgress: (sent, total) => update(key, { sent, total }),
        onSuccess: () => {
          update(key, { state: 'done', sent: file.size });
          uploads.current.delete(key);
          if (file.type.startsWith('video/') && upload.url) void sendPoster(upload.url, file, csrf()).then(loadMine);
          else void loadMine();
        },
        onError: (error) => {
          const code = problemCode(error);
          const status = statusOf(error);
          if (!navigator.onLine || (status === 0 && !code)) {
            update(key, { state: 'waiting', error: null });
            return;
          }
          update(key, { state: 'failed', error: t(code && ERRORS[code] ? ERRORS[code] : 'photoErrorOther') });
          uploads.current.delete(key);
        },
      });
      uploads.current.set(key, upload);
      const previous = await upload.findPreviousUploads().catch(() => []);
      const last = previous[0];
      if (last) upload.resumeFromPreviousUpload(last);
      if (navigator.onLine) upload.start();
      else update(key, { state: 'waiting' });
    }
  };

  const totalPicked = files.reduce((n, f) => n + f.size, 0);
  return (
    <div className="photos">
      <section>
        <h2>{t('photoTitle')}</h2>
        <p className="muted">{t('photoHint')}</p>
        <div className="photo-pick">
          <label className="secondary file-button">
            {t('photoTake')}
            <input
              ref={cameraInput}
              type="file"
              accept="image/*,video/*"
              capture="environment"
              onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))}
            />
          </label>
          <label className="secondary file-button">
            {t('photoChoose')}
            <input
              ref={pickInput}
              type="file"
              accept="image/*,video/*"
              multiple
              data-testid="photo-files"
              onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))}
            />
          </label>
        </div>
        {files.length > 0 && (
          <p className="picked" role="status">
            {t('photoPicked', {
              n: files.length,
              size: (Math.max(totalPicked, 100_000) / 1_000_000).toLocaleString(lang, { maximumFractionDigits: 1 }),
            })}
          </p>
        )}
        <label className="field">
          <span>{t('photoCaption')}</span>
          <textarea value={caption} maxLength={500} rows={2} onChange={(e) => setCaption(e.currentTarget.value)} />
        </label>
        <label className="consent">
          <input
            type="checkbox"
            checked={identifiable}
            onChange={(e) => {
              setIdentifiable(e.currentTarget.checked);
              if (!e.currentTarget.checked) setRights(false);
            }}
          />
          <span>{t('photoIdentifiable')}</span>
        </label>
        {identifiable && (
          <label className="consent consent-rights">
            <input type="checkbox" checked={rights} onChange={(e) => setRights(e.currentTarget.checked)} />
            <span>{t('photoRights')}</span>
          </label>
        )}
        {formError && (
          <p className="error" role="alert">
            {formError}
          </p>
        )}
        <button type="button" className="primary" onClick={() => void send()}>
          {t('photoSend')}
        </button>
      </section>
      {sending.length > 0 && (
        <section aria-live="polite">
          <h2>{t('photoSending')}</h2>
          <ul className="uploads">
            {sending.map((s) => {
              const pct = s.total > 0 ? Math.round((s.sent / s.total) * 100) : 0;
              return (
                <li key={s.key} className={`upload upload-${s.state}`}>
                  <span className="upload-name">{s.name}</span>
                  <progress max={100} value={pct} aria-label={s.name} />
                  {s.state === 'waiting' && online && (
                    <button type="button" className="secondary" onClick={() => resume(s.key)}>
                      {t('photoRetry')}
                    </button>
                  )}
                  <span className="upload-state">
                    {s.state === 'done'
                      ? t('photoDone')
                      : s.state === 'waiting'
                        ? t('photoWaiting', { pct })
                        : s.state === 'failed'
                          ? (s.error ?? t('photoErrorOther'))
                          : t('photoProgress', { pct })}
                  </span>
                </li>
              );
            })}
          </ul>
        </section>
      )}
      <section>
        <h2>{t('photoMine')}</h2>
        {mine === null ? (
          <p className="muted">{t('loading')}</p>
        ) : mine.length === 0 ? (
          <p className="muted">{t('photoMineNone')}</p>
        ) : (
          <ul className="mine">
            {mine.map((m) => (
              <li key={m.id} className="mine-item" data-testid="my-media">
                {m.processing === 'ready' ? (
                  <img src={m._links.thumbnail.href} alt="" loading="lazy" />
                ) : (
                  <span className="mine-placeholder" aria-hidden="true">
                    {m.kind === 'video' ? '▶' : '▣'}
                  </span>
                )}
                <span className="mine-text">
                  <strong>{m.caption || t(m.kind === 'video' ? 'photoVideo' : 'photoPhoto')}</strong>
                  <span className={`status status-${m.status}`}>{t(`photoStatus_${m.status}`)}</span>
                  {m.status === 'refused' && m.reason && <span className="muted">{m.reason}</span>}
                  <span className="muted">{new Date(m.uploaded_at).toLocaleString(lang, { dateStyle: 'medium', timeStyle: 'short' })}</span>
                </span>
              </li>
            ))}
          </ul>
        )}
        <button type="button" className="secondary" onClick={() => void loadMine()} disabled={!online}>
          {t('photoRefresh')}
        </button>
      </section>
    </div>
  );
}

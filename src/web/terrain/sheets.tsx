// The outcome sheet (themes and note first if wanted, then one tap on the outcome saves), and the
// contact form (its consent box unticked; nothing is kept without it).
import { useState } from 'react';
import type { Target } from './doors.tsx';
import { t } from './messages.ts';
import type { Outcome } from './store.ts';

const OPENED: Outcome[] = ['supportive', 'undecided', 'opposed'];
const OTHERS: Outcome[] = ['absent', 'refused', 'come_back', 'no_access', 'other'];

export function OutcomeSheet({
  target,
  themes,
  onSave,
  onClose,
}: {
  target: Target;
  themes: string[];
  onSave: (outcome: Outcome, extra: { themes: string[]; note: string }) => void;
  onClose: () => void;
}) {
  const [picked, setPicked] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const title =
    target.kind === 'floor'
      ? t('sheetFloor', { floor: target.label })
      : target.kind === 'door'
        ? t('sheetDoor', { door: target.label })
        : target.label;
  const save = (outcome: Outcome) => onSave(outcome, { themes: picked, note });
  return (
    <div className="sheet-backdrop">
      <div className="sheet" role="dialog" aria-modal="true" aria-label={title}>
        <p className="muted">{target.building.label}</p>
        <h2>{title}</h2>
        {target.kind !== 'floor' && themes.length > 0 && (
          <fieldset className="themes">
            <legend>{t('themes')}</legend>
            {themes.map((theme) => (
              <label key={theme} className={`chip ${picked.includes(theme) ? 'chip-on' : ''}`}>
                <input
                  type="checkbox"
                  checked={picked.includes(theme)}
                  onChange={(e) => setPicked(e.currentTarget.checked ? [...picked, theme] : picked.filter((x) => x !== theme))}
                />
                {theme}
              </label>
            ))}
          </fieldset>
        )}
        {target.kind !== 'floor' && (
          <label className="field">
            <span>{t('note')}</span>
            <textarea value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.currentTarget.value)} />
          </label>
        )}
        {target.kind !== 'floor' && (
          <>
            <p className="group-label">{t('opened')}</p>
            <div className="outcomes">
              {OPENED.map((o) => (
                <button key={o} type="button" className={`outcome o-${o}`} onClick={() => save(o)}>
                  {t(`outcome_${o}`)}
                </button>
              ))}
            </div>
          </>
        )}
        <p className="group-label">{t('notOpened')}</p>
        <div className="outcomes">
          {OTHERS.map((o) => (
            <button key={o} type="button" className={`outcome o-${o}`} onClick={() => save(o)}>
              {t(`outcome_${o}`)}
            </button>
          ))}
        </div>
        <button type="button" className="link" onClick={onClose}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}

export function ContactSheet({
  consentText,
  onSave,
  onClose,
}: {
  consentText: string;
  onSave: (contact: { given_name: string; family_name: string; email: string; phone: string; consent: boolean }) => void;
  onClose: () => void;
}) {
  const [form, setForm] = useState({ given_name: '', family_name: '', email: '', phone: '' });
  const [consent, setConsent] = useState(false);
  const ready = consent && (form.email.trim() !== '' || form.phone.trim() !== '');
  const field = (key: keyof typeof form, label: string, type: string, autoComplete: string) => (
    <label className="field">
      <span>{label}</span>
      <input
        type={type}
        value={form[key]}
        autoComplete={autoComplete}
        maxLength={key === 'email' ? 254 : 100}
        onChange={(e) => setForm({ ...form, [key]: e.currentTarget.value })}
      />
    </label>
  );
  return (
    <div className="sheet-backdrop">
      <form
        className="sheet"
        role="dialog"
        aria-modal="true"
        aria-label={t('contactTitle')}
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) onSave({ ...form, consent });
        }}
      >
        <h2>{t('contactTitle')}</h2>
        {field('given_name', t('givenName'), 'text', 'off')}
        {field('family_name', t('familyName'), 'text', 'off')}
        {field('email', t('email'), 'email', 'off')}
        {field('phone', t('phone'), 'tel', 'off')}
        <label className="consent">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.currentTarget.checked)} />
          <span>{consentText}</span>
        </label>
        {!ready && <p className="muted">{t('consentNeeded')}</p>}
        <button type="submit" className="primary" disabled={!ready}>
          {t('saveContact')}
        </button>
        <button type="button" className="link" onClick={onClose}>
          {t('cancel')}
        </button>
      </form>
    </div>
  );
}

// A drag-and-drop area that is also a button opening the file chooser.
import { Stack, Text } from '@mantine/core';
import { type DragEvent, useRef, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { importMessages } from '../messages.ts';
import '../../people/people.css';

/** Calls onFile with the dropped or chosen file. */
export function DropZone({ onFile, disabled }: { onFile: (file: File) => void; disabled?: boolean }) {
  const t = useT(importMessages);
  const input = useRef<HTMLInputElement>(null);
  const [active, setActive] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setActive(false);
    const file = event.dataTransfer.files[0];
    if (file && !disabled) onFile(file);
  };
  return (
    <>
      <button
        type="button"
        className="relais-dropzone"
        data-active={active}
        style={{ width: '100%', font: 'inherit', color: 'inherit' }}
        onClick={() => input.current?.click()}
        onDragOver={(event) => {
          event.preventDefault();
          setActive(true);
        }}
        onDragLeave={() => setActive(false)}
        onDrop={onDrop}
        disabled={disabled}
        data-testid="import-dropzone"
      >
        <Stack gap={4} align="center">
          <svg aria-hidden="true" width={36} height={36} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.6}>
            <path d="M4 17v2a2 2 0 0 0 2 2h12a2 2 0 0 0 2 -2v-2" />
            <path d="M7 9l5 -5l5 5" />
            <path d="M12 4l0 12" />
          </svg>
          <Text fw={600}>{t('dropTitle')}</Text>
          <Text size="sm" c="dimmed">
            {t('dropText')}
          </Text>
        </Stack>
      </button>
      <input
        ref={input}
        type="file"
        aria-label={t('fileInput')}
        accept=".csv,.txt,.tsv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        style={{ display: 'none' }}
        data-testid="import-file"
        onChange={(event) => {
          const file = event.currentTarget.files?.[0];
          if (file) onFile(file);
          event.currentTarget.value = '';
        }}
      />
    </>
  );
}

// A small rich-text editor for the site's texts: paragraphs, bold, italic, subheadings, bulleted
// lists, links and images uploaded to the site. The browser's editing (contentEditable) does the
// typing; the server sanitises what is saved, so what the editor lets through does not matter.
import { ActionIcon, Box, FileButton, Group, Input, Text, Tooltip } from '@mantine/core';
import { useEffect, useId, useRef, useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { MediaPicker } from '../../media/components/media-picker.tsx';
import { mediaMessages } from '../../media/messages.ts';
import { useCan } from '../../session/session-context.tsx';
import { useUploadImage } from '../api.ts';
import { siteMessages } from '../messages.ts';

interface RichTextProps {
  label: string;
  description?: string;
  value: string;
  onChange: (html: string) => void;
  zoneId?: string | null;
}

export function RichText({ label, description, value, onChange, zoneId }: RichTextProps) {
  const t = useT(siteMessages);
  const ref = useRef<HTMLDivElement>(null);
  const labelId = useId();
  const hintId = useId();
  const upload = useUploadImage();
  const tm = useT(mediaMessages);
  const canPickMedia = useCan('media.read');
  const [picking, setPicking] = useState(false);
  const selection = useRef<Range | null>(null);

  // The editor owns its DOM while typing: the value is written into it only when it differs.
  useEffect(() => {
    if (ref.current && ref.current.innerHTML !== value) ref.current.innerHTML = value;
  }, [value]);

  const run = (command: string, arg?: string) => {
    ref.current?.focus();
    document.execCommand(command, false, arg);
    onChange(ref.current?.innerHTML ?? '');
  };

  const tool = (name: string, text: string, onClick: () => void) => (
    <Tooltip label={name} withArrow>
      <ActionIcon variant="default" size="lg" aria-label={name} onMouseDown={(e) => e.preventDefault()} onClick={onClick}>
        <Text fw={700} size="sm" aria-hidden="true">
          {text}
        </Text>
      </ActionIcon>
    </Tooltip>
  );

  return (
    <Input.Wrapper label={label} description={description} id={labelId}>
      <Box style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 'var(--mantine-radius-sm)' }} mt={4}>
        <Group gap={4} p={4} role="toolbar" aria-label={label} style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
          {tool(t('bold'), 'G', () => run('bold'))}
          {tool(t('italic'), 'I', () => run('italic'))}
          {tool(t('heading'), 'T', () => run('formatBlock', 'h2'))}
          {tool(t('list'), '•', () => run('insertUnorderedList'))}
          {tool(t('link'), '↗', () => {
            const url = window.prompt(t('linkPrompt'));
            if (url && /^(https?:\/\/|mailto:|\/)/i.test(url.trim())) run('createLink', url.trim());
          })}
          <FileButton
            accept="image/png,image/jpeg,image/webp,image/gif"
            onChange={(file) => {
              if (!file) return;
              const alt = window.prompt(t('imageAlt')) ?? '';
              upload.mutate(
                { file, alt, zoneId: zoneId ?? null },
                { onSuccess: (image) => run('insertHTML', `<img src="${image.url}" alt="${alt.replace(/[<>&"]/g, '')}">`) },
              );
            }}
          >
            {(props) => (
              <ActionIcon variant="default" size="lg" aria-label={t('image')} loading={upload.isPending} {...props}>
                <Text fw={700} size="sm" aria-hidden="true">
                  ▢
                </Text>
              </ActionIcon>
            )}
          </FileButton>
          {canPickMedia && (
            <Tooltip label={tm('pickerButton')} withArrow>
              <ActionIcon
                variant="default"
                size="lg"
                aria-label={tm('pickerButton')}
                onMouseDown={(e) => {
                  e.preventDefault();
                  const sel = window.getSelection();
                  selection.current = sel && sel.rangeCount > 0 && ref.current?.contains(sel.anchorNode) ? sel.getRangeAt(0) : null;
                }}
                onClick={() => setPicking(true)}
              >
                <Text fw={700} size="sm" aria-hidden="true">
                  ◩
                </Text>
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
        {/* biome-ignore lint/a11y/useSemanticElements: a rich-text field has no native element */}
        <div
          ref={ref}
          role="textbox"
          tabIndex={0}
          aria-multiline="true"
          aria-labelledby={`${labelId}-label`}
          aria-describedby={description ? hintId : undefined}
          contentEditable
          suppressContentEditableWarning
          onInput={() => onChange(ref.current?.innerHTML ?? '')}
          style={{ minHeight: '8rem', padding: '0.5rem 0.75rem', outlineOffset: 2 }}
        />
      </Box>
      <MediaPicker
        opened={picking}
        onClose={() => setPicking(false)}
        onPick={(src, alt) => {
          setPicking(false);
          ref.current?.focus();
          const sel = window.getSelection();
          if (selection.current && sel) {
            sel.removeAllRanges();
            sel.addRange(selection.current);
          }
          run('insertHTML', `<img src="${src.replace(/[<>&"]/g, '')}" alt="${alt.replace(/[<>&"]/g, '')}">`);
        }}
      />
      {upload.isError && (
        <Text size="sm" c="red" role="alert">
          {t('imageInvalid')}
        </Text>
      )}
    </Input.Wrapper>
  );
}

// Picks a tag among the campaign's, or creates one from what was typed.
import { Select } from '@mantine/core';
import { useState } from 'react';
import { useT } from '../../../i18n/use-t.ts';
import { ErrorAlert } from '../../../ui/error-alert.tsx';
import { useCreateTag, useTagsQuery } from '../api.ts';
import { peopleMessages } from '../messages.ts';

const NEW = '__new__:';

/** A searchable tag select whose last option creates the typed tag (then selects it). */
export function TagSelect({ value, onChange, label }: { value: string | null; onChange: (id: string | null) => void; label?: string }) {
  const t = useT(peopleMessages);
  const tags = useTagsQuery();
  const create = useCreateTag();
  const [search, setSearch] = useState('');
  const typed = search.trim();
  const options = (tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }));
  const exists = options.some((o) => o.label.toLowerCase() === typed.toLowerCase());
  const data = typed && !exists ? [...options, { value: `${NEW}${typed}`, label: t('tagCreate', { name: typed }) }] : options;
  return (
    <>
      <Select
        label={label ?? t('tag')}
        placeholder={t('tagPick')}
        searchable
        data-autofocus
        data={data}
        value={value}
        searchValue={search}
        onSearchChange={setSearch}
        nothingFoundMessage={t('none')}
        onChange={(next) => {
          if (next?.startsWith(NEW)) {
            create.mutate(next.slice(NEW.length), {
              onSuccess: (tag) => {
                onChange(tag.id);
                setSearch(tag.name);
              },
            });
          } else onChange(next);
        }}
        disabled={create.isPending}
      />
      {create.error ? <ErrorAlert error={create.error} /> : null}
    </>
  );
}

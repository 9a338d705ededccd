// The heading of a section of a screen: its title (what aria-labelledby names) and a dimmed hint.
import { Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A section's title (h2, with the id its section points to) and the sentence under it. */
export function SectionHeading({ id, title, hint }: { id: string; title: ReactNode; hint?: ReactNode }) {
  return (
    <div>
      <Title order={2} fz="h4" id={id}>
        {title}
      </Title>
      {hint ? (
        <Text size="sm" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </div>
  );
}

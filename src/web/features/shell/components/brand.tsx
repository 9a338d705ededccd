// The Relais wordmark.
import { Group, Text } from '@mantine/core';

/** Logo and name of the product; decorative logo, the name is the text. */
export function Brand({ size = 'md' }: { size?: 'md' | 'lg' }) {
  const box = size === 'lg' ? 36 : 28;
  return (
    <Group gap={8} wrap="nowrap">
      <svg aria-hidden="true" width={box} height={box} viewBox="0 0 32 32">
        <rect width="32" height="32" rx="7" fill="var(--mantine-color-indigo-7)" />
        <path
          d="M9 23V9h7a4.5 4.5 0 0 1 0 9h-7m7 0l5 5"
          stroke="white"
          strokeWidth="3"
          fill="none"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <Text fw={800} fz={size === 'lg' ? 26 : 20} c="indigo.9" style={{ letterSpacing: '-0.02em' }}>
        Relais
      </Text>
    </Group>
  );
}

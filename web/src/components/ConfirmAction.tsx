import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { ProblemAlert } from './ProblemAlert';

/**
 * A destructive or consequential action: the button opens a dialog that says what will happen;
 * only "confirm" there runs it. `children` may hold form fields (a reason).
 */
export function ConfirmAction({
  label,
  title,
  consequence,
  confirmLabel,
  onConfirm,
  pending,
  error,
  color = 'red',
  disabled,
  canConfirm = true,
  children,
  buttonLabel,
}: {
  label: string;
  title: string;
  consequence: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<unknown>;
  pending?: boolean;
  error?: unknown;
  color?: string;
  disabled?: boolean;
  canConfirm?: boolean;
  children?: ReactNode;
  /** Accessible name of the opening button when the label alone is ambiguous. */
  buttonLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  // Shade 9: white on red.8 and red.8 on white miss WCAG AA contrast.
  const tone = color === 'red' ? 'red.9' : color;
  return (
    <>
      <Button
        size="compact-sm"
        variant={color === 'red' ? 'outline' : 'default'}
        color={tone}
        onClick={() => setOpen(true)}
        disabled={disabled}
        aria-label={buttonLabel}
      >
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void onConfirm().then(
              () => setOpen(false),
              () => undefined,
            );
          }}
        >
          <Stack>
            <Text size="sm">{consequence}</Text>
            {children}
            <ProblemAlert error={error} title="Not done" />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" color={tone} loading={pending} disabled={!canConfirm}>
                {confirmLabel ?? label}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

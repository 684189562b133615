import { createTheme, Modal, type CSSVariablesResolver } from '@mantine/core';

/**
 * WCAG 2.1 AA contrast: the primary shade is 8 (blue.8 on white ≈ 5:1 for text and white on it),
 * and "dimmed" text is gray.7 instead of Mantine's gray.6 (3.3:1).
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif',
  components: {
    // Mantine's close button has no accessible name by default.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
  },
  headings: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial, sans-serif',
  },
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
  },
  dark: {},
});

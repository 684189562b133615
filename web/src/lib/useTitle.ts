import { useEffect } from 'react';

/** Page titles name the page only: never a patient (no patient data in titles or history). */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · MyPatients`;
  }, [title]);
}

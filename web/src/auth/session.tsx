import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { api, call, hasAccessToken, onSessionLost, refreshSession, setTokens } from '../api/client';
import type { Me, Tokens } from '../api/types';

/** The server ends a session after 30 minutes without a request (SESSION_IDLE_MS). */
export const IDLE_LIMIT_MS = 30 * 60 * 1000;
export const IDLE_WARNING_MS = 60 * 1000;

/** Why the person is signed out: `user` chose to (no page to return to), `idle`, `expired`; none: never signed in. */
export type SignedOutReason = 'idle' | 'expired' | 'user';
type State =
  { phase: 'loading' } | { phase: 'signed_out'; reason?: SignedOutReason } | { phase: 'signed_in'; me: Me };

interface SessionApi {
  state: State;
  me: Me | null;
  /** After /auth/mfa (or /auth/sso/exchange): keeps the tokens in memory and loads /me. */
  signedIn: (tokens: Tokens) => Promise<void>;
  signOut: (reason?: SignedOutReason) => Promise<void>;
  reloadMe: () => Promise<void>;
  idleWarning: boolean;
  stayActive: () => void;
}

const SessionContext = createContext<SessionApi | null>(null);

async function loadMe(): Promise<Me> {
  return call<Me>(api.GET('/api/v1/me'));
}

export function SessionProvider({
  children,
  idleLimitMs = IDLE_LIMIT_MS,
  idleWarningMs = IDLE_WARNING_MS,
}: {
  children: ReactNode;
  /** Tests shorten these. */
  idleLimitMs?: number;
  idleWarningMs?: number;
}) {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const [idleWarning, setIdleWarning] = useState(false);
  const queryClient = useQueryClient();
  const lastActivity = useRef(Date.now());

  const signOut = useCallback(
    async (reason: SignedOutReason = 'user') => {
      if (hasAccessToken()) await api.POST('/api/v1/auth/logout').catch(() => undefined);
      setTokens(null);
      queryClient.clear();
      setIdleWarning(false);
      setState({ phase: 'signed_out', reason });
    },
    [queryClient],
  );

  const signedIn = useCallback(async (tokens: Tokens) => {
    setTokens(tokens);
    lastActivity.current = Date.now();
    const me = await loadMe();
    setState({ phase: 'signed_in', me });
  }, []);

  /** Reloads /me after a change (email, sponsorship, validation); a failure keeps the current one. */
  const reloadMe = useCallback(async () => {
    try {
      const me = await loadMe();
      setState({ phase: 'signed_in', me });
    } catch {
      // A lost session is handled by the client (onSessionLost); anything else changes nothing here.
    }
  }, []);

  // At start (a reload, an emailed link): the HttpOnly refresh cookie may still hold a session.
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const ok = await refreshSession();
      if (cancelled) return;
      if (!ok) return setState({ phase: 'signed_out' });
      try {
        const me = await loadMe();
        if (!cancelled) setState({ phase: 'signed_in', me });
      } catch {
        if (!cancelled) setState({ phase: 'signed_out' });
      }
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    onSessionLost(() => {
      queryClient.clear();
      setState({ phase: 'signed_out', reason: 'expired' });
    });
    return () => onSessionLost(null);
  }, [queryClient]);

  // Idle sign-out: a warning one minute before the limit, then sign-out.
  const signedInNow = state.phase === 'signed_in';
  useEffect(() => {
    if (!signedInNow) return;
    const touch = () => {
      if (!idleWarningRef.current) lastActivity.current = Date.now();
    };
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, touch, { passive: true });
    const timer = window.setInterval(
      () => {
        const idle = Date.now() - lastActivity.current;
        if (idle >= idleLimitMs) void signOut('idle');
        else if (idle >= idleLimitMs - idleWarningMs) setIdleWarning(true);
      },
      Math.min(1000, idleWarningMs / 4),
    );
    return () => {
      for (const e of events) window.removeEventListener(e, touch);
      window.clearInterval(timer);
    };
  }, [signedInNow, idleLimitMs, idleWarningMs, signOut]);
  const idleWarningRef = useRef(false);
  idleWarningRef.current = idleWarning;

  const stayActive = useCallback(() => {
    lastActivity.current = Date.now();
    setIdleWarning(false);
    void refreshSession();
  }, []);

  const value = useMemo<SessionApi>(
    () => ({
      state,
      me: state.phase === 'signed_in' ? state.me : null,
      signedIn,
      signOut,
      reloadMe,
      idleWarning,
      stayActive,
    }),
    [state, signedIn, signOut, reloadMe, idleWarning, stayActive],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** A sponsor locked for an overdue validation may only complete it (API.md). */
export function isValidationLocked(me: Me | null): boolean {
  return !!me && me.status === 'locked' && me.lockReason === 'validation_overdue';
}

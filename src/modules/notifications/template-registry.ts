/**
 * Every email template in `templates/` with the type of the `data` it renders (derived from its
 * `.hbs` files and `<name>.sample.json`). `NotificationsService.record`/`recordMany` are generic
 * over the name, so a call site passing the wrong data fails typecheck; the template test checks
 * that this list and the files in `templates/` agree. The renderer adds `portalUrl`, `teamEmail`
 * and `teamPhone` itself: they are not part of any template's data.
 *
 * Adding a template: its four files in `templates/`, and one line here.
 */

/** A phantom carrying a template's data type; nothing at run time. */
export interface TemplateSpec<D> {
  readonly __data?: D;
}
const template = <D>(): TemplateSpec<D> => ({});

interface Named {
  firstName: string;
}
interface FullName extends Named {
  lastName: string;
}
interface AccessRequestOutcome extends FullName {
  /** Hospital date the request was made (YYYY-MM-DD). */
  requestedOn: string;
}
interface PcpUpdateOutcome extends Named {
  requestId: string;
}
interface SponsoredUserNotice extends FullName {
  sponsorName: string;
}
interface ValidationOutcome extends FullName {
  /** Validation period, e.g. `2027-04`. */
  period: string;
  keptCount: number;
  removedCount: number;
}

export interface OverdueDigestItem {
  requestId: string;
  dueDate: string;
  businessDaysLate: number;
  status: string;
  assignee: string;
}

export const TEMPLATES = {
  'access-grant-expiring': template<FullName & { lastDay: string; daysLeft: number; months: number }>(),
  'access-grant-revoked': template<FullName & { revokedOn: string }>(),
  'access-request-approved': template<AccessRequestOutcome>(),
  'access-request-denied': template<AccessRequestOutcome>(),
  'access-request-expired': template<AccessRequestOutcome & { ttlDays: number }>(),
  'account-locked-failed-logins': template<
    Named & {
      lockMinutes: number;
      /** The owner's unlock link (`${portalUrl}/unlock?token=`). */ token: string;
    }
  >(),
  'account-deactivated': template<Named>(),
  'account-locked-by-staff': template<Named>(),
  'account-reactivated': template<Named>(),
  'account-unlocked': template<Named>(),
  'delivery-failed': template<{ template: string; attempts: number; lastError: string }>(),
  'email-change-confirm': template<Named & { token: string }>(),
  'email-changed-notice': template<Named & { newEmail: string }>(),
  'invitation-token': template<{ token: string; invitedBy: string; validThrough: string }>(),
  'mfa-reset': template<Named & { token: string; expiresInMinutes: number }>(),
  'password-changed': template<Named>(),
  'password-reset': template<Named & { token: string; expiresInMinutes: number }>(),
  'pcp-request-team': template<{
    requestId: string;
    requesterName: string;
    requesterKind: string;
    practiceName: string;
    dueDate: string;
    hasNote: boolean;
  }>(),
  'pcp-update-completed': template<PcpUpdateOutcome>(),
  'pcp-update-overdue-team': template<{
    asOf: string;
    count: number;
    countLabel: string;
    plural: boolean;
    unassigned: number;
    items: OverdueDigestItem[];
  }>(),
  'pcp-update-rejected': template<PcpUpdateOutcome>(),
  'pcp-update-withdrawn-team': template<{ requestId: string; assigneeName: string }>(),
  'privacy-alert': template<{ alertId: string; kindLabel: string; summary: string; userId: string }>(),
  'practice-moved': template<Named & { practiceName: string; sponsoredUsers: boolean }>(),
  'registration-approved': template<Named>(),
  'registration-rejected': template<Named & { reason: string }>(),
  'sponsor-locked': template<FullName & { period: string }>(),
  'sponsor-unlocked': template<ValidationOutcome>(),
  'sponsor-validation-completed': template<ValidationOutcome>(),
  'sponsor-validation-opened': template<
    FullName & {
      period: string;
      dueDate: string;
      /** The day before `dueDate`. */ lastDay: string;
      userCount: number;
    }
  >(),
  'sponsor-validation-reminder': template<
    FullName & { period: string; dueDate: string; lastDay: string; daysLeft: number }
  >(),
  'sponsored-user-activation': template<SponsoredUserNotice & { token: string }>(),
  'sponsored-user-deactivated': template<FullName & { replaced: boolean }>(),
  'sponsored-user-locked': template<SponsoredUserNotice>(),
  'sponsored-user-unlocked': template<SponsoredUserNotice>(),
  'staff-account-invitation': template<FullName & { token: string }>(),
  'team-new-registration': template<FullName & { userId: string }>(),
  'team-practice-change': template<
    FullName & {
      requestId: string;
      loginEmail: string;
      oldPracticeName: string;
      newPracticeName: string;
      address: string;
      phone: string;
      fax: string;
      /** `''` when the email stays. */
      newEmail: string;
      wasSponsor: boolean;
    }
  >(),
  'team-support-request': template<
    FullName & {
      requestId: string;
      loginEmail: string;
      /** Hospital time, e.g. `2026-11-18 23:59 EST`. */ dueAt: string;
      hasScreenshot: boolean;
      signedIn: boolean;
    }
  >(),
  'support-request-reply': template<{
    name: string;
    requestedOn: string;
    message: string;
    closed: boolean;
  }>(),
  'practice-change-rejected': template<Named & { requestedOn: string; reason: string }>(),
  'verify-email': template<Named & { token: string }>(),
} as const;

export type TemplateName = keyof typeof TEMPLATES;
/** The data of template `T` (of each, for a union of names). */
export type TemplateData<T extends TemplateName> = T extends TemplateName
  ? (typeof TEMPLATES)[T] extends TemplateSpec<infer D>
    ? D
    : never
  : never;

export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

export function isTemplateName(name: string): name is TemplateName {
  return Object.hasOwn(TEMPLATES, name);
}

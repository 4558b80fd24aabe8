import type { RoleGrant } from '../auth/authz.policy.ts';

/**
 * 대신 등록 (issue 17): a village head registers a resident of their own village who has no chat app; staff, one of
 * their scope. The scope is the authorisation table's for deciding registrations (core/auth/authz.policy.ts).
 */
export function proxyScope(grants: readonly RoleGrant[]): {
  all: boolean;
  villageIds: number[];
  districtCodes: string[];
} {
  const all = grants.some((g) => g.role === 'county_staff' || g.role === 'admin');
  return {
    all,
    villageIds: grants.flatMap((g) => (g.role === 'village_head' && g.villageId !== null ? [g.villageId] : [])),
    districtCodes: grants.flatMap((g) => (g.role === 'district_staff' && g.districtCode ? [g.districtCode] : [])),
  };
}

export const PROXY_CONSENT_VERSION_SUFFIX = '+proxy-form';

/** The SMS the resident gets: that they are registered, by whom, and how to stop. */
export function proxyWelcomeText(input: {
  countyName: string;
  residentName: string;
  villageName: string;
  byLabel: string;
  voice: boolean;
}): string {
  return [
    `[${input.countyName}] ${input.residentName}님, ${input.villageName} ${input.byLabel}께서 마을 소식 받기에 대신 등록해 드렸습니다.`,
    `마을방송을 ${input.voice ? '문자와 전화로' : '문자로'} 알려 드립니다.`,
    `그만 받으시려면 이 번호로 "거부"라고 답장하시거나 이장님께 말씀해 주세요. 이름과 번호는 그때 바로 지웁니다.`,
  ].join('\n');
}

export const proxyModeChoices = ['문자와 전화로 받기', '문자로만 받기'];
export const proxyFormChoices = ['네, 서명하신 동의서를 보관하고 있습니다', '아니요'];

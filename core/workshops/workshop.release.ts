/**
 * 탈퇴's seat release, by the path core/registration/withdrawal.usecases.ts imports it from; the usecase lives with
 * the other sign-up usecases (workshop.signup.usecases.ts).
 */
export { releaseSeatsOf, type ReleaseResult } from './workshop.signup.usecases.ts';

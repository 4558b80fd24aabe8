import { broadcastsFeature } from './broadcasts/broadcasts.feature.ts';
import { consoleFeature } from './console/console.feature.ts';
import { createConversation } from './conversation/conversation.engine.ts';
import { feedbackFeature } from './feedback/feedback.feature.ts';
import { groupsFeature } from './groups/groups.feature.ts';
import { linkingFeature } from './linking/linking.feature.ts';
import { noticesFeature } from './notices/notices.feature.ts';
import { registrationFeature } from './registration/registration.feature.ts';
import { proxyRegistrationFeature } from './registration/registration.proxy.feature.ts';
import { reportsFeature } from './reports/reports.feature.ts';
import { settingsFeature } from './settings/settings.feature.ts';
import { votesFeature } from './votes/votes.feature.ts';
import { workshopsFeature } from './workshops/workshops.feature.ts';

/**
 * The one list of features (cf. grammY's `bot.use(composer)`, Papra's `server.routes.ts`): adding a feature is a
 * folder with its `*.feature.ts` and one line here. The matcher, every help menu and the Discord slash commands
 * are derived from it.
 */
export const features = [
  registrationFeature,
  proxyRegistrationFeature,
  feedbackFeature,
  broadcastsFeature,
  noticesFeature,
  reportsFeature,
  workshopsFeature,
  votesFeature,
  settingsFeature,
  linkingFeature,
  groupsFeature,
  consoleFeature,
] as const;

export const conversation = createConversation(features);

export const matchCommand = conversation.matchCommand;

import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandOption,
  type RESTPutAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandDef, SlashSpec } from '../../core/conversation/feature.types.ts';
import { conversation } from '../../core/features.ts';

/**
 * The slash commands are the features' own `slash` declarations: English names by default, Korean names and
 * descriptions for Korean clients. Each stands for the command's Korean word, so a slash command is handled exactly
 * as if typed. https://discord.com/developers/docs/interactions/application-commands#localization
 */
export const slashCommands: readonly { command: CommandDef; spec: SlashSpec }[] = conversation.commands.flatMap(
  (command) => (command.slash ? [{ command, spec: command.slash }] : []),
);

const OPTION_TYPE = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
} as const;

/** The body of the bulk overwrite (PUT /applications/{id}/commands): registering on every start is idempotent. */
export function slashCommandDefinitions(): RESTPutAPIApplicationCommandsJSONBody {
  return slashCommands.map(({ spec }) => ({
    type: ApplicationCommandType.ChatInput,
    name: spec.name,
    name_localizations: { ko: spec.ko },
    description: spec.description,
    description_localizations: { ko: spec.koDescription },
    options: (spec.options ?? []).map(
      (o) =>
        ({
          type: OPTION_TYPE[o.type],
          name: o.name,
          name_localizations: { ko: o.ko },
          description: o.description,
          description_localizations: { ko: o.koDescription },
          required: o.required ?? false,
          ...(o.choices && {
            choices: o.choices.map((c) => ({ name: c.name, name_localizations: { ko: c.ko }, value: c.value })),
          }),
        }) as APIApplicationCommandOption,
    ),
  }));
}

/**
 * The command text a slash command stands for ("approve number:12" → "승인 12"), or null for a command we did not
 * register. `data` is the interaction's raw `data`; option values are flattened to one line.
 */
export function slashCommandText(data: Record<string, unknown>): string | null {
  const found = slashCommands.find((s) => s.spec.name === data.name);
  if (!found) return null;
  const { command, spec } = found;
  const values = new Map<string, string>();
  for (const option of Array.isArray(data.options) ? (data.options as unknown[]) : []) {
    if (typeof option !== 'object' || option === null) continue;
    const { name, value } = option as { name?: unknown; value?: unknown };
    if (typeof name === 'string' && (typeof value === 'string' || typeof value === 'number'))
      values.set(name, String(value).replace(/\s+/g, ' ').trim());
  }
  const order = spec.order ?? (spec.options ?? []).map((o) => o.name);
  return [command.ko[0] ?? '', ...order.map((name) => values.get(name) ?? '')].filter(Boolean).join(' ');
}

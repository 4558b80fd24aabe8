import type { z } from 'zod';
import type { Requirement } from '../auth/authz.policy.ts';
import type { Turn } from './conversation.turn.ts';

/**
 * A feature declares its whole conversation in its own folder (cf. grammY's `Composer` + `bot.use()`): the
 * commands it answers and the dialogs it runs. `core/features.ts` is the one list that registers them; the matcher,
 * every role's help menu, the Discord slash commands and the README check all derive from these declarations.
 */
export type Feature = {
  name: string;
  commands: readonly CommandDef[];
  dialogs?: readonly DialogDef[];
  /** A photo or location in a 1:1 chat: return true when the feature took it (it joins the feedback being written). */
  onMedia?: (turn: Turn, media: MediaInput, dialog: DialogState | null) => Promise<boolean>;
};

/** Where a command may be used: a 1:1 chat, a group linked to a village (or not linked), a staff room. */
export type Place = 'direct' | 'group' | 'staff_room';

export type MenuEntry = {
  /** The label in the numbered help menu. */
  label: string;
  /** Lower comes first; features interleave by this number. */
  order: number;
  /** The command text the entry runs (default: the command's first Korean word). */
  text?: string;
  /** Whom the entry is for, when narrower than the command's requirement ("등록 신청 확인" for a pending one). */
  for?: Requirement;
};

/**
 * A Discord-style slash command, platform-neutral: the adapter turns it into the platform's own definition.
 * `order` lists the options in the order they follow the command word in the text.
 */
export type SlashSpec = {
  name: string;
  ko: string;
  description: string;
  koDescription: string;
  options?: readonly SlashOption[];
  order?: readonly string[];
};
export type SlashOption = {
  name: string;
  ko: string;
  description: string;
  koDescription: string;
  type: 'string' | 'integer';
  required?: boolean;
  choices?: readonly { name: string; ko: string; value: string }[];
};

export type CommandDef = {
  id: string;
  /** Korean words; the first is the canonical one (menus, help, README). Multi-word words match with or without spaces. */
  ko: readonly string[];
  en: readonly string[];
  where: readonly Place[];
  requires: Requirement;
  menu?: MenuEntry | readonly MenuEntry[];
  /** Not in any menu on purpose: typed after something else tells the person to (a number from a list, a button). */
  typedOnly?: string;
  slash?: SlashSpec;
  /** The dialog the command opens, if any: such a command is only for a 1:1 chat. */
  opensDialog?: string;
  /** What to say when the command is sent where it is not used (default: a sentence derived from `where`). */
  wrongPlace?: string;
  handle(turn: Turn, args: string): Promise<void>;
};

/**
 * A dialog in progress: its data is checked by the dialog's zod schema when it is loaded, so a step never reads an
 * untyped bag. `freeText` names the steps that ask for free text (a name, a feedback text): there, text that merely
 * begins like a command is the answer; only a button, a slash command, 취소 and 도움말 interrupt.
 */
export type DialogDef<Schema extends z.ZodType = z.ZodType> = {
  name: string;
  /** What the person is doing, for the one line that says it was set aside ("실명 등록", "설정"). */
  title: string;
  /** The command word that starts it again ("등록"). */
  restart: string;
  schema: Schema;
  freeText?: readonly string[];
  // Method syntax: a dialog with a narrower schema still fits `DialogDef` in a feature's list.
  step(turn: Turn, state: DialogStateOf<z.infer<Schema>>, text: string): Promise<void>;
};

export type DialogState = { dialog: string; step: string; data: Record<string, unknown> };
export type DialogStateOf<Data> = { dialog: string; step: string; data: Data };

export type MediaInput = {
  kind: 'image' | 'video' | 'audio' | 'file' | 'location';
  ref?: string | undefined;
  latitude?: number | undefined;
  longitude?: number | undefined;
  address?: string | undefined;
};

/** Declares a dialog with its schema, keeping the step's data typed. */
export function defineDialog<Schema extends z.ZodType>(def: DialogDef<Schema>): DialogDef<Schema> {
  return def;
}

export function defineFeature(feature: Feature): Feature {
  return feature;
}

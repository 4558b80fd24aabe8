import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { slashCommandDefinitions } from '../../bots/discord/discord.commands.ts';
import { createConversation } from '../../core/conversation/conversation.engine.ts';
import { defineFeature } from '../../core/conversation/feature.types.ts';
import { conversation, features, matchCommand } from '../../core/features.ts';

const root = join(import.meta.dirname, '..', '..');

describe('the features declare the whole conversation', () => {
  test('every command is reachable from some menu or documented as typed-only', () => {
    const unreachable = conversation.commands.filter((c) => !c.menu && !c.typedOnly).map((c) => c.id);
    expect(unreachable).toEqual([]);
  });

  test('aliases are unique across features: a second feature using a word already taken does not start', () => {
    const taken = defineFeature({
      name: 'clash',
      commands: [
        {
          id: 'clash',
          ko: ['방송'],
          en: [],
          where: ['direct'],
          requires: 'anyone',
          typedOnly: 'x',
          handle: async () => {},
        },
      ],
    });
    expect(() => createConversation([...features, taken])).toThrow(/"방송" is a word of both "broadcasts" and "clash"/);
  });

  test('every word of a command is understood as that command', () => {
    for (const c of conversation.commands)
      for (const word of [...c.ko, ...c.en])
        for (const place of c.where) expect(matchCommand(word, place)?.command, `${word} (${place})`).toBe(c.id);
  });

  test('a word shared by two commands is understood by where it is sent, and refused when both share a place', () => {
    expect(matchCommand('연결 해제', 'group')?.command).toBe('unlink_group');
    expect(matchCommand('연결 해제', 'direct')?.command).toBe('unlink_account');
    const clash = defineFeature({
      name: 'clash',
      commands: [
        {
          id: 'clash',
          ko: ['연결 해제'],
          en: [],
          where: ['staff_room'],
          requires: 'anyone',
          typedOnly: 'test',
          handle: async () => {},
        },
      ],
    });
    expect(() => createConversation([...features, clash])).toThrow(/"연결 해제" is a word of both .* in one place/);
  });

  test('the Discord slash commands are exactly the commands marked for them', () => {
    const declared = conversation.commands.flatMap((c) => (c.slash ? [c.slash.name] : []));
    expect(slashCommandDefinitions().map((d) => d.name)).toEqual(declared);
    expect(new Set(declared).size).toBe(declared.length);
  });
});

describe("the README's command table", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('| command (aliases)'));
  const rows = table
    .slice(0, table.indexOf('\n\n'))
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| command'))
    .map((l) => l.split(/(?<!\\)\|/)[1]?.trim() ?? '');
  const documented = rows.map((cell) => {
    const [korean = '', english = ''] = cell.replace(/`/g, '').split(/\s\((?=[a-z])/);
    const ids = korean.split(' / ').flatMap((piece) => {
      const text = piece.replace(/\\\|/g, '|');
      return [
        ...new Set(['direct', 'group', 'staff_room'].flatMap((place) => matchCommand(text, place)?.command ?? [])),
      ];
    });
    const aliases = english.replace(/\)$/, '').split(' / ');
    return { cell, ids, aliases };
  });

  test('every row names commands the bot understands, with their English aliases', () => {
    for (const row of documented) {
      expect(row.ids.length, row.cell).toBeGreaterThan(0);
      for (const alias of row.aliases)
        expect(row.ids, `${row.cell}: ${alias}`).toEqual(
          expect.arrayContaining(
            ['direct', 'group', 'staff_room'].flatMap((p) => matchCommand(alias, p)?.command ?? []),
          ),
        );
    }
  });

  test('every command is in the table', () => {
    const inTable = new Set(documented.flatMap((r) => r.ids));
    expect(conversation.commands.map((c) => c.id).filter((id) => !inTable.has(id))).toEqual([]);
  });
});

describe('core/conversation is the base, not the hub', () => {
  const core = join(root, 'core');
  const folders = readdirSync(core, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  const importsOf = (folder: string): Set<string> => {
    const found = new Set<string>();
    for (const file of readdirSync(join(core, folder)).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(core, folder, file), 'utf8');
      for (const m of text.matchAll(/from '\.\.\/([a-z]+)\//g)) if (m[1] && m[1] !== folder) found.add(m[1]);
    }
    return found;
  };
  const featureFolders = folders.filter((f) => readdirSync(join(core, f)).some((n) => n.endsWith('.feature.ts')));

  test('core/conversation imports no feature folder', () => {
    expect(featureFolders.length).toBeGreaterThan(5);
    expect([...importsOf('conversation')].filter((f) => featureFolders.includes(f))).toEqual([]);
  });

  test('no folder that core/conversation imports leads back to it', () => {
    const graph = new Map(folders.map((f) => [f, importsOf(f)]));
    const reaches = (from: string, seen = new Set<string>()): Set<string> => {
      for (const next of graph.get(from) ?? []) if (!seen.has(next)) reaches(next, seen.add(next));
      return seen;
    };
    expect(reaches('conversation').has('conversation')).toBe(false);
  });
});

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { identities } from '../../db/schema/index.ts';
import { bearerAccess } from '../app/app.access.ts';
import { simulatorOn } from '../app/app.config.ts';
import type { ChannelSender } from '../../core/channel/channel.port.ts';
import { unsentOfEvent } from '../../core/delivery/delivery.subject.ts';
import { listLinkedGroups, listPlatformMembers } from '../../core/members/member.directory.ts';
import { cleanName, cleanText } from '../../core/inbound/inbound.text.ts';
import type { ChannelContext, ChannelModule } from '../channel.registry.ts';
import { createTranscript, directChatKey, groupChatKey, type Transcript } from './websim.transcript.ts';
import { simErrorMessage, simFollow, simMessageSchema, simToInbound } from './websim.translate.ts';

const PLATFORM = 'websim';
const page = fileURLToPath(new URL('./websim.page.html', import.meta.url));
/** How long a simulator request waits for the replies its message caused (the background loop may be sending them). */
const REPLY_WAIT_MS = 5_000;

/**
 * The local web chat simulator: a channel like any other, behind the same port, with a small JSON API (README,
 * "Simulator API") that the browser page and the tests drive. Whoever reaches it speaks as anyone, staff included:
 * it runs only while SIMULATOR says so, and behind SIMULATOR_TOKEN when it listens beyond loopback (README, "Going
 * live"; start refuses the configuration otherwise).
 */
export const websimChannel: ChannelModule = {
  id: PLATFORM,
  enabled: simulatorOn,
  async start(ctx) {
    const transcript = createTranscript();
    const sender = createWebsimSender(transcript, () => ctx.deps.clock.now());
    const router = express.Router();
    router.use('/api/sim', bearerAccess(ctx.config.SIMULATOR_TOKEN, '시뮬레이터'), express.json({ limit: '64kb' }));

    // The page is a static shell holding no data: it asks for the token and sends it with every API request.
    router.get('/', (_req, res) => res.set('Cache-Control', 'no-store').sendFile(page));

    router.get('/api/sim/personas', async (_req, res) => {
      res.json({ personas: await listPlatformMembers(ctx.deps.db, PLATFORM) });
    });

    router.post('/api/sim/personas', async (req, res) => {
      const body = z
        .object({ nickname: z.string().transform(cleanName).pipe(z.string().min(1).max(40)) })
        .safeParse(req.body);
      if (!body.success)
        return badRequest(res, '별명을 1~40자로 입력해 주세요 (줄바꿈이나 제어 문자는 쓸 수 없습니다).');
      const id = `sim-${randomUUID().slice(0, 8)}`;
      const since = transcript.lastSeq();
      const follow = simFollow(id, body.data.nickname, ctx.deps.clock.now());
      const { handled } = await ctx.inbound.accept(follow);
      await handled;
      await waitForReplies(ctx, follow.eventId);
      // 201 means the persona exists: a follow that failed to be handled created nobody.
      const [created] = await ctx.deps.db
        .select({ id: identities.id })
        .from(identities)
        .where(and(eq(identities.platform, PLATFORM), eq(identities.platformUserId, id)));
      if (!created) {
        res.status(503).json({ error: '사람을 만들지 못했습니다. 잠시 뒤 다시 해 주세요.' });
        return;
      }
      res
        .status(201)
        .json({ persona: { id, nickname: body.data.nickname }, messages: transcript.after(directChatKey(id), since) });
    });

    router.get('/api/sim/groups', async (_req, res) => {
      res.json({ groups: await listLinkedGroups(ctx.deps.db, PLATFORM) });
    });

    router.get('/api/sim/chats/:kind/:id/messages', (req: Request<{ kind: string; id: string }>, res) => {
      const { kind, id } = req.params;
      if (kind !== 'direct' && kind !== 'group') return badRequest(res, '대화 종류는 direct 또는 group 이어야 합니다.');
      const after = Number(req.query.after ?? 0) || 0;
      res.json({ messages: transcript.after(kind === 'direct' ? directChatKey(id) : groupChatKey(id), after) });
    });

    router.post('/api/sim/messages', async (req, res) => {
      const parsed = simMessageSchema.safeParse(req.body);
      if (!parsed.success) return badRequest(res, simErrorMessage(parsed.error));
      const message = parsed.data;
      const chatKey = message.chat === 'direct' ? directChatKey(message.from) : groupChatKey(message.chat);
      const since = transcript.lastSeq();
      const now = ctx.deps.clock.now();
      const event = simToInbound(message, now);
      if (event.kind === 'action' && !event.command.trim())
        return badRequest(res, '버튼 명령(command)이 비어 있습니다.');
      const shown =
        event.kind === 'action' ? `[${event.command}]` : message.text === undefined ? '' : cleanText(message.text);
      transcript.append(chatKey, { from: message.from, nickname: event.sender?.nickname, text: shown }, now);
      const { handled } = await ctx.inbound.accept(event);
      await handled;
      await waitForReplies(ctx, event.eventId);
      res.json({ messages: transcript.after(chatKey, since).filter((e) => e.from === 'bot') });
    });

    return { sender, router, stop: async () => {} };
  },
};

/**
 * The replies this event caused are sent before the request answers. Flushing alone is not enough: the background
 * delivery loop may have claimed them a moment earlier and still be sending, and then the flush finds nothing to do.
 * So we wait until no simulator row of this event (dedupe keys `event:websim:<eventId>:…`) is due and unsent, bounded.
 */
async function waitForReplies(ctx: ChannelContext, eventId: string): Promise<void> {
  const deadline = Date.now() + REPLY_WAIT_MS;
  for (;;) {
    await ctx.flushDeliveries();
    // Only the simulator's own chats: a LINE or Discord send it caused is not what the page waits to show.
    const pending = await unsentOfEvent({ tx: ctx.deps.db, platform: PLATFORM, eventId, now: ctx.deps.clock.now() });
    if (!pending || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function badRequest(res: Response, error: string): void {
  res.status(400).json({ error });
}

export function createWebsimSender(transcript: Transcript, now: () => Date): ChannelSender {
  return {
    platform: PLATFORM,
    canPush: true,
    async send(request) {
      const key = request.to.type === 'direct' ? directChatKey(request.to.id) : groupChatKey(request.to.id);
      for (const message of request.messages) transcript.appendBot(key, message, now());
      return { ok: true };
    },
  };
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * `Authorization: Bearer <token>` on every request when a token is configured (README, "Going live"); without a
 * token the route is only reachable on a loopback address (start refuses otherwise). Answers 401 with a Korean error.
 */
export function bearerAccess(token: string | undefined, what: string) {
  const expected = token ? digest(token) : null;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!expected) return next();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    // Digests of equal length, so that the comparison takes the same time whatever was sent.
    if (match?.[1] && timingSafeEqual(digest(match[1]), expected)) return next();
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer')
      .json({ error: `${what}에 들어가려면 토큰이 필요합니다. 운영자에게 받은 토큰을 입력해 주세요.` });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

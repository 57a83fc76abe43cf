import type { ShopEvent } from '@seckill/contracts';
import { userEventsChannel } from './keys.ts';
import type { RedisClient } from './redis.ts';

/** One event for one shopper, as it travels between processes. */
export interface UserEvent {
  userId: number;
  event: ShopEvent;
}

/** Announces many shopper events in one message (a consumer's batch is one publish, not N). */
export async function publishUserEvents(
  redis: RedisClient,
  prefix: string,
  events: UserEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await redis.publish(userEventsChannel(prefix), JSON.stringify(events));
}

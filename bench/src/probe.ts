/**
 * Preloaded into the bench's own API (`node --import tsx --import bench/src/probe.ts`): it keeps
 * a reference to every order publisher the API starts and prints their `sent` counters (messages
 * and orders published to the order queue) on stdout as one JSON line whenever they moved, at
 * most every 100 ms, so the bench can tell how many orders each message carried. It changes
 * nothing the API does: `start` is wrapped only to remember the instance. (Nothing imports this
 * file: stack.ts reads the lines, tagged `benchProbe`.)
 */
import { OrderPublisher } from '@seckill/queue';

const publishers = new Set<OrderPublisher>();
const start = OrderPublisher.prototype.start;
OrderPublisher.prototype.start = function (this: OrderPublisher) {
  publishers.add(this);
  return start.call(this);
};

let last = '';
setInterval(() => {
  let messages = 0;
  let orders = 0;
  for (const p of publishers) {
    messages += p.sent.messages;
    orders += p.sent.orders;
  }
  const line = JSON.stringify({ benchProbe: { messages, orders } });
  if (line === last) return;
  last = line;
  process.stdout.write(`${line}\n`);
}, 100).unref();

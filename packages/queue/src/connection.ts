import amqp, { type ChannelModel, type RecoveringChannelModel } from 'amqplib';

/**
 * A connection that comes back by itself after the broker restarts or the network drops: amqplib
 * reconnects with backoff and runs `setup` (channels, topology, consumers) on every connect.
 */
export function connectRecovering(
  url: string,
  setup: (model: ChannelModel) => Promise<void>,
): Promise<RecoveringChannelModel> {
  return amqp.connect(url, {
    // Without it Nagle holds a group-commit message back until the broker's delayed ACK:
    // measured, a 10 KB publish waited 44 ms for its confirm instead of 1 ms.
    noDelay: true,
    recovery: {
      initialDelay: 200,
      maxDelay: 3000,
      maxRetries: Infinity,
      waitForConnect: false,
      setup,
    },
  });
}

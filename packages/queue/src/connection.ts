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
    recovery: {
      initialDelay: 200,
      maxDelay: 3000,
      maxRetries: Infinity,
      waitForConnect: false,
      setup,
    },
  });
}

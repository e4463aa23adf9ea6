import type { Context } from 'aws-lambda';
import type { ComponentServices, Stores } from '../../lib/platform';

/** What a component push handler gets from the router: the stores, and the WeChat services on demand. */
export interface PushContext {
  stores: Stores;
  /** Loaded only by pushes that call WeChat. */
  services: () => Promise<ComponentServices>;
  context?: Context;
}

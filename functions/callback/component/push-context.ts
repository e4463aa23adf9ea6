import type { Context } from 'aws-lambda';

/** What a component push handler gets from the router besides the push. */
export interface PushContext {
  context?: Context;
}

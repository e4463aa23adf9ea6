/**
 * Every single-table key in one place. Component items are keyed by component appid so one
 * deployment can serve several platform accounts without one overwriting another.
 */
export const keys = {
  verifyTicket: (componentAppId: string) => ({ pk: `COMPONENT#${componentAppId}`, sk: 'TICKET' }),
  componentToken: (componentAppId: string) => ({ pk: `COMPONENT#${componentAppId}`, sk: 'TOKEN' }),
} as const;

export type ItemKey = { pk: string; sk: string };

import { withoutKeys } from '../../../../functions/lib/store/keys';

describe('withoutKeys', () => {
  it('drops the key, index and type attributes and keeps every other one', () => {
    const item = { pk: 'AUTHORIZER#wx00000000000000aa', sk: 'PAYMENT', type: 'Payment', gsi1pk: 'X', gsi1sk: 'Y', appId: 'wx00000000000000aa', nested: { pk: 'kept' }, typeName: 'kept' };
    expect(withoutKeys(item)).toEqual({ appId: 'wx00000000000000aa', nested: { pk: 'kept' }, typeName: 'kept' });
    expect(item).toHaveProperty('pk');
  });
});

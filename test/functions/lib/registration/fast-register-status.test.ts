import { pushStatusMeaning, taskStatusMeaning } from '../../../../functions/lib/registration/fast-register-status';

describe('Module: fast-register-status', () => {
  it('names the task statuses WeChat documents, and says which code it was otherwise', () => {
    expect(taskStatusMeaning(0)).toMatch(/waiting for the legal person/);
    expect(taskStatusMeaning(12)).toBe('mini program created');
    expect(taskStatusMeaning(1001)).toMatch(/limit of mini programs/);
    expect(taskStatusMeaning(77)).toBe('WeChat task status 77');
  });

  it('reads a push status of 0 as registered and a failure by the task enum, then by WeChat’s msg', () => {
    expect(pushStatusMeaning(0, 'ignored')).toBe('registered');
    expect(pushStatusMeaning(2, 'refused')).toBe('refused by the legal person');
    expect(pushStatusMeaning(-99, 'name taken')).toBe('name taken');
    expect(pushStatusMeaning(-99, '')).toBe('WeChat status -99');
  });
});

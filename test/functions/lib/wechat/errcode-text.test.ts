import { WECHAT_API } from '../../../../functions/lib/wechat/catalogue';
import { ERR } from '../../../../functions/lib/wechat/errcodes';
import { ERRCODE_TEXT, explainErrcode } from '../../../../functions/lib/wechat/errcode-text';

const HAN = /\p{Script=Han}/u;
/** Every errcode the platform can meet: the named ones and those each catalogued API lists. */
const codes = [...new Set<number>([...Object.values(ERR), ...Object.values(WECHAT_API).flatMap((api) => api.errcodes)])].sort((a, b) => a - b);

describe('errcode explanations', () => {
  it('covers every errcode of ERR and of the catalogue', () => {
    expect(codes.filter((code) => ERRCODE_TEXT[code] === undefined)).toEqual([]);
  });

  it.each(codes)('explains %i in both languages: a meaning and a next step, Chinese in Chinese', (code) => {
    const zh = explainErrcode(code, 'zh-CN')!;
    const en = explainErrcode(code, 'en')!;
    for (const part of [zh.meaning, zh.next, en.meaning, en.next]) expect(part.trim().length).toBeGreaterThan(3);
    expect(HAN.test(zh.meaning) && HAN.test(zh.next)).toBe(true);
    expect(HAN.test(en.meaning) || HAN.test(en.next)).toBe(false);
  });

  it('says what the pipeline does with an exhausted audit quota: it waits and resubmits every hour', () => {
    expect(explainErrcode(ERR.AUDIT_QUOTA, 'zh-CN')!.next).toContain('每小时自动重新提交');
  });

  it('answers nothing for a code it does not know', () => {
    expect(explainErrcode(12345, 'en')).toBeUndefined();
  });
});

import { BadRequestError } from '../../../../functions/lib/errors';
import { parseWeChatXml } from '../../../../functions/lib/wechat/xml';

describe('Function: parseWeChatXml', () => {
  const refused = (text: string) => {
    try {
      parseWeChatXml(text);
    } catch (error) {
      expect(error).toBeInstanceOf(BadRequestError);
      return (error as BadRequestError).code;
    }
    throw new Error('expected the XML to be refused');
  };

  it('answers the content of <xml>, CDATA unwrapped and every value kept a string', () => {
    expect(parseWeChatXml('<xml><AppId><![CDATA[wx1]]></AppId><CreateTime>0012</CreateTime><Ticket>  1e3  </Ticket></xml>')).toEqual({ AppId: 'wx1', CreateTime: '0012', Ticket: '1e3' });
  });

  it('keeps nested elements (fast registration’s info)', () => {
    expect(parseWeChatXml('<xml><info><taskid>77</taskid><name>shop</name></info></xml>')).toEqual({ info: { taskid: '77', name: 'shop' } });
  });

  it.each([
    ['a DTD', '<!DOCTYPE xml [<!ENTITY e "boom">]><xml><A>&e;</A></xml>'],
    ['an entity declaration', '<!ENTITY e SYSTEM "file:///etc/passwd"><xml><A>&e;</A></xml>'],
    ['unclosed elements', '<xml><A>1</xml>'],
    ['another root element', '<message><A>1</A></message>'],
    ['an empty <xml/>', '<xml></xml>'],
    ['nesting deeper than WeChat ever sends', `<xml>${'<a>'.repeat(12)}x${'</a>'.repeat(12)}</xml>`],
  ])('refuses %s as malformed_xml', (_, text) => {
    expect(refused(text)).toBe('malformed_xml');
  });
});

import { startWeappSim, type Json, type WeappSim } from './weapp-helpers';

/** The platform's draft box and template library (component token). */
describe('WeChat simulator: code templates', () => {
  let w: WeappSim;

  beforeEach(async () => {
    w = await startWeappSim({ templateLibraryLimit: 3 });
  });
  afterEach(() => w.stop());

  it('lists the three seeded drafts, and drafts added by the test', async () => {
    const answer = await w.componentGet('/wxa/gettemplatedraftlist');
    expect(answer.errcode).toBe(0);
    expect(answer.draft_list).toHaveLength(3);
    expect(answer.draft_list[0]).toEqual({
      create_time: expect.any(Number),
      user_version: '1.0.0',
      user_desc: expect.any(String),
      draft_id: expect.any(Number),
      source_miniprogram_appid: expect.stringMatching(/^wx/),
      source_miniprogram: expect.any(String),
      developer: expect.any(String),
    });
    const draft = w.sim.addDraft({ userVersion: '2.0.0', userDesc: 'new checkout' });
    const after = await w.componentGet('/wxa/gettemplatedraftlist');
    expect(after.draft_list.map((d: Json) => [d.draft_id, d.user_version])).toContainEqual([draft.draftId, '2.0.0']);
  });

  it('turns drafts into templates, lists them by type and deletes them', async () => {
    const [first, second] = (await w.componentGet('/wxa/gettemplatedraftlist')).draft_list as Json[];
    expect(await w.componentPost('/wxa/addtotemplate', { draft_id: first!.draft_id, template_type: 0 })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await w.componentPost('/wxa/addtotemplate', { draft_id: String(second!.draft_id), template_type: 1 })).toMatchObject({ errcode: 0 });

    const all = (await w.componentGet('/wxa/gettemplatelist')).template_list as Json[];
    expect(all.map((t) => [t.user_version, t.template_type])).toEqual([
      ['1.0.0', 0],
      ['1.1.0', 1],
    ]);
    expect(all[0]).toMatchObject({ template_id: expect.any(Number), user_desc: first!.user_desc, create_time: expect.any(Number), draft_id: first!.draft_id });
    expect(((await w.componentGet('/wxa/gettemplatelist', { template_type: '1' })).template_list as Json[]).map((t) => t.user_version)).toEqual(['1.1.0']);
    expect(await w.componentGet('/wxa/gettemplatelist', { template_type: '7' })).toMatchObject({ errcode: 40097 });

    expect(await w.componentPost('/wxa/deletetemplate', { template_id: all[0]!.template_id })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect((await w.componentGet('/wxa/gettemplatelist')).template_list).toHaveLength(1);
    expect(await w.componentPost('/wxa/deletetemplate', { template_id: all[0]!.template_id })).toMatchObject({ errcode: 85064 });
  });

  it('answers an unknown draft with 85064, a bad template_type with 40097', async () => {
    expect(await w.componentPost('/wxa/addtotemplate', { draft_id: 9999, template_type: 0 })).toMatchObject({ errcode: 85064 });
    expect(await w.componentPost('/wxa/addtotemplate', { draft_id: w.sim.state.drafts[0]!.draftId, template_type: 2 })).toMatchObject({ errcode: 40097 });
  });

  it('caps the library (85065 once full)', async () => {
    const draftId = w.sim.state.drafts[0]!.draftId;
    for (let i = 0; i < 3; i++) expect(await w.componentPost('/wxa/addtotemplate', { draft_id: draftId, template_type: 0 })).toMatchObject({ errcode: 0 });
    expect(await w.componentPost('/wxa/addtotemplate', { draft_id: draftId, template_type: 0 })).toMatchObject({ errcode: 85065 });
  });

  it('takes the component token as access_token, answering 41001 under component_access_token, and checks the JSON body', async () => {
    expect(await fetch(`${w.sim.url}/wxa/gettemplatedraftlist`).then((r) => r.json())).toMatchObject({ errcode: 41001 });
    for (const [method, path] of [['GET', '/wxa/gettemplatedraftlist'], ['POST', '/wxa/addtotemplate'], ['GET', '/wxa/gettemplatelist'], ['POST', '/wxa/deletetemplate']] as const) {
      const init = method === 'POST' ? { method, body: '{}', headers: { 'content-type': 'application/json' } } : { method };
      // The name the /cgi-bin/component/* APIs use is not read here: the token is missing.
      expect(await fetch(`${w.sim.url}${path}?component_access_token=${w.componentToken}`, init).then((r) => r.json())).toMatchObject({ errcode: 41001 });
    }
    expect(await fetch(`${w.sim.url}/wxa/gettemplatelist?access_token=${w.componentToken}`).then((r) => r.json())).toMatchObject({ errcode: 0 });
    expect(await fetch(`${w.sim.url}/wxa/gettemplatelist?access_token=forged`).then((r) => r.json())).toMatchObject({ errcode: 40001 });
    // An authorizer token is not a component token.
    expect(await fetch(`${w.sim.url}/wxa/gettemplatelist?access_token=${w.token}`).then((r) => r.json())).toMatchObject({ errcode: 40001 });
    const empty = await fetch(`${w.sim.url}/wxa/addtotemplate?access_token=${w.componentToken}`, { method: 'POST' });
    expect(await empty.json()).toMatchObject({ errcode: 47001 });
  });
});

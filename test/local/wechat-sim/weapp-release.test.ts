import { commit, startWeappSim, type Json, type WeappSim } from './weapp-helpers';

/** Release, rollback, gray release, visibility and version info. Audits are finished with completeAudits(). */
describe('WeChat simulator: release', () => {
  let w: WeappSim;
  let now: number;

  beforeEach(async () => {
    w = await startWeappSim({ auditDelayMs: 60_000 });
    now = Date.UTC(2025, 2, 10, 4, 0, 0);
    w.sim.state.now = () => now;
  });
  afterEach(() => w.stop());

  /** Commit, submit and pass an audit of `userVersion`; returns the audit id. */
  const passAudit = async (userVersion: string): Promise<number> => {
    now += 60_000;
    await commit(w, { userVersion, userDesc: `version ${userVersion}` });
    const { auditid } = await w.post('/wxa/submit_audit', {});
    await w.sim.completeAudits();
    return auditid as number;
  };
  const release = () => w.post('/wxa/release', {});
  const online = () => w.sim.app(w.appId).online?.version.userVersion;

  describe('release', () => {
    it('needs a passed audit (85019), not one under review (85020), and releases it once (85052)', async () => {
      expect(await release()).toMatchObject({ errcode: 85019 });
      await commit(w);
      await w.post('/wxa/submit_audit', {});
      expect(await release()).toMatchObject({ errcode: 85020 });
      await w.sim.completeAudits();
      expect(await release()).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(online()).toBe('1.0.0');
      expect(await release()).toMatchObject({ errcode: 85052 });
    });

    it('wants a JSON body: none at all is 47001', async () => {
      await passAudit('1.0.0');
      const bare = await fetch(`${w.sim.url}/wxa/release?access_token=${w.token}`, { method: 'POST' });
      expect(await bare.json()).toMatchObject({ errcode: 47001 });
      expect(online()).toBeUndefined();
      expect(await release()).toMatchObject({ errcode: 0 });
    });

    it('drops the mini program’s own domains for the platform’s once released', async () => {
      await w.post('/wxa/modify_domain', { action: 'add', requestdomain: ['https://api.example.com'] });
      w.sim.app(w.appId).mpDomains.requestdomain.push('https://own.example.net');
      expect((await w.post('/wxa/get_effective_domain', {})).effective_domain.requestdomain).toEqual(['https://own.example.net', 'https://api.example.com']);
      await passAudit('1.0.0');
      await release();
      expect((await w.post('/wxa/get_effective_domain', {})).effective_domain.requestdomain).toEqual(['https://api.example.com']);
      expect(w.sim.authorizers[0]!.miniProgramInfo.network.RequestDomain).toEqual(['https://api.example.com']);
    });
  });

  describe('revertcoderelease', () => {
    it('goes back one release only', async () => {
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 87012 });
      await passAudit('1.0.0');
      await release();
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 87012 });
      await passAudit('2.0.0');
      await release();
      await passAudit('3.0.0');
      await release();
      expect(await w.get('/wxa/revertcoderelease')).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(online()).toBe('2.0.0');
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 87012 });
      // A new release can be rolled back again.
      await passAudit('4.0.0');
      await release();
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 0 });
      expect(online()).toBe('2.0.0');
    });

    it('lists the history and reverts to a listed app_version (87012 for others)', async () => {
      for (const version of ['1.0.0', '2.0.0', '3.0.0']) {
        await passAudit(version);
        await release();
      }
      const history = await w.get('/wxa/revertcoderelease', { action: 'get_history_version' });
      expect(history.errcode).toBe(0);
      expect(history.version_list.map((v: Json) => [v.app_version, v.user_version, v.user_desc])).toEqual([
        [2, '2.0.0', 'version 2.0.0'],
        [1, '1.0.0', 'version 1.0.0'],
      ]);
      expect(history.version_list[0].commit_time).toEqual(expect.any(Number));
      expect(await w.get('/wxa/revertcoderelease', { app_version: '3' })).toMatchObject({ errcode: 87012 });
      expect(await w.get('/wxa/revertcoderelease', { app_version: '1' })).toMatchObject({ errcode: 0 });
      expect(online()).toBe('1.0.0');
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 87012 });
    });
  });

  describe('gray release', () => {
    it('needs an online version (85079) and a passed audit (85080); an integer percentage up to 100 (85081)', async () => {
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 10 })).toMatchObject({ errcode: 85080 });
      await passAudit('1.0.0');
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 10 })).toMatchObject({ errcode: 85079 });
      await release();
      await passAudit('2.0.0');
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 0 })).toMatchObject({ errcode: 85081 });
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 101 })).toMatchObject({ errcode: 85081 });
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 10 })).toEqual({ errcode: 0, errmsg: 'ok' });
    });

    it('takes 0 % only with a tester-first flag, integers only (85081), and reports the flags in the plan', async () => {
      await passAudit('1.0.0');
      await release();
      await passAudit('2.0.0');
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 0 })).toMatchObject({ errcode: 85081 });
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 10.5 })).toMatchObject({ errcode: 85081 });
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 0, support_experiencer_first: true })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect((await w.get('/wxa/getgrayreleaseplan')).gray_release_plan).toEqual({
        status: 1, create_timestamp: Math.floor(now / 1000), gray_percentage: 0, support_experiencer_first: true, support_debuger_first: false,
      });
      // Gray is not a release: the version online is still the old one.
      expect(online()).toBe('1.0.0');
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 100 })).toMatchObject({ errcode: 0 });
      expect((await w.get('/wxa/getgrayreleaseplan')).gray_release_plan).toMatchObject({ status: 1, gray_percentage: 100 });
    });

    it('is completed by release: the version goes online for everyone, the plan is finished, and the version cannot be grayed again (85080)', async () => {
      await passAudit('1.0.0');
      await release();
      await passAudit('2.0.0');
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 10 })).toMatchObject({ errcode: 0 });
      expect(await release()).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(online()).toBe('2.0.0');
      expect((await w.get('/wxa/getgrayreleaseplan')).gray_release_plan).toMatchObject({ status: 3 });
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 20 })).toMatchObject({ errcode: 85080 });
      expect(await release()).toMatchObject({ errcode: 85052 });
      // With the plan finished, rollback works again.
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 0 });
    });

    it('runs a plan that only goes up, blocks rollback (87011), and ends by full release or revert', async () => {
      expect(await w.get('/wxa/getgrayreleaseplan')).toMatchObject({ errcode: 0, gray_release_plan: { status: 0, create_timestamp: 0, gray_percentage: 0 } });
      await passAudit('1.0.0');
      await release();
      await passAudit('2.0.0');
      await release();
      await passAudit('3.0.0');
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 20 })).toMatchObject({ errcode: 0 });
      expect((await w.get('/wxa/getgrayreleaseplan')).gray_release_plan).toMatchObject({ status: 1, create_timestamp: Math.floor(now / 1000), gray_percentage: 20 });
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 10 })).toMatchObject({ errcode: 85082 });
      expect(await w.post('/wxa/grayrelease', { gray_percentage: 50 })).toMatchObject({ errcode: 0 });
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 87011 });

      expect(await w.get('/wxa/revertgrayrelease')).toEqual({ errcode: 0, errmsg: 'ok' });
      expect((await w.get('/wxa/getgrayreleaseplan')).gray_release_plan).toMatchObject({ status: 4, gray_percentage: 50 });
      expect(await w.get('/wxa/revertcoderelease')).toMatchObject({ errcode: 0 });
      expect(online()).toBe('1.0.0');

      expect(await w.post('/wxa/grayrelease', { gray_percentage: 30 })).toMatchObject({ errcode: 0 });
      expect(await release()).toMatchObject({ errcode: 0 });
      expect(online()).toBe('3.0.0');
      expect((await w.get('/wxa/getgrayreleaseplan')).gray_release_plan).toMatchObject({ status: 3 });
    });
  });

  describe('visibility and versions', () => {
    it('change_visitstatus closes and opens (85021 when unchanged, 85022 for other actions)', async () => {
      expect(await w.post('/wxa/change_visitstatus', { action: 'open' })).toMatchObject({ errcode: 85021 });
      expect(await w.post('/wxa/change_visitstatus', { action: 'close' })).toEqual({ errcode: 0, errmsg: 'ok' });
      expect(w.sim.app(w.appId).visitStatus).toBe('close');
      expect(await w.post('/wxa/change_visitstatus', { action: 'hide' })).toMatchObject({ errcode: 85022 });
      expect(await w.post('/wxa/change_visitstatus', { action: 'open' })).toMatchObject({ errcode: 0 });
    });

    it('getversioninfo reports the experience and the online version once they exist', async () => {
      expect(await w.post('/wxa/getversioninfo', {})).toEqual({ errcode: 0, errmsg: 'ok' });
      await passAudit('1.0.0');
      const committedAt = Math.floor(now / 1000);
      now += 5000;
      await release();
      expect(await w.post('/wxa/getversioninfo', {})).toEqual({
        errcode: 0,
        errmsg: 'ok',
        exp_info: { exp_time: committedAt, exp_version: '1.0.0', exp_desc: 'version 1.0.0' },
        release_info: { release_time: Math.floor(now / 1000), release_version: '1.0.0', release_desc: 'version 1.0.0' },
      });
    });
  });
});

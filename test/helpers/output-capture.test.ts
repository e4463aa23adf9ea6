import { secretSweep } from './secret-sweep-state';
import { OutputCapture } from './output-capture';

describe('Class: OutputCapture', () => {
  it('keeps what the handlers write and still hands it to the secret sweep', () => {
    const out = new OutputCapture();
    const line = JSON.stringify({ level: 'INFO', message: 'captured and swept', timestamp: new Date().toISOString() });
    out.start();
    try {
      process.stdout.write(`${line}\n`);
      process.stderr.write(Buffer.from('written as bytes\n'));
    } finally {
      out.stop();
    }
    expect(out.logs('captured and swept')).toHaveLength(1);
    expect(out.lines).toContain('written as bytes');
    const swept = secretSweep.texts.filter((t) => t.where === 'log').map((t) => t.text);
    expect(swept).toContain(`${line}\n`);
    expect(swept).toContain('written as bytes\n');
  });
});

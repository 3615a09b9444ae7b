import { describe, expect, it } from 'vitest';
import { buildReport, formatConsoleSummary, formatMarkdownSummary, redactSecrets } from '../src/report/index.js';
import { BASE_INPUT, makeMeasurements, makeScenario } from './report-fixture.js';

const PASSWORD = 's3cr3t-Pw@rd';

describe('redactSecrets', () => {
  it('masks the password of URLs in any string, keeping user and host', () => {
    expect(redactSecrets(`redis://admin:${PASSWORD}@db.internal:6379/0`)).toBe('redis://admin:***@db.internal:6379/0');
    expect(redactSecrets(`redis://:${PASSWORD}@db.internal:6379`)).toBe('redis://:***@db.internal:6379');
    expect(redactSecrets('nodes redis://a:x1@h1:1,redis://b:x2@h2:2 ok')).toBe('nodes redis://a:***@h1:1,redis://b:***@h2:2 ok');
    expect(redactSecrets('postgres://db.internal:5432/locks')).toBe('postgres://db.internal:5432/locks');
  });

  it('masks credential-named fields at any depth and leaves the input untouched', () => {
    const input = { type: 'module', options: { Password: 'p1', nested: [{ token: 't1', auth: { user: 'u' } }], pass: 'p2', secret: 42, port: 6379 } };
    const redacted = redactSecrets(input);
    expect(redacted).toEqual({ type: 'module', options: { Password: '***', nested: [{ token: '***', auth: '***' }], pass: '***', secret: '***', port: 6379 } });
    expect(input.options.Password).toBe('p1');
  });
});

describe('a report never carries a URL password', () => {
  it('is absent from report.json, the console summary and the markdown summary', () => {
    const url = `redis://admin:${PASSWORD}@db.internal:6379/0`;
    const scenario = makeScenario({
      description: `seat locks on ${url}`,
      backend: { type: 'module', path: '/opt/locks/backend.js', options: { url, password: PASSWORD, nodes: [`redis://:${PASSWORD}@n2:6379`] } },
    });
    const report = buildReport({ ...BASE_INPUT, measurements: makeMeasurements(), scenario, backend: { type: 'redis', url, auth: PASSWORD } });

    for (const text of [JSON.stringify(report), formatConsoleSummary(report), formatMarkdownSummary(report)]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('s3cr3t');
    }
    expect(report.backend).toEqual({ outages: [], type: 'redis', url: 'redis://admin:***@db.internal:6379/0', auth: '***' });
    expect(report.scenario.description).toBe('seat locks on redis://admin:***@db.internal:6379/0');
    // the caller's scenario is not modified
    expect(scenario.description).toContain(PASSWORD);
  });
});

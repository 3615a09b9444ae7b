import { describe, expect, it } from 'vitest';
import { describeBackend, resolveBackend } from '../../src/backends/registry.js';
import { loadScenarioText } from '../../src/scenario/index.js';

/** One minimal, valid backend map per built-in type (nothing is connected). */
const BACKENDS = [
  '{ type: memory }',
  '{ type: redis, url: "redis://:pw@127.0.0.1:6379" }',
  '{ type: redis-cluster, urls: "redis://127.0.0.1:7000,redis://127.0.0.1:7001" }',
  '{ type: redlock, urls: "redis://127.0.0.1:6379,redis://127.0.0.1:6380,redis://127.0.0.1:6381" }',
  '{ type: postgres, url: "postgres://u:pw@127.0.0.1:5432/db" }',
  '{ type: mysql, url: "mysql://u:pw@127.0.0.1:3306/db" }',
  '{ type: etcd, urls: "http://127.0.0.1:2379" }',
  '{ type: zookeeper, connect: "127.0.0.1:2181" }',
];

describe('backend registry', () => {
  for (const backend of BACKENDS) {
    it(`finds a factory for ${backend}`, async () => {
      const { scenario } = loadScenarioText(`name: r\nbackend: ${backend}\nusers: 1\nduration: 1s\n`, 'registry.yaml');
      const resolved = await resolveBackend(scenario.backend);
      expect(resolved.factory.type).toBe(scenario.backend.type);
      expect(typeof resolved.factory.create).toBe('function');
      expect(describeBackend(scenario.backend).type).toBe(scenario.backend.type);
    });
  }
});

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { describe, expect, it } from 'vitest';
import { packageManifest } from '../../scripts/teams-package.ts';

const schema = JSON.parse(readFileSync('test/schemas/teams-manifest.schema.json', 'utf8'));
const APP = '3f6c9e2a-1b7d-4c8e-9f0a-5d4c3b2a1908';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const png = readFileSync(path);
  expect(png.subarray(1, 4).toString()).toBe('PNG');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('Teams app manifest', () => {
  it('is valid against the official v1.30 schema, as shipped and as packaged', async () => {
    const shipped = JSON.parse(readFileSync('manifest/teams/manifest.json', 'utf8'));
    expect(await AppManifestUtils.validateAgainstSchema(shipped, schema)).toEqual([]);
    const packaged = JSON.parse(packageManifest(APP, 'pim.contoso.com'));
    expect(await AppManifestUtils.validateAgainstSchema(packaged, schema)).toEqual([]);
    expect(packaged.bots[0].botId).toBe(APP);
    expect(packaged.validDomains).toEqual(['pim.contoso.com']);
    const broken = { ...shipped, manifestVersion: '1.29', icons: { color: 'color.png' } };
    expect((await AppManifestUtils.validateAgainstSchema(broken, schema)).length).toBeGreaterThan(
      0,
    );
  });

  it('lists the bot commands and ships valid icons', () => {
    const manifest = JSON.parse(readFileSync('manifest/teams/manifest.json', 'utf8'));
    const titles = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual([
      'help',
      'roles',
      'status',
      'cancel',
      'deactivate',
      'extend',
      'history',
      'export',
    ]);
    expect(pngSize('manifest/teams/color.png')).toEqual([192, 192]);
    expect(pngSize('manifest/teams/outline.png')).toEqual([32, 32]);
  });

  it('zips the app package with the script', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'elevate-pkg-'));
    try {
      const out = join(dir, 'app.zip');
      await promisify(execFile)(process.execPath, ['scripts/teams-package.ts', APP, out]);
      const zip = readFileSync(out);
      expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
      for (const name of ['manifest.json', 'color.png', 'outline.png'])
        expect(zip.includes(Buffer.from(name))).toBe(true);
      await expect(
        promisify(execFile)(process.execPath, ['scripts/teams-package.ts', 'not-a-guid', out]),
      ).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

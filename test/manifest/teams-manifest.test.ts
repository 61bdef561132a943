import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/core/commands/parse.ts';
import type { RoleEntry } from '../../bot/core/domain/target.ts';
import { packageManifest } from '../../scripts/teams-package.ts';

const schema = JSON.parse(readFileSync('test/schemas/teams-manifest.schema.json', 'utf8'));
const APP = '3f6c9e2a-1b7d-4c8e-9f0a-5d4c3b2a1908';
const ROLE: RoleEntry = {
  kind: 'directory_role',
  id: '29232cdf-9323-42fd-ade2-1d097af3e4de',
  name: 'Exchange Administrator',
  aliases: [],
};

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

  it('asks for no Teams single sign-on: the MFA sign-in is a browser link', () => {
    const shipped = JSON.parse(readFileSync('manifest/teams/manifest.json', 'utf8'));
    const packaged = JSON.parse(packageManifest(APP, 'pim.contoso.com'));
    expect(shipped.webApplicationInfo).toBeUndefined();
    expect(packaged.webApplicationInfo).toBeUndefined();
  });

  it('lists the bot commands and ships valid icons', () => {
    const manifest = JSON.parse(readFileSync('manifest/teams/manifest.json', 'utf8'));
    const titles = manifest.bots[0].commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual([
      'request',
      'help',
      'roles',
      'status',
      'cancel',
      'deactivate',
      'extend',
      'history',
      'export',
      'whocan',
    ]);
    expect(pngSize('manifest/teams/color.png')).toEqual([192, 192]);
    expect(pngSize('manifest/teams/outline.png')).toEqual([32, 32]);
  });

  it('every command in the menu is one the bot understands, typed alone as Teams inserts it', () => {
    const manifest = JSON.parse(readFileSync('manifest/teams/manifest.json', 'utf8'));
    const ctx = { roles: [ROLE], now: Date.UTC(2026, 0, 1), timezone: 'UTC' };
    for (const { title } of manifest.bots[0].commandLists[0].commands as { title: string }[]) {
      const parsed = parseCommand(title, ctx);
      // Commands that need an argument answer how to give it; none is taken for a role name.
      if (!parsed.ok) expect.soft(parsed.error.code, title).toBe('command.missing_argument');
      else expect.soft(parsed.value.kind, title).toBe(title);
    }
    // `request` alone opens the form; with the rest it is the request itself.
    expect(parseCommand('request', ctx)).toMatchObject({
      ok: true,
      value: { kind: 'request', missing: ['role', 'duration', 'reason'] },
    });
    expect(parseCommand('request Exchange Administrator 2h fixing mail flow', ctx)).toMatchObject({
      ok: true,
      value: {
        kind: 'request',
        targets: [{ kind: 'directory_role', role: ROLE }],
        durationSeconds: 7200,
        missing: [],
      },
    });
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

/**
 * `npm run teams:package -- <bot app id> [out.zip]`: the Teams app package (manifest.json with
 * the bot's Microsoft App ID, and the two icons) to upload in Teams admin center or Teams.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import yazl from 'yazl';

export function packageManifest(appId: string, host?: string): string {
  const manifest = JSON.parse(readFileSync('manifest/teams/manifest.json', 'utf8')) as Record<
    string,
    unknown
  >;
  const text = JSON.stringify(manifest, null, 2).replaceAll(
    '00000000-0000-4000-8000-000000000000',
    appId,
  );
  return host ? text.replaceAll('elevate.example.com', host) : text;
}

export function writePackage(appId: string, out: string, host?: string): Promise<void> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(packageManifest(appId, host)), 'manifest.json');
  zip.addFile('manifest/teams/color.png', 'color.png');
  zip.addFile('manifest/teams/outline.png', 'outline.png');
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(createWriteStream(out)).on('close', resolve).on('error', reject);
  });
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
if (process.argv[1]?.endsWith('teams-package.ts')) {
  const [appId, out = 'elevate-teams.zip', host] = process.argv.slice(2);
  if (!appId || !GUID.test(appId)) {
    console.error(
      "Give the Azure Bot's Microsoft App ID: npm run teams:package -- <app id> [out.zip] [host]",
    );
    process.exit(1);
  }
  await writePackage(appId, out, host);
  console.log(`wrote ${out}`);
}

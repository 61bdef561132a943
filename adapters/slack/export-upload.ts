/**
 * The audit export as a Slack file without holding it in memory: web-api's filesUploadV2
 * reads a stream into one buffer, so this does the same three steps of Slack's external
 * upload itself. The CSV is streamed to a temporary file (Slack wants the length first),
 * then streamed from it to the upload URL, then shared to the DM.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { WebClient } from '@slack/web-api';

export interface SlackFile {
  readonly channelId: string;
  readonly filename: string;
  readonly title: string;
  readonly comment: string;
}

export async function uploadStream(
  client: WebClient,
  content: Readable,
  file: SlackFile,
): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'elevate-export-'));
  const path = join(dir, file.filename);
  try {
    await pipeline(content, createWriteStream(path, { mode: 0o600 }));
    const { size } = await stat(path);
    const target = await client.files.getUploadURLExternal({
      filename: file.filename,
      length: size,
    });
    if (!target.upload_url || !target.file_id)
      throw new Error('Slack gave no upload URL for the export');
    const sent = await fetch(target.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'content-length': String(size) },
      body: Readable.toWeb(createReadStream(path)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (!sent.ok) throw new Error(`Slack refused the export upload (HTTP ${sent.status})`);
    await client.files.completeUploadExternal({
      files: [{ id: target.file_id, title: file.title }],
      channel_id: file.channelId,
      initial_comment: file.comment,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

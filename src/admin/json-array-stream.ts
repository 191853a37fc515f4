import { Readable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import { GITLAB_JSON } from './gitlab-json.middleware.js';

/** Rows per database read: large enough that a 100,000-row list is a hundred reads, small enough to stream. */
export const STREAM_CHUNK = 1000;

/**
 * A JSON array written as it is read, chunk by chunk in id order: GitLab's identity lists are not
 * paged, and 100,000 identities must neither be held in memory nor wait for the last read to start.
 * `next(afterId)` gives the rows after an id; an empty chunk ends the array. A chunk is read only
 * when the client has taken the previous one (Readable's backpressure).
 */
export function streamJsonArray<R extends { id: number }>(next: (afterId: number) => Promise<R[]>, view: (row: NoInfer<R>) => unknown): StreamableFile {
  async function* chunks(): AsyncGenerator<string> {
    yield '[';
    let afterId = 0;
    let first = true;
    for (;;) {
      const rows = await next(afterId);
      if (rows.length === 0) break;
      let text = '';
      for (const row of rows) {
        text += (first ? '' : ',') + JSON.stringify(view(row));
        first = false;
      }
      yield text;
      afterId = rows[rows.length - 1].id;
      if (rows.length < STREAM_CHUNK) break;
    }
    yield ']';
  }
  return new StreamableFile(Readable.from(chunks()), { type: GITLAB_JSON });
}

import type { Connection } from 'mysql2/promise';
import unhomoglyph from 'unhomoglyph';
import {
  selectUsersWithoutSkeleton,
  setUsernameSkeleton,
  setUsernameSkeletons,
} from './tables/users.ts';

/** The column holds up to this many characters (32 characters, each at most 7 once mapped). */
const SKELETON_MAX = 255;

/**
 * What a username looks like, for telling two apart: `аdmin` (Cyrillic а), `ADMIN` and `ａｄｍｉｎ`
 * all give `adrnin`, as `admin` does. The UTS #39 skeleton (NFD, Unicode's confusables.txt
 * mapping, NFD) of the NFKC, lower-cased name, lower-cased again since the mapping's prototypes
 * are often capitals. Case folds first so that case and look-alikes combine (`АDMIN`); the price
 * is that a capital I is taken for an i, never for an l. Only for comparing: never shown.
 */
export function usernameSkeleton(username: string): string {
  const folded = username.normalize('NFKC').toLowerCase().normalize('NFD');
  const skeleton = unhomoglyph(folded).normalize('NFD').toLowerCase();
  return Array.from(skeleton).slice(0, SKELETON_MAX).join('');
}

const FILL_BATCH = 1000;

/**
 * Gives the accounts made before usernames had a skeleton theirs (migration 007). Oldest first:
 * when two existing names look alike, the older account keeps the skeleton and the younger is
 * left NULL (the UNIQUE key lets NULLs be), so the younger blocks no one and keeps its login.
 * Returns the ids left without one.
 */
export async function fillUsernameSkeletons(conn: Connection): Promise<number[]> {
  const clashes: number[] = [];
  for (let after = 0; ;) {
    const rows = await selectUsersWithoutSkeleton(conn, after, FILL_BATCH);
    if (rows.length === 0) return clashes;
    const batch = rows.map((r) => ({ id: Number(r.id), skeleton: usernameSkeleton(r.username) }));
    after = batch[batch.length - 1]!.id;
    try {
      await setUsernameSkeletons(conn, batch);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ER_DUP_ENTRY') throw err;
      // Some name of the batch clashes: one at a time, in id order, so the older one wins.
      for (const b of batch) {
        try {
          await setUsernameSkeleton(conn, b.id, b.skeleton);
        } catch (e) {
          if ((e as { code?: string }).code !== 'ER_DUP_ENTRY') throw e;
          clashes.push(b.id);
        }
      }
    }
  }
}

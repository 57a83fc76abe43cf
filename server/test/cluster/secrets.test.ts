import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@seckill/test-stack';

// scripts/lib.sh's ensure_secrets, which start.sh, dev.sh and cluster.sh run first: each signing
// key generated once into .env (mode 0600), reused after, a public or short one replaced, and a
// bad one in the shell refused. Run in a folder of its own, never on the repository's .env.
const LIB = join(REPO_ROOT, 'scripts/lib.sh');
const OLD_DEFAULT = 'dev-only-secret-change-me';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function ensureSecrets(env: Record<string, string> = {}) {
  dir ||= mkdtempSync(join(tmpdir(), 'seckill-secrets-'));
  const { JWT_SECRET: _ignored, ...inherited } = process.env;
  const r = spawnSync('bash', ['-c', `source ${JSON.stringify(LIB)} && ensure_secrets`], {
    cwd: dir,
    env: { ...inherited, ...env },
    encoding: 'utf8',
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}
const envFile = () => join(dir, '.env');
const secretInFile = () => parseEnv(readFileSync(envFile(), 'utf8')).JWT_SECRET ?? '';
const mode = () => statSync(envFile()).mode & 0o777;

describe('ensure_secrets (scripts/lib.sh)', () => {
  it('generates JWT_SECRET once into a private .env, and reuses it', () => {
    const first = ensureSecrets();
    expect(first.status, first.out).toBe(0);
    expect(mode()).toBe(0o600);
    const secret = secretInFile();
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32);
    expect(secret).toMatch(/^[A-Za-z0-9_-]+$/);
    // Where it lives is said; the secret itself never is.
    expect(first.out).toContain(`kept in ${envFile()}`);
    expect(first.out).not.toContain(secret);

    const second = ensureSecrets();
    expect(second.status, second.out).toBe(0);
    expect(secretInFile()).toBe(secret);
    expect(second.out).not.toContain('generated');
  });

  it.each([
    ['the old public default', OLD_DEFAULT],
    ['a short one', 'x'.repeat(31)],
    ["the compose example's placeholder", 'change-me-to-48-random-hex-characters-0123456789ab'],
  ])('replaces %s in .env, keeps the other lines, and makes the file private', (_, weak) => {
    dir = mkdtempSync(join(tmpdir(), 'seckill-secrets-'));
    writeFileSync(envFile(), `PORT=9000\nJWT_SECRET=${weak}   # a comment\nLOG_LEVEL=debug\n`, {
      mode: 0o644,
    });
    const r = ensureSecrets();
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/JWT_SECRET in \.env was a public example or too short/);
    expect(mode()).toBe(0o600);
    const env = parseEnv(readFileSync(envFile(), 'utf8'));
    expect(env.JWT_SECRET).not.toBe(weak);
    expect(Buffer.byteLength(env.JWT_SECRET ?? '')).toBeGreaterThanOrEqual(32);
    expect({ PORT: env.PORT, LOG_LEVEL: env.LOG_LEVEL }).toEqual({
      PORT: '9000',
      LOG_LEVEL: 'debug',
    });
    expect(readFileSync(envFile(), 'utf8').match(/JWT_SECRET=/g)).toHaveLength(1);
  });

  it('lets a good JWT_SECRET of the shell win, and refuses a public or short one', () => {
    const good = ensureSecrets({ JWT_SECRET: 'y'.repeat(40) });
    expect(good.status, good.out).toBe(0);
    expect(good.out).toContain('JWT_SECRET: from the environment');
    // The file still gets one of its own, for the runs without it.
    expect(secretInFile()).not.toBe('y'.repeat(40));

    for (const weak of [OLD_DEFAULT, 'z'.repeat(20)]) {
      const r = ensureSecrets({ JWT_SECRET: weak });
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/JWT_SECRET in the environment is a public example or too short/);
      expect(r.out).not.toContain(weak);
    }
  });
});

// Cluster passwords in job_info are encrypted at rest when the operator configures a secret
// key (--secret_key / --secret_key_file / CCR_SECRET_KEY); otherwise they stay in plaintext so
// a Go syncer can read the same meta store. Reading accepts both forms, so turning the key on
// later re-encrypts each job the next time its job_info is written.
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { CcrError } from '../errors/ccr-error.js';
import { JobErrorCode } from './job-errors.js';

const PREFIX = 'enc:v1:';
// A fixed, versioned salt: the key must derive the same way on every syncer sharing the store.
const SALT = 'ccr-syncer/job-password/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PasswordCipher {
  /** True when a secret key is configured and new passwords are stored encrypted. */
  readonly encrypts: boolean;
  /** The stored form of a password (`enc:v1:…` with a key, the plaintext without). */
  seal(plain: string): string;
  /**
   * The plaintext of a stored password. `where` names the value for the error message
   * (for example `job j1 src.password`). Throws a CcrError naming the flag to set when the
   * value is encrypted and no key, or a different key, is configured.
   */
  open(stored: string, where: string): string;
}

/** Reads job_info without passwords, for listings and pages that never need them (and must not fail on a missing key). */
export const WITHOUT_PASSWORDS: PasswordCipher = { encrypts: false, seal: (p) => p, open: () => '' };

export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function createPasswordCipher(secretKey: string): PasswordCipher {
  const key = secretKey === '' ? undefined : scryptSync(secretKey, SALT, 32);
  return {
    encrypts: key !== undefined,
    seal(plain) {
      if (key === undefined || plain === '') return plain;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(stored, where) {
      if (!isSealed(stored)) return stored;
      if (key === undefined) {
        throw unreadable(`${where} is stored encrypted; start the syncer with the key it was written with (--secret_key, --secret_key_file or CCR_SECRET_KEY)`);
      }
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
      if (raw.length < IV_BYTES + TAG_BYTES) throw unreadable(`${where} is not a valid encrypted value; set the password again by recreating the job`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw unreadable(`${where} cannot be decrypted with the configured key; start the syncer with the --secret_key (or --secret_key_file) it was written with`);
      }
    },
  };
}

function unreadable(message: string): CcrError {
  return new CcrError(JobErrorCode.PASSWORD_UNREADABLE, message, { category: 'config', disposition: 'pause' });
}

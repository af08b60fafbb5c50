import * as path from 'path';

/**
 * Where the files that are not TypeScript live: src/ when the sources run (tests), lib/ when the
 * compiled tool runs; the compile copies them into lib/, which is what the npm package carries.
 */
const SRC = __dirname;

/**
 * The image layer of every host: files that make it look like Amazon Linux 2023 (see its README).
 * `runtime/machine.ts` copies it into each host; `provisioning/packages.ts` reads its package mapping.
 */
export const SHIMS_DIR = path.join(SRC, 'provisioning', 'shims');

/** The content of the AWS-owned SSM documents the tool can run, as AWS publishes it (`<name>.json`). */
export const AWS_DOCUMENTS_DIR = path.join(SRC, 'model', 'aws-documents');

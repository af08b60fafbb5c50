import * as path from 'path';

/**
 * The package's src/ folder, where the files that are not TypeScript live: the same path from src/
 * (tests) and from lib/ (the compiled tool), which both sit in the package.
 */
const SRC = path.resolve(__dirname, '..', 'src');

/**
 * The image layer of every host: files that make it look like Amazon Linux 2023 (see its README).
 * `runtime/machine.ts` copies it into each host; `provisioning/packages.ts` reads its package mapping.
 */
export const SHIMS_DIR = path.join(SRC, 'provisioning', 'shims');

/** The content of the AWS-owned SSM documents the tool can run, as AWS publishes it (`<name>.json`). */
export const AWS_DOCUMENTS_DIR = path.join(SRC, 'model', 'aws-documents');

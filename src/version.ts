// Kept in step with package.json: test/cli/basics.test.ts checks that --version prints package.json's version.
export const VERSION = '0.1.0';

import { Task, typescript } from 'projen';

/**
 * `readme:examples`: type-checks the TypeScript examples of the root README against the built
 * packages (the package READMEs are compiled by jsii-rosetta). A step of the root build, once the
 * libraries are compiled.
 */
export function addReadmeExamplesCheck(root: typescript.TypeScriptProject): Task {
  const task = root.addTask('readme:examples', {
    description: 'Type-check the TypeScript examples of README.md against the built packages',
    exec: 'node scripts/check-readme-examples.mjs README.md',
  });
  root.gitignore.exclude('/.readme-examples');
  return task;
}

import * as fs from 'fs';
import * as path from 'path';

/** The package's README, as npm shows it. */
export const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');

/** The app of a user that the README's "Use it in your own app" shows, file by file. */
export const USER_APP = path.join(__dirname, '..', 'examples', 'my-app');

/** The commands of "Use it in your own app", in order, as a user types them in the project. */
export function readmeCommands(): string[] {
  const match = /<!-- commands:[^>]*-->\n```sh\n([\s\S]*?)```/.exec(README);
  if (!match) throw new Error('README.md has no <!-- commands: ... --> block');
  return match[1].split('\n').map(l => l.trim()).filter(l => l !== '' && !l.startsWith('#'));
}


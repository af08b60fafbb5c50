/**
 * Maps the packages a playbook installs with pip (into a virtualenv, on Amazon Linux) to the Debian
 * packages that provide the same modules for Debian's /usr/bin/python3 and its uWSGI plugin.
 */
const PIP_TO_DEBIAN: Record<string, string[]> = {
  uwsgi: ['uwsgi-core', 'uwsgi-plugin-python3'],
  flask: ['python3-flask'],
  werkzeug: ['python3-werkzeug'],
  jinja2: ['python3-jinja2'],
  requests: ['python3-requests'],
  pyyaml: ['python3-yaml'],
};

/** The Debian packages for a pip requirement such as `flask==3.1.1`; Debian's naming rule otherwise. */
export function debianPackagesForPip(requirement: string): string[] {
  const name = pipName(requirement);
  return PIP_TO_DEBIAN[name] ?? [`python3-${name.replace(/_/g, '-')}`];
}

/** The normalized project name of a pip requirement line. */
export function pipName(requirement: string): string {
  return requirement.trim().split(/[\s=<>!~;\[]/)[0].toLowerCase().replace(/_/g, '-');
}

/** Requirement lines of a requirements.txt (comments and options dropped). */
export function readRequirements(text: string): string[] {
  return text.split('\n').map(l => l.replace(/#.*/, '').trim()).filter(l => l && !l.startsWith('-'));
}

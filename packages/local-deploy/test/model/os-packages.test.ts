import { debianPackagesForPip, readRequirements } from '../../src/model/os-packages';

describe('pip to Debian packages', () => {
  test.each([
    ['uwsgi==2.0.28', ['uwsgi-core', 'uwsgi-plugin-python3']],
    ['flask==3.1.1', ['python3-flask']],
    ['Jinja2>=3', ['python3-jinja2']],
    ['python_dateutil', ['python3-python-dateutil']],
  ])('%s', (requirement, expected) => {
    expect(debianPackagesForPip(requirement)).toEqual(expected);
  });

  test('reads requirements.txt without comments and options', () => {
    expect(readRequirements('# app\nflask==3.1.1\n-r other.txt\n\nrequests # http\n')).toEqual(['flask==3.1.1', 'requests']);
  });
});

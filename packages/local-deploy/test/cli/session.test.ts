import { Session } from '../../src/cli/session';
import { LocalDeployment } from '../../src/deploy/deployment';

/** A deployment whose teardown takes a while and is counted. */
function fakeDeployment(id: string) {
  const downs = { count: 0 };
  const deployment = {
    names: { id },
    down: () => {
      downs.count++;
      return new Promise<void>(resolve => setTimeout(resolve, 20));
    },
  } as unknown as LocalDeployment;
  return { deployment, downs };
}

describe('Session.tearDown', () => {
  test('tears a deployment down once, however often it is asked, and says so once', async () => {
    const lines: string[] = [];
    const session = new Session(line => lines.push(line));
    const { deployment, downs } = fakeDeployment('ab12');

    const [first, second] = await Promise.all([session.tearDown(deployment), session.tearDown(deployment)]);
    await session.tearDown(deployment);

    expect(downs.count).toBe(1);
    expect(first).toBe(second);
    expect(first).toBeGreaterThan(0);
    expect(lines.filter(l => l.includes('deployment ab12 is left'))).toHaveLength(1);
  });
});

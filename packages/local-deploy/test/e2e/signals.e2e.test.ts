/**
 * End-to-end tests of resource signals: every instance's provisioning signals its resource's
 * CreationPolicy with cfn-signal, and the deployment waits for them as CloudFormation does. They
 * need root on Linux and skip (saying so) otherwise. Requests go to 127.0.0.1 or into the
 * namespaces the tool created; every loop is bounded.
 */
import * as fs from 'fs';
import { deploymentId, leftoversAfter, namespacedPids, runTool } from './harness';
import { mapStack } from '../../src/model/map-stack';
import { editedFixture, readStack, REFERENCE } from '../fixtures';
import { describeWhen, IS_ROOT } from '../machine-requirements';

const FIXTURE = mapStack(readStack(REFERENCE));
const WEB = FIXTURE.hosts.find(h => h.name === 'web1')!;
const GROUP = FIXTURE.hosts.find(h => h.name === 'app1')!.logicalId;
const WEB_ASSOCIATION = WEB.associations[0].logicalId;
const INSTANCE_ID = 'i-[0-9a-f]{17}';

const describeAsRoot = describeWhen(IS_ROOT, 'root on Linux (network namespaces, nftables): run it as root, e.g. with sudo');

/** A copy of the reference fixture whose web server's script lines `edit` changes. */
function editedWebScript(edit: (commands: unknown[]) => unknown[], template: (t: any) => void = () => undefined): string {
  return editedFixture(REFERENCE, t => {
    const parameters = t.Resources[WEB_ASSOCIATION].Properties.Parameters;
    parameters.commands = edit(parameters.commands);
    template(t);
  });
}

/** Deploys, expects exit 6 and that nothing of the deployment is left; returns the output. */
async function failedDeploy(dir: string, args: string[] = []): Promise<string> {
  const before = namespacedPids();
  const { code, output } = await runTool(['deploy', dir, REFERENCE.stack, '--publish-port', '0', ...args]);
  expect(code).toBe(6);
  expect(output).toContain('Torn down');
  expect(await leftoversAfter({ id: deploymentId(output)!, processes: [] })).toEqual([]);
  expect([...namespacedPids()].filter(pid => !before.has(pid))).toEqual([]);
  fs.rmSync(dir, { recursive: true, force: true });
  return output;
}

describeAsRoot('resource signals', () => {
  test('the example app deploys once every instance signalled SUCCESS, and the output names each signal', async () => {
    // Signal timeouts of 2400 s x0.5: ample on a loaded machine. The deploy passes once answers came
    // from both app hosts: 24 requests make one host answering them all (1 in 2^23) no concern.
    const { code, output } = await runTool(['deploy', REFERENCE.dir, REFERENCE.stack, '--publish-port', '0', '--requests', '24', '--health-check-time-scale', '0.5']);

    expect(output).toMatch(new RegExp(`${GROUP} waits for 2 SUCCESS signals from app1, app2 within 2400s x0\\.5 \\(its CreationPolicy\\)`));
    expect(output).toMatch(new RegExp(`web1 +signalled SUCCESS to ${WEB.logicalId} \\(id ${INSTANCE_ID}; 1 of 1 SUCCESS\\)`));
    for (const app of ['app1', 'app2']) expect(output).toMatch(new RegExp(`${app} +signalled SUCCESS to ${GROUP} \\(id ${INSTANCE_ID}; [12] of 2 SUCCESS\\)`));
    expect(output).toMatch(new RegExp(`${GROUP}: 2 of 2 SUCCESS signals \\(app\\d SUCCESS, app\\d SUCCESS\\)`));
    expect(output).toMatch(new RegExp(`${WEB.logicalId}: 1 of 1 SUCCESS signals \\(web1 SUCCESS\\)`));
    expect(output).toMatch(/Summary: 24\/24 succeeded, 0 errors, 2 distinct instance ids/);
    expect(code).toBe(0);
  }, 900_000);

  test('an instance that never signals fails the deploy with exit 6 once its scaled timeout passed, naming it; everything is torn down', async () => {
    // The web server's run ends without its cfn-signal call; its CreationPolicy waits 10 minutes, x0.05 here: 30 s.
    const dir = editedWebScript(
      commands => commands.map(c => typeof c === 'string' ? c.replace('"$nlbt_cfn_signal" "${args[@]}"', 'false') : c),
      t => t.Resources[WEB.logicalId].CreationPolicy.ResourceSignal.Timeout = 'PT10M');

    const output = await failedDeploy(dir, ['--health-check-time-scale', '0.05']);

    expect(output).toMatch(new RegExp(`${WEB.logicalId} received 0 of 1 SUCCESS signals within 30s \\(its CreationPolicy's 600s, x0\\.05 locally\\); no signal from web1 \\(${INSTANCE_ID}\\)`));
    expect(output).not.toMatch(/web1 +signalled/);
  }, 900_000);

  test('a FAILURE signal fails the deploy at once with exit 6, naming the resource, the instance and the reason', async () => {
    const dir = editedWebScript(commands => commands.flatMap(c => c === 'httpd -t' ? [c, 'test -e /etc/httpd/conf.d/injected-failure.conf'] : [c]));

    const output = await failedDeploy(dir);

    expect(output).toMatch(new RegExp(`${WEB.logicalId} received a FAILURE signal from web1 \\((${INSTANCE_ID})\\): provisioning failed on \\1: `
      + '\'test -e /etc/httpd/conf.d/injected-failure.conf\' exited with status 1'));
    // The run's own report comes with it.
    expect(output).toMatch(/Provisioning failed on web1 \(i-[0-9a-f]{17}\):\n {2}association WebServerProvisioning\w+ \(document AWS-RunShellScript\), step 0\.aws:runShellScript: exit 1 after/);
    // It did not wait for the group's signals.
    expect(output).not.toMatch(new RegExp(`${GROUP}: 2 of 2 SUCCESS signals`));
  }, 900_000);
});

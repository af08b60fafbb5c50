import { cloudWatchAgentConfig, renderCloudWatchAgentStep, renderProvisioningOutputCopy } from '../../src/private/cloudwatch-agent';

describe('cloudWatchAgentConfig', () => {
  test('lists each file under logs.logs_collected.files.collect_list with its group and a stream per instance', () => {
    expect(cloudWatchAgentConfig([{ filePath: '/var/log/a', logGroupName: 'group-a' }])).toEqual({
      logs: { logs_collected: { files: { collect_list: [{ file_path: '/var/log/a', log_group_name: 'group-a', log_stream_name: '{instance_id}' }] } } },
    });
  });

  test('fails without a file', () => {
    expect(() => cloudWatchAgentConfig([])).toThrow('a CloudWatch agent configuration needs at least one file to collect');
  });
});

describe('renderCloudWatchAgentStep', () => {
  test('writes the configuration in a quoted heredoc and starts the agent with fetch-config -m ec2 -s', () => {
    const step = renderCloudWatchAgentStep('{"logs":{}}', '/etc/agent.json');

    expect(step).toContain("<<'NLB_TIERS_CLOUDWATCH_AGENT_CONFIG'\n{\"logs\":{}}\nNLB_TIERS_CLOUDWATCH_AGENT_CONFIG\n");
    expect(step).toContain('nlbt_cwagent_conf="${CWAGENT_CONFIG:-/etc/agent.json}"');
    expect(step).toContain('"$nlbt_cwagent_ctl" -a fetch-config -m ec2 -c "file:$nlbt_cwagent_conf" -s');
    expect(step).toContain('yum install -y amazon-cloudwatch-agent');
  });

  test('fails on a configuration of more than one line, which the heredoc could end early', () => {
    expect(() => renderCloudWatchAgentStep('{\n}')).toThrow('the CloudWatch agent configuration must be JSON on one line (it is written with a heredoc)');
  });
});

describe('renderProvisioningOutputCopy', () => {
  test('sends both streams through tee into the file', () => {
    expect(renderProvisioningOutputCopy('/var/log/x.log')).toContain('exec > >(tee -a "$nlbt_provisioning_log") 2> >(tee -a "$nlbt_provisioning_log" >&2)');
  });
});

# Ships this server's log files to CloudWatch Logs with the CloudWatch agent: installs its
# package, writes its configuration and (re)starts it when the configuration changed or it is not
# running. Idempotent: a re-run with the same configuration changes and restarts nothing.
# "The CloudWatch agent is available as a package in Amazon Linux 2023 and Amazon Linux 2", installed
# with "sudo yum install amazon-cloudwatch-agent" (CloudWatch user guide, "Manual installation on
# Amazon EC2", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/manual-installation.html),
# and fetch-config with -s loads a configuration file and (re)starts the agent:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Agent-commandline-fleet.html
# It runs as root by default on Linux, so it reads root-only log folders such as /var/log/httpd:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-common-scenarios.html
# Where the package installs its control script, and where the configuration goes (CWAGENT_CTL
# and CWAGENT_CONFIG replace them in the scripts' own tests).
nlbt_cwagent_ctl="${CWAGENT_CTL:-/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl}"
nlbt_cwagent_conf="${CWAGENT_CONFIG:-@@configPath@@}"
if ! rpm -q amazon-cloudwatch-agent >/dev/null 2>&1; then
  yum install -y amazon-cloudwatch-agent
fi
nlbt_cwagent_new="$(mktemp)"
cat > "$nlbt_cwagent_new" <<'NLB_TIERS_CLOUDWATCH_AGENT_CONFIG'
@@agentConfig@@
NLB_TIERS_CLOUDWATCH_AGENT_CONFIG
if ! cmp -s "$nlbt_cwagent_new" "$nlbt_cwagent_conf"; then
  install -D -m 0644 "$nlbt_cwagent_new" "$nlbt_cwagent_conf"
  echo "changed: $nlbt_cwagent_conf"
  "$nlbt_cwagent_ctl" -a fetch-config -m ec2 -c "file:$nlbt_cwagent_conf" -s
elif ! "$nlbt_cwagent_ctl" -a status | grep -q '"status": *"running"'; then
  "$nlbt_cwagent_ctl" -a fetch-config -m ec2 -c "file:$nlbt_cwagent_conf" -s
  echo "started: amazon-cloudwatch-agent"
else
  echo "unchanged: amazon-cloudwatch-agent keeps running"
fi
rm -f "$nlbt_cwagent_new"

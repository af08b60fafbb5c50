# Signals CloudFormation when this script exits, with cfn-signal: SUCCESS when it ends with status 0
# (after its last check, that the server answers), FAILURE with the command that failed otherwise,
# so that a failed run fails the stack at once with a reason instead of at the creation timeout.
# cfn-signal "doesn't require credentials" (CloudFormation user guide, cfn-signal). Amazon Linux
# 2023 images do not ship it (amazonlinux/amazon-linux-2023#768); aws-cfn-bootstrap is in its
# repositories (#46) and in Amazon Linux 2's.
nlbt_signal_stack='@@stack@@'
nlbt_signal_resource='@@resource@@'
nlbt_signal_region='@@region@@'
# Where aws-cfn-bootstrap installs it (CFN_SIGNAL replaces it in the scripts' own tests).
nlbt_cfn_signal="${CFN_SIGNAL:-/opt/aws/bin/cfn-signal}"
# Written once a signal was delivered (NLBT_SIGNAL_MARKERS replaces the folder in the tests).
nlbt_signal_marker="${NLBT_SIGNAL_MARKERS:-/var/lib/nlb-tiers/signalled}/$nlbt_signal_resource"
# Fails the script with a reason of its own, which the FAILURE signal carries.
nlbt_fail() {
  nlbt_reason=$1
  echo "$1" >&2
  exit 1
}
nlbt_signal() {
  local status=$1 command=$2 token id args failed
  # The instance id, read with IMDSv2 (the instances require it), is the signal's unique id.
  token="$(curl -sf -m 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token || true)"
  id="$(curl -sf -m 5 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id || true)"
  args=(--stack "$nlbt_signal_stack" --resource "$nlbt_signal_resource" --region "$nlbt_signal_region")
  [ -z "$id" ] || args+=(--id "$id")
  if [ "$status" = 0 ]; then
    args+=(--exit-code 0)
  else
    failed="'$command' exited with status $status"
    args+=(--exit-code 1 --reason "provisioning failed on ${id:-this instance}: ${nlbt_reason:-$failed}")
  fi
  # CloudFormation waits for an instance's signal only once, after its launch: a later run of the
  # association (a new app, a scheduled run) sends none, so that it cannot count towards a rolling
  # update that waits for the signal of another, new instance.
  if [ -e "$nlbt_signal_marker" ]; then
    echo "cfn-signal: not sent; this instance signalled $nlbt_signal_resource on $(cat "$nlbt_signal_marker")"
    return "$status"
  fi
  # Once the resource is complete, CloudFormation refuses further signals: that does not fail the run.
  if "$nlbt_cfn_signal" "${args[@]}"; then
    mkdir -p "$(dirname "$nlbt_signal_marker")" && date -u +%FT%TZ > "$nlbt_signal_marker" || true
  else
    echo "cfn-signal: not delivered; $nlbt_signal_resource is not waiting for signals" >&2
  fi
  return "$status"
}
trap 'nlbt_signal $? "$BASH_COMMAND"' EXIT
if [ ! -x "$nlbt_cfn_signal" ]; then
  yum install -y aws-cfn-bootstrap
fi

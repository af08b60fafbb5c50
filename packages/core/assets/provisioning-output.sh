# Keeps this run's output in a file as well, which the CloudWatch agent ships, while the
# association still captures it for S3: each stream goes to the file and to where it went before
# (NLBT_PROVISIONING_LOG replaces the file in the scripts' own tests).
nlbt_provisioning_log="${NLBT_PROVISIONING_LOG:-@@logFile@@}"
mkdir -p "$(dirname "$nlbt_provisioning_log")"
exec > >(tee -a "$nlbt_provisioning_log") 2> >(tee -a "$nlbt_provisioning_log" >&2)
echo "provisioning run started at $(date -u +%FT%TZ)"

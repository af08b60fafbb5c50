#!/bin/bash
# Runs the playbook of an nlb-tiers FlaskUwsgiAppFleet on this instance. It is the second step of
# the fleet's own SSM document: the first (aws:downloadContent) put the playbook archive in place.
# The document's parameter references (a name in double braces) are filled in by the SSM agent
# before this runs; SSM checks every such reference against the declared parameters when it
# creates the document, so double braces appear nowhere else, comments included.
set -euo pipefail
@@provisioningOutput@@
@@signalOnExit@@
archive='@@archive@@'
playbook_dir='@@playbookDir@@'

if ! command -v ansible-playbook >/dev/null 2>&1; then
  if [ '{{ InstallAnsible }}' != 'True' ]; then
    nlbt_fail "ansible-playbook is not on this image and installAnsible is false: bake Ansible into the image, or let the fleet install it"
  fi
  if command -v dnf >/dev/null 2>&1; then
    # Amazon Linux 2023 ships ansible-core in its own repositories since release 2023.2.
    dnf install -y ansible-core
  elif command -v amazon-linux-extras >/dev/null 2>&1; then
    # Amazon Linux 2: Ansible comes from the ansible2 topic of amazon-linux-extras.
    amazon-linux-extras install -y ansible2
  else
    nlbt_fail "neither dnf nor amazon-linux-extras is here to install Ansible with: use an image with Ansible and installAnsible false"
  fi
fi

@@cloudWatchAgent@@

# A fresh copy of the playbook on every run: files a newer playbook dropped must not linger.
rm -rf "$playbook_dir"
mkdir -p "$playbook_dir"
# python3's zipfile module, because unzip is not on every Amazon Linux image.
python3 -m zipfile -e "$archive" "$playbook_dir"
# Where the app's secrets are (names and ARNs, no value), for the playbook to deploy: the
# parameter's pattern admits no quote that could end this string.
printf '%s\n' '{{ AppSecrets }}' > "$playbook_dir/files/app_secrets.json"
cd "$playbook_dir"
ansible-playbook --inventory localhost, --connection local --extra-vars '{{ ExtraVariables }}' -v playbook.yml
